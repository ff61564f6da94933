/**
 * `npm run simulator -- webex|bill|billsby [--port N] [...that simulator's flags]`: one of the local
 * API fakes, standalone, until Ctrl+C. Each simulator's main.ts only auto-starts when it is the
 * entry module (`require.main === module`), so importing its runner here starts it exactly once.
 * Each runner prints its base URL and installs its own SIGINT/SIGTERM handler that closes it.
 */
import { parseArgs as parseWebexArgs, runStandalone as runWebex } from '../simulators/webex/main';
import { runBillSimulator } from '../simulators/bill/main';
import { runBillsbySimulator } from '../simulators/billsby/main';

const USAGE = `usage: npm run simulator -- <kind> [--port N] [options]

  webex    [--port N] [--seed S]                    Webex API, OAuth and admin/fault endpoints
  bill     [--port N] [--host H] [--latency MS] [--hourly-limit N] [--generate N --seed S]
  billsby  [--port N] [--host H] [--latency MS] [--api-key K] [--company-domain CD]
           [--webhook-url URL [--webhook-secret S]]   Billsby REST reads; sends its public webhooks there

--port 0 picks a free port. Stops on Ctrl+C.
`;

const RUNNERS: Record<string, (argv: string[]) => Promise<unknown>> = {
  webex: async (argv) => {
    const { port, seed } = parseWebexArgs(argv);
    return runWebex(port, seed !== undefined ? { seed } : {});
  },
  bill: runBillSimulator,
  billsby: runBillsbySimulator,
};

/** The runners read flags loosely; a flag without a value would silently become NaN or a default. */
function checkPort(argv: string[]): string | undefined {
  const i = argv.indexOf('--port');
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    return '--port needs a number 0..65535';
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === '--help' || kind === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const run = kind ? RUNNERS[kind] : undefined;
  if (!run) {
    process.stderr.write(
      `${kind ? `error: unknown simulator '${kind}'` : 'error: missing simulator kind'}\n\n${USAGE}`,
    );
    return 2;
  }
  const problem = checkPort(rest);
  if (problem) {
    process.stderr.write(`error: ${problem}\n\n${USAGE}`);
    return 2;
  }
  await run(rest);
  process.stdout.write('Press Ctrl+C to stop.\n');
  // The listening server keeps the process alive; the runner's signal handler closes it and exits.
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: simulator failed to start: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
