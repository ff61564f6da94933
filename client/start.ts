import { loadConfig } from '../config/env';
import { configureLogging, productLogger } from '../logging';
import { startEmbeddedTemporal } from '../temporal/embedded';
import type { DevServer } from '../temporal/dev-server';
import { startGateway, type RunningGateway } from '../gateway/start';
import { codecUrl } from '../gateway/codec/server';
import { startWorkers, type RunningWorkers } from '../workers/start';

/**
 * `npm start`: the product in one process tree — the embedded Temporal server (unless
 * TEMPORAL_ADDRESS is set), the worker and the gateway. Ctrl+C stops all three, server last.
 */
async function main() {
  const config = loadConfig();
  configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const logger = productLogger('start');
  const log = (line: string) => logger.info(line);
  let server: DevServer | undefined;
  let workers: RunningWorkers | undefined;
  let gateway: RunningGateway | undefined;
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await gateway?.close().catch(() => undefined);
    await workers?.shutdown().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (!config.TEMPORAL_ADDRESS) {
      // The operator's browser calls the codec listener itself (never the gateway's port). It cannot
      // add a bearer token, so with CODEC_AUTH_TOKEN (a proxy injects it) or a port picked at
      // start-up (CODEC_PORT=0) the Web UI gets no codec endpoint and shows payloads encrypted.
      const codecEndpoint =
        config.CODEC_PORT !== 0 && !config.CODEC_AUTH_TOKEN
          ? codecUrl(config.CODEC_HOST, config.CODEC_PORT)
          : undefined;
      server = await startEmbeddedTemporal({ namespace: config.TEMPORAL_NAMESPACE, codecEndpoint, log });
      log(`Temporal dev server at ${server.address}, Web UI ${server.uiUrl}`);
    }
    workers = await startWorkers(config);
    log(`worker polling ${workers.taskQueues.webex}, ${workers.taskQueues.bill}`);
    gateway = await startGateway(config);
    log(`gateway on ${config.PUBLIC_BASE_URL} (healthz: ${config.PUBLIC_BASE_URL}/healthz)`);
    log(`/api/* needs Authorization: Bearer <key>; keys from ${gateway.apiKeySource}`);
    log(`control page: npm run cli -- ui-link <accountId> prints a sign-in link`);
    log(`codec endpoint for the Web UI on ${gateway.codecUrl}/decode (not the gateway port)`);
    log('ready — Ctrl+C to stop');
    void workers.done.then(() => stop(stopping ? 0 : 1));
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    await stop(1);
  }
}

void main();
