import { loadConfig } from '../config/env';
import { configureLogging, productLogger } from '../logging';
import { tuneGatewayHeap } from './heap-tuning';
import { startGateway } from './start';

// `npm run gateway`: the gateway alone, against TEMPORAL_ADDRESS (or the embedded server's address).
async function main() {
  tuneGatewayHeap();
  const config = loadConfig();
  configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const log = productLogger('gateway');
  const gateway = await startGateway(config);
  log.info(`listening on ${gateway.url} (Temporal at ${gateway.temporalAddress})`);
  log.info(`/api/* needs Authorization: Bearer <key>; keys from ${gateway.apiKeySource}`);
  log.info(
    `codec endpoint for the Temporal Web UI: ${gateway.codecUrl}/decode (bound to ${config.CODEC_HOST}, ` +
      (config.CODEC_AUTH_TOKEN ? 'bearer token required)' : 'loopback, no token)'),
  );
  log.info(`Prometheus metrics: ${gateway.metricsUrl}/metrics (bound to ${config.METRICS_HOST})`);
  const stop = async () => {
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  productLogger('gateway').fatal({ err }, 'failed to start');
  process.exit(1);
});
