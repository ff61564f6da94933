import { randomBytes } from 'node:crypto';
/**
 * One product gateway in a process of its own, for the ingest section ("accepted/s of one gateway
 * process"). Wired as gateway/start.ts wires it, except that the event log's location and
 * the task queue come from the benchmark, and it listens on loopback only. Started by
 * product.ts with its settings in BENCH_GATEWAY (JSON); prints `ready` once listening; stops on
 * SIGTERM/SIGINT, or when the benchmark process goes away (the IPC channel closes).
 */
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../../temporal/codec';
import { Client, Connection } from '@temporalio/client';
import { buildGateway } from '../../gateway/server';
import { gatewaySecurity } from '../../gateway/security';
import { createIntegrationService } from '../../gateway/start';
import { parseConfig } from '../../config/env';
import { BENCH_API_KEY } from './env';
import { createDataConverter } from '../../temporal/data-converter';
import { openEventLog } from '../../eventlog/open';
import { tuneGatewayHeap } from '../../gateway/heap-tuning';

export interface GatewayProcessSettings {
  temporalAddress: string;
  port: number;
  webexApiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  keyBase64: string;
  taskQueue: string;
  databaseUrl?: string;
  sqlitePath?: string;
}

async function main() {
  tuneGatewayHeap(); // as gateway/main.ts does
  const settings = JSON.parse(process.env.BENCH_GATEWAY ?? '') as GatewayProcessSettings;
  const keys = parseEncryptionKeys(settings.keyBase64);
  const url = `http://127.0.0.1:${settings.port}`;
  const config = parseConfig({
    PUBLIC_BASE_URL: url,
    GATEWAY_PORT: String(settings.port),
    WEBEX_API_BASE_URL: settings.webexApiBaseUrl,
    WEBEX_CLIENT_ID: settings.clientId,
    WEBEX_CLIENT_SECRET: settings.clientSecret,
    GATEWAY_API_KEYS: BENCH_API_KEY,
    // Its own: the bench's links never cross gateway processes.
    GATEWAY_SESSION_KEY: randomBytes(32).toString('base64url'),
  });
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({ connection, dataConverter: createDataConverter(keys) });
  const eventLog = await openEventLog({
    ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : { sqlitePath: settings.sqlitePath }),
    keys,
  });
  const taskQueues = { webex: settings.taskQueue, bill: `${settings.taskQueue}-bill` };
  const integrations = createIntegrationService(client, config, taskQueues, keys, eventLog);
  const app = await buildGateway({
    client,
    config,
    security: gatewaySecurity(config),
    codec: new AesGcmPayloadCodec(keys),
    taskQueues,
    integrations,
    webUiOrigins: [],
  });
  await app.listen({ port: settings.port, host: '127.0.0.1' });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close().catch(() => undefined);
    integrations.close();
    await eventLog.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.once('disconnect', () => void stop());
  console.log('ready');
}

main().catch((err) => {
  console.error(`[bench gateway] failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
