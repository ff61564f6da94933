/**
 * `npm run demo`: the whole product on embedded defaults in one process tree — the Temporal dev
 * server with its Web UI, the Webex, Billsby and BILL simulators, the worker and the gateway —
 * then the demo steps, then (unless --exit) it keeps running until Ctrl+C and stops everything.
 */
import path from 'node:path';
import { DATA_DIR } from '../../temporal/paths';
import { DEMO_USAGE, parseDemoArgs, type DemoArgs } from './args';
import { assertPortsFree } from './ports';
import { startDemoStack, stopDemoStack, type DemoStack } from './stack';
import { printUrls, runDemoSteps } from './steps';

const print = (line: string) => console.log(line);

function parseArgsOrExit(): DemoArgs {
  try {
    return parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    process.exit(2);
  }
}

async function main() {
  const args = parseArgsOrExit();
  if (args.help) {
    print(DEMO_USAGE);
    return;
  }
  const dataDir = path.resolve(args.dataDir ?? DATA_DIR);
  const stack: DemoStack = {};
  let stopping: Promise<void> | undefined;
  const stop = (code: number, why: string) => {
    stopping ??= (async () => {
      print(`\n=== Stopping (${why}): gateway, worker, simulators, Temporal server ===`);
      await stopDemoStack(stack, print);
      print('Stopped.');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0, 'Ctrl+C'));
  process.on('SIGTERM', () => void stop(0, 'SIGTERM'));
  process.on('uncaughtException', (err) => {
    console.error(`\nDemo failed: ${err.stack ?? err.message}`);
    void stop(1, 'error');
  });

  try {
    print('=== Starting the product on embedded defaults ===');
    if (process.env.TEMPORAL_ADDRESS)
      print('  (TEMPORAL_ADDRESS is ignored: the demo runs its own Temporal server)');
    print(`  data folder: ${dataDir}`);
    await assertPortsFree([
      { port: args.temporalPort, what: 'Temporal server', flag: '--temporal-port' },
      { port: args.uiPort, what: 'Temporal Web UI', flag: '--ui-port' },
      { port: args.gatewayPort, what: 'gateway', flag: '--port' },
      { port: args.codecPort, what: 'codec endpoint', flag: '--codec-port' },
    ]);
    await startDemoStack(
      {
        temporalPort: args.temporalPort,
        uiPort: args.uiPort,
        gatewayPort: args.gatewayPort,
        codecPort: args.codecPort,
        dataDir,
        log: print,
      },
      stack,
    );
    const result = await runDemoSteps(stack, print);
    printUrls(stack, result, print);
  } catch (err) {
    if (stopping) return; // Ctrl+C during start-up or a step: that stop decides the exit
    console.error(`\nDemo failed: ${(err as Error).message}`);
    await stop(1, 'failure');
    return;
  }

  if (args.exit) {
    if (args.holdMs > 0) {
      print(`\nHolding for ${args.holdMs} ms before stopping.`);
      await new Promise((resolve) => setTimeout(resolve, args.holdMs));
    }
    await stop(0, '--exit');
    return;
  }
  print('\nDemo is running. Press Ctrl+C to stop.');
  void stack.workers!.done.then(
    () => void stop(stopping ? 0 : 1, 'the worker stopped'),
    (err: Error) => {
      console.error(`\nThe worker failed: ${err.message}`);
      void stop(1, 'worker failure');
    },
  );
}

void main();
