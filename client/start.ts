import { loadConfig } from '../config/env';
import { startEmbeddedTemporal } from '../temporal/embedded';
import type { DevServer } from '../temporal/dev-server';
import { startGateway, type RunningGateway } from './gateway/start';
import { startWorkers, type RunningWorkers } from '../workers/start';

/**
 * `npm start`: the product in one process tree — the embedded Temporal server (unless
 * TEMPORAL_ADDRESS is set), the worker and the gateway. Ctrl+C stops all three, server last.
 */
async function main() {
  const config = loadConfig();
  const log = (line: string) => console.log(line);
  let server: DevServer | undefined;
  let workers: RunningWorkers | undefined;
  let gateway: RunningGateway | undefined;
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('[start] stopping…');
    await gateway?.close().catch(() => undefined);
    await workers?.shutdown().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    log('[start] stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (!config.TEMPORAL_ADDRESS) {
      server = await startEmbeddedTemporal({
        namespace: config.TEMPORAL_NAMESPACE,
        codecEndpoint: config.PUBLIC_BASE_URL,
        log,
      });
      log(`[start] Temporal dev server at ${server.address}, Web UI ${server.uiUrl}`);
    }
    workers = await startWorkers(config);
    log(`[start] worker polling ${workers.taskQueues.webex}, ${workers.taskQueues.bill}`);
    gateway = await startGateway(config);
    log(`[start] gateway on ${config.PUBLIC_BASE_URL} (healthz: ${config.PUBLIC_BASE_URL}/healthz)`);
    log('[start] ready — Ctrl+C to stop');
    void workers.done.then(() => stop(stopping ? 0 : 1));
  } catch (err) {
    console.error(`[start] failed: ${(err as Error).message}`);
    await stop(1);
  }
}

void main();
