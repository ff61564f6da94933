/**
 * Standalone BILL simulator: `npx tsx simulators/bill/main.ts [--port N] [--host H] [--latency MS]
 * [--hourly-limit N] [--generate N --seed S] [--risk-verifications-unsupported] [--unsorted-payments]`.
 * Prints the base URL and the seed credentials.
 */
import { generateBillDataset } from './generate';
import { SEED_CREDENTIALS } from './seed';
import { startBillSimulator } from './index';

export async function runBillSimulator(argv: string[] = process.argv.slice(2)): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = (name: string): number | undefined => (arg(name) === undefined ? undefined : Number(arg(name)));
  const generate = n('generate');
  const sim = await startBillSimulator({
    port: n('port') ?? 4020,
    host: arg('host'),
    latencyMs: n('latency'),
    hourlyLimit: n('hourly-limit'),
    dataset: generate ? generateBillDataset({ organizations: generate, seed: n('seed') ?? 1 }) : undefined,
    riskVerificationsUnsupported: argv.includes('--risk-verifications-unsupported'),
    unsortedPayments: argv.includes('--unsorted-payments'),
  });
  process.stdout.write(
    `BILL simulator on ${sim.baseUrl} (${sim.control.dataset.organizations.length} organizations)\n` +
      `credentials: username=${SEED_CREDENTIALS.username} appKey=${SEED_CREDENTIALS.appKey} devKey=${SEED_CREDENTIALS.devKey} (simulator-only values)\n`,
  );
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  runBillSimulator().catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
