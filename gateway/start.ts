import type { Client } from '@temporalio/client';
import { AesGcmPayloadCodec, type EncryptionKey } from '../temporal/codec';
import { connectClient, temporalAddress } from '../temporal/connection';
import { temporalSecurity } from '../temporal/security';
import { createDataConverter } from '../temporal/data-converter';
import { loadEncryptionKeys } from '../temporal/keys';
import { DEFAULT_TASK_QUEUES, type TaskQueues } from '../temporal/task-queues';
import type { AppConfig } from '../config/env';
import { buildGateway } from './server';
import { gatewaySecurity } from './security';
import { startCodecServer, type RunningCodecServer } from './codec/server';
import { IntegrationService, type IntegrationServiceConfig } from './integration/service';
import { WebhookSecretStore } from './integration/webhook-secrets';
import type { IntegrationOptions } from '../workflows/webex/integration';
import { openEventLog } from '../eventlog/open';
import type { EventLog } from '../eventlog/types';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { startMetricsServer, type RunningMetricsServer } from '../metrics/server';

export interface RunningGateway {
  url: string;
  port: number;
  temporalAddress: string;
  /** Where the `/api/*` keys come from: GATEWAY_API_KEYS, or the key file's path (never a key). */
  apiKeySource: string;
  /** The codec listener (CODEC_HOST:CODEC_PORT), never the gateway's port. */
  codecUrl: string;
  /** The metrics listener (METRICS_HOST:METRICS_PORT, `GET /metrics`), never the gateway's port. */
  metricsUrl: string;
  close(): Promise<void>;
}

export async function startGateway(
  config: AppConfig,
  opts: {
    taskQueues?: TaskQueues;
    host?: string;
    webUiOrigins?: string[];
    workflowOptions?: IntegrationOptions;
    /** Override CODEC_HOST / CODEC_PORT (tests: port 0). */
    codecHost?: string;
    codecPort?: number;
    /** Override METRICS_PORT (tests: port 0). */
    metricsPort?: number;
  } = {},
): Promise<RunningGateway> {
  const keys = loadEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEY);
  const address = temporalAddress(config.TEMPORAL_ADDRESS);
  const client = await connectClient({
    address,
    security: temporalSecurity(config),
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
  });
  const taskQueues = opts.taskQueues ?? DEFAULT_TASK_QUEUES;
  const eventLog = await openEventLog({ databaseUrl: config.DATABASE_URL, keys });
  const integrations = createIntegrationService(
    client,
    config,
    taskQueues,
    keys,
    eventLog,
    opts.workflowOptions,
  );
  const security = gatewaySecurity(config);
  const metrics = new GatewayMetrics({ defaultMetrics: true });
  const app = await buildGateway({
    client,
    config,
    security,
    codec: new AesGcmPayloadCodec(keys),
    taskQueues,
    integrations,
    webUiOrigins: opts.webUiOrigins ?? config.WEB_UI_ORIGINS,
    metrics,
  });
  await app.listen({ port: config.GATEWAY_PORT, host: opts.host ?? '0.0.0.0' });
  let codecServer: RunningCodecServer | undefined;
  let metricsServer: RunningMetricsServer;
  try {
    codecServer = await startCodecServer({
      codec: new AesGcmPayloadCodec(keys),
      allowedOrigins: opts.webUiOrigins ?? config.WEB_UI_ORIGINS,
      authToken: config.CODEC_AUTH_TOKEN,
      host: opts.codecHost ?? config.CODEC_HOST,
      port: opts.codecPort ?? config.CODEC_PORT,
    });
    metricsServer = await startMetricsServer({
      registry: metrics.registry,
      host: config.METRICS_HOST,
      port: opts.metricsPort ?? config.METRICS_PORT,
      what: 'gateway metrics',
      variable: 'METRICS_PORT',
    });
  } catch (err) {
    await codecServer?.close();
    await app.close();
    integrations.close();
    await eventLog.close();
    await client.connection.close();
    throw err;
  }
  await integrations.wakeAccountsWithQueuedEvents();
  const port = (app.server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    temporalAddress: address,
    apiKeySource: security.apiKeySource,
    codecUrl: codecServer.url,
    metricsUrl: metricsServer.url,
    async close() {
      await metricsServer.close();
      await codecServer!.close();
      await app.close();
      integrations.close();
      await eventLog.close();
      await client.connection.close();
    },
  };
}

export function createIntegrationService(
  client: Client,
  config: AppConfig,
  taskQueues: TaskQueues,
  keys: EncryptionKey[],
  eventLog: EventLog,
  workflowOptions?: IntegrationOptions,
  tuning: Pick<IntegrationServiceConfig, 'connectTimeoutMs' | 'authorizationTtlMs' | 'waker'> = {},
): IntegrationService {
  return new IntegrationService(
    client,
    {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      webexApiBaseUrl: config.WEBEX_API_BASE_URL,
      webexClientId: config.WEBEX_CLIENT_ID,
      webexScopes: config.WEBEX_SCOPES,
      taskQueue: taskQueues.webex,
      workflowOptions,
      maxUndelivered: config.EVENT_LOG_MAX_UNDELIVERED,
      undeliveredAlertSeconds: config.ALERT_UNDELIVERED_AGE_SECONDS,
      billsby: {
        apiBaseUrl: config.BILLSBY_API_BASE_URL,
        defaultCompanyDomain: config.BILLSBY_COMPANY_DOMAIN,
      },
      ...tuning,
    },
    new WebhookSecretStore(eventLog, keys),
    eventLog,
  );
}
