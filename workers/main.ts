import { loadConfig } from '../config/env';
import { startWorkers } from './start';

// `npm run worker`: the worker alone, against TEMPORAL_ADDRESS (or the embedded server's address).
async function main() {
  const config = loadConfig();
  const running = await startWorkers(config);
  console.log(
    `[worker] polling ${running.taskQueues.webex} and ${running.taskQueues.bill} at ${running.temporalAddress}`,
  );
  console.log(`[worker] Prometheus metrics: ${running.metricsUrl}/metrics (the product's counters)`);
  console.log(
    running.sdkMetrics.address
      ? `[worker] Temporal SDK metrics: http://${running.sdkMetrics.address}/metrics`
      : `[worker] Temporal SDK metrics: off (${running.sdkMetrics.note})`,
  );
  // The SDK installs SIGINT/SIGTERM handlers that shut the workers down gracefully.
  await running.done;
  console.log('[worker] stopped');
}

main().catch((err) => {
  console.error(`[worker] failed: ${(err as Error).message}`);
  process.exit(1);
});
