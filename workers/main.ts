import { loadConfig } from '../config/env';
import { configureLogging, productLogger } from '../logging';
import { startWorkers } from './start';

// `npm run worker`: the worker alone, against TEMPORAL_ADDRESS (or the embedded server's address).
async function main() {
  const config = loadConfig();
  configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const log = productLogger('worker');
  const running = await startWorkers(config);
  log.info(
    `polling ${running.taskQueues.webex} and ${running.taskQueues.bill} at ${running.temporalAddress}`,
  );
  log.info(`Prometheus metrics: ${running.metricsUrl}/metrics (the product's counters)`);
  log.info(
    running.sdkMetrics.address
      ? `Temporal SDK metrics: http://${running.sdkMetrics.address}/metrics`
      : `Temporal SDK metrics: off (${running.sdkMetrics.note})`,
  );
  // The SDK installs SIGINT/SIGTERM handlers that shut the workers down gracefully.
  await running.done;
  log.info('stopped');
}

main().catch((err) => {
  productLogger('worker').fatal({ err }, 'failed');
  process.exit(1);
});
