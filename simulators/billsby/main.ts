/**
 * Standalone Billsby simulator:
 * `npx tsx simulators/billsby/main.ts [--port N] [--host H] [--latency MS] [--api-key K]
 *   [--company-domain CD] [--webhook-url URL [--webhook-secret S]]`.
 */
import { startBillsbySimulator } from './index';

export async function runBillsbySimulator(argv: string[] = process.argv.slice(2)): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const webhookUrl = arg('webhook-url');
  const sim = await startBillsbySimulator({
    port: arg('port') ? Number(arg('port')) : 4030,
    host: arg('host'),
    latencyMs: arg('latency') ? Number(arg('latency')) : undefined,
    apiKey: arg('api-key'),
    companyDomain: arg('company-domain'),
    webhook: webhookUrl ? { url: webhookUrl, secret: arg('webhook-secret') } : undefined,
  });
  process.stdout.write(
    `Billsby simulator on ${sim.baseUrl} (companyDomain=${sim.control.dataset.companyDomain}, ApiKey=${sim.control.dataset.apiKey}: simulator-only value)\n` +
      (webhookUrl ? `Public webhooks go to ${webhookUrl}\n` : ''),
  );
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  runBillsbySimulator().catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
