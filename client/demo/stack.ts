/**
 * The demo's process tree: the embedded Temporal dev server with its Web UI, the Webex, Billsby and
 * BILL simulators, the product's worker and gateway — composed from the same pieces as `npm start`,
 * but pointed at the simulators and at the demo's own ports and database.
 */
import path from 'node:path';
import { openEventLog } from '../../eventlog/open';
import type { EventLog } from '../../eventlog/types';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Runtime, type Worker } from '@temporalio/worker';
import { configureLogging, loggingFromEnv, runtimeLoggingOptions } from '../../logging';
import type { FastifyInstance } from 'fastify';
import { activityDepsFromConfig, createActivities } from '../../activities';
import { parseConfig, type AppConfig } from '../../config/env';
import { startBillSimulator, SEED_CREDENTIALS, type BillSimulator } from '../../simulators/bill';
import { startBillsbySimulator, type BillsbySimulator } from '../../simulators/billsby';
import { startWebexSimulator, type WebexSimulator } from '../../simulators/webex';
import { ensureTemporalCli } from '../../temporal/cli';
import { AesGcmPayloadCodec } from '../../temporal/codec';
import { connectClient, connectWorker } from '../../temporal/connection';
import { createDataConverter } from '../../temporal/data-converter';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { loadEncryptionKeys } from '../../temporal/keys';
import { DEFAULT_TASK_QUEUES } from '../../temporal/task-queues';
import { createProductWorkers, WORKFLOW_BUNDLE_OPTIONS } from '../../workers/create-workers';
import { buildGateway } from '../../gateway/server';
import { gatewaySecurity, type GatewaySecurity } from '../../gateway/security';
import { startCodecServer, type RunningCodecServer } from '../../gateway/codec/server';
import { createIntegrationService } from '../../gateway/start';
import type { IntegrationService } from '../../gateway/integration/service';

/**
 * The demo BILL simulator's hourly limit, and the pace the demo's worker keeps: a local simulator
 * has no 20,000-per-hour devKey budget to protect, so the demo runs its chain at 100 requests a
 * second instead of one every 0.36 s.
 */
export const DEMO_BILL_REQUESTS_PER_HOUR = 360_000;

export const SIM_CLIENT_ID = 'sim-client-id';
export const SIM_CLIENT_SECRET = 'sim-client-secret';

export interface StackOptions {
  temporalPort: number;
  uiPort: number;
  gatewayPort: number;
  /** The codec listener's port on 127.0.0.1 (the Web UI's codec endpoint). */
  codecPort: number;
  dataDir: string;
  log: (line: string) => void;
}

/** What has started so far; stopDemoStack stops exactly these, whatever the start got to. */
export interface DemoStack {
  server?: DevServer;
  webex?: WebexSimulator;
  /** Billsby's REST API (what the worker fills public webhooks from) and its webhooks. */
  billsby?: BillsbySimulator;
  bill?: BillSimulator;
  workers?: { workers: Worker[]; done: Promise<void> };
  gateway?: FastifyInstance;
  codec?: RunningCodecServer;
  client?: Client;
  config?: AppConfig;
  integrations?: IntegrationService;
  /** The gateway's keys; the demo's own API calls use its first key. */
  security?: GatewaySecurity;
  eventLog?: EventLog;
  publicUrl?: string;
  codecUrl?: string;
  uiUrl?: string;
  /** Set while stopping: the dev server's shutdown chatter (poll errors, dial errors) is not shown. */
  quiet?: boolean;
}

const quietBundler = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => console.warn(`[bundler] ${m}`),
  error: (m: string) => console.error(`[bundler] ${m}`),
};

export async function startDemoStack(opts: StackOptions, stack: DemoStack): Promise<void> {
  const { log } = opts;
  // The demo's printed steps are its UI; the product's logs (gateway, worker, SDK) show only
  // warnings, as one readable line each, unless LOG_LEVEL / LOG_FORMAT say otherwise.
  const fromEnv = loggingFromEnv();
  configureLogging({
    level: process.env.LOG_LEVEL ? fromEnv.level : 'warn',
    format: process.env.LOG_FORMAT ? fromEnv.format : 'pretty',
  });
  // The demo owns shutdown order (gateway, worker, simulators, server last), not the SDK.
  Runtime.install({ ...runtimeLoggingOptions(), shutdownSignals: [] });

  const cli = ensureTemporalCli(log);
  log(`  temporal CLI: ${cli.path} (${cli.source})`);

  stack.webex = await startWebexSimulator({
    port: 0,
    clientId: SIM_CLIENT_ID,
    clientSecret: SIM_CLIENT_SECRET,
    // A new seed per run: ids and tokens of an earlier demo's simulator never come back.
    seed: Date.now() % 2 ** 31 || 1,
  });
  log(`  Webex simulator: ${stack.webex.baseUrl}`);
  stack.billsby = await startBillsbySimulator({ port: 0 });
  log(
    `  Billsby simulator: ${stack.billsby.baseUrl} (company "${stack.billsby.control.dataset.companyDomain}")`,
  );
  stack.bill = await startBillSimulator({ port: 0, hourlyLimit: DEMO_BILL_REQUESTS_PER_HOUR });
  log(`  BILL simulator:  ${stack.bill.baseUrl} (seeded data set)`);

  const publicUrl = `http://localhost:${opts.gatewayPort}`;
  stack.publicUrl = publicUrl;
  // The Web UI's codec endpoint: its own listener on loopback, never the gateway's port.
  const codecUrl = `http://127.0.0.1:${opts.codecPort}`;
  stack.codecUrl = codecUrl;
  const config = parseConfig({
    TEMPORAL_ADDRESS: `127.0.0.1:${opts.temporalPort}`,
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE,
    PAYLOAD_ENCRYPTION_KEY: process.env.PAYLOAD_ENCRYPTION_KEY,
    GATEWAY_PORT: String(opts.gatewayPort),
    PUBLIC_BASE_URL: publicUrl,
    WEBEX_API_BASE_URL: stack.webex.baseUrl,
    WEBEX_CLIENT_ID: SIM_CLIENT_ID,
    WEBEX_CLIENT_SECRET: SIM_CLIENT_SECRET,
    // No default BILLSBY_COMPANY_DOMAIN / BILLSBY_API_KEY: the demo account stores its own
    // credentials through the API (PUT /api/accounts/demo/billsby), as a real account does.
    BILLSBY_API_BASE_URL: stack.billsby.baseUrl,
    BILL_API_BASE_URL: stack.bill.baseUrl,
    BILL_USERNAME: SEED_CREDENTIALS.username,
    BILL_PASSWORD: SEED_CREDENTIALS.password,
    BILL_APP_KEY: SEED_CREDENTIALS.appKey,
    BILL_DEV_KEY: SEED_CREDENTIALS.devKey,
  });
  stack.config = config;
  const address = config.TEMPORAL_ADDRESS!;
  const keys = loadEncryptionKeys(
    config.PAYLOAD_ENCRYPTION_KEY,
    path.join(opts.dataDir, 'payload-encryption.key'),
  );

  // The dev server and the workflow bundle take the longest; build both at once.
  const dbFilename = path.join(opts.dataDir, 'demo', 'temporal.sqlite');
  log(`  starting the Temporal dev server (database ${dbFilename}) and bundling the workflows…`);
  const [, bundle] = await Promise.all([
    startDevServer({
      cliPath: cli.path,
      port: opts.temporalPort,
      uiPort: opts.uiPort,
      dbFilename,
      namespace: config.TEMPORAL_NAMESPACE,
      codecEndpoint: codecUrl,
      readyTimeoutMs: 120_000,
      log: (line) => stack.quiet || log(`  ${line}`),
    }).then((server) => (stack.server = server)),
    bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietBundler }),
  ]);
  stack.uiUrl = `http://localhost:${opts.uiPort}`;
  log(`  Temporal dev server: ${address}, Web UI ${stack.uiUrl} (codec endpoint ${codecUrl})`);

  const eventLog = await openEventLog({
    sqlitePath: path.join(opts.dataDir, 'demo', 'event-log.sqlite'),
    keys,
  });
  stack.eventLog = eventLog;
  const deps = activityDepsFromConfig(config, eventLog);
  // The simulator's budget, not production's: the engagement step takes seconds, not a minute of
  // pacing (BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR stays the production setting, at most 20,000).
  deps.bill.maxRequestsPerHour = DEMO_BILL_REQUESTS_PER_HOUR;
  const connection = await connectWorker({ address });
  const workers = await createProductWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
    taskQueues: DEFAULT_TASK_QUEUES,
    activities: createActivities(deps),
    workflowBundle: { code: bundle.code },
  });
  const done = Promise.all(workers.map((w) => w.run())).then(() => connection.close());
  stack.workers = { workers, done };
  log(`  worker polling ${DEFAULT_TASK_QUEUES.webex} and ${DEFAULT_TASK_QUEUES.bill}`);

  stack.client = await connectClient({
    address,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
  });
  stack.integrations = createIntegrationService(stack.client, config, DEFAULT_TASK_QUEUES, keys, eventLog);
  stack.security = gatewaySecurity(config);
  const app = await buildGateway({
    client: stack.client,
    config,
    security: stack.security,
    codec: new AesGcmPayloadCodec(keys),
    taskQueues: DEFAULT_TASK_QUEUES,
    integrations: stack.integrations,
    webUiOrigins: [`http://localhost:${opts.uiPort}`, `http://127.0.0.1:${opts.uiPort}`],
  });
  stack.gateway = app;
  try {
    await app.listen({ port: opts.gatewayPort, host: '127.0.0.1' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${opts.gatewayPort} (gateway) is already in use; choose another with --port N`);
    }
    throw err;
  }
  log(`  gateway: ${publicUrl}`);
  try {
    stack.codec = await startCodecServer({
      codec: new AesGcmPayloadCodec(keys),
      allowedOrigins: [`http://localhost:${opts.uiPort}`, `http://127.0.0.1:${opts.uiPort}`],
      host: '127.0.0.1',
      port: opts.codecPort,
    });
  } catch (err) {
    if (/already in use/.test((err as Error).message)) {
      throw new Error(
        `port ${opts.codecPort} (codec endpoint) is already in use; choose another with --codec-port N`,
      );
    }
    throw err;
  }
  log(`  codec endpoint: ${codecUrl}/decode (loopback only)`);
}

async function within(ms: number, what: string, work: () => Promise<unknown>, log: (l: string) => void) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log(`  ${what} did not stop within ${ms} ms; moving on`);
      resolve();
    }, ms);
  });
  await Promise.race([work().catch((err: Error) => log(`  stopping ${what}: ${err.message}`)), timeout]);
  clearTimeout(timer);
}

/** Gateway, worker, simulators, Temporal server last; each bounded so Ctrl+C always ends. */
export async function stopDemoStack(stack: DemoStack, log: (line: string) => void): Promise<void> {
  const { gateway, codec, client, workers, webex, billsby, bill, server, eventLog, integrations } = stack;
  stack.quiet = true;
  if (gateway) await within(10_000, 'gateway', () => gateway.close(), log);
  if (codec) await within(5_000, 'codec endpoint', () => codec.close(), log);
  if (client) await within(5_000, 'Temporal client', () => client.connection.close(), log);
  if (workers) {
    await within(
      20_000,
      'worker',
      async () => {
        for (const w of workers.workers) if (w.getState() === 'RUNNING') w.shutdown();
        await workers.done;
      },
      log,
    );
  }
  integrations?.close();
  if (eventLog) await within(5_000, 'event log', () => eventLog.close(), log);
  if (webex) await within(5_000, 'Webex simulator', () => webex.close(), log);
  if (billsby) await within(5_000, 'Billsby simulator', () => billsby.close(), log);
  if (bill) await within(5_000, 'BILL simulator', () => bill.close(), log);
  if (server) await within(15_000, 'Temporal dev server', () => server.stop(), log);
}
