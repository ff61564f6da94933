import { loadConfig } from '../../config/env';
import { startGateway } from './start';

// `npm run gateway`: the gateway alone, against TEMPORAL_ADDRESS (or the embedded server's address).
async function main() {
  const config = loadConfig();
  const gateway = await startGateway(config);
  console.log(`[gateway] listening on ${gateway.url} (Temporal at ${gateway.temporalAddress})`);
  console.log(`[gateway] /api/* needs Authorization: Bearer <key>; keys from ${gateway.apiKeySource}`);
  console.log(
    `[gateway] codec endpoint for the Temporal Web UI: ${gateway.codecUrl}/decode (bound to ${config.CODEC_HOST}, ` +
      (config.CODEC_AUTH_TOKEN ? 'bearer token required)' : 'loopback, no token)'),
  );
  console.log(
    `[gateway] Prometheus metrics: ${gateway.metricsUrl}/metrics (bound to ${config.METRICS_HOST})`,
  );
  const stop = async () => {
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(`[gateway] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
