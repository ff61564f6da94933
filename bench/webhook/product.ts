import { randomBytes } from 'node:crypto';
/**
 * The product as production wires it, on the benchmark's dev server and simulator: the event log
 * (SQLite file or PostgreSQL), a worker with the real workflows and Webex activities (production
 * defaults: tuning, timeouts, backoff) and the worker process's wake sweep (workers/wake-sweep.ts,
 * as workers/start.ts runs it), and the real gateway — in this process, or in a process of its own
 * (ingest). Accounts connect through the real OAuth redirect flow, each as its own Webex user, so
 * each gets its own "Billsby Data" room; several may connect at once (addAccounts' concurrency).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createWebexActivities } from '../../activities/webex';
import type { BillsbyDeps } from '../../activities/webex/deps';
import { buildGateway } from '../../gateway/server';
import { gatewaySecurity } from '../../gateway/security';
import { createIntegrationService } from '../../gateway/start';
import { parseConfig } from '../../config/env';
import { openEventLog } from '../../eventlog/open';
import type { EventLog } from '../../eventlog/types';
import { AesGcmPayloadCodec } from '../../temporal/codec';
import { refusingUnencrypted } from '../../temporal/data-converter';
import { PRODUCT_WORKER_DEFAULTS, WORKFLOW_BUNDLE_OPTIONS } from '../../workers/create-workers';
import { freePort } from '../../test/harness/free-port';
import { http } from '../../test/harness/http';
import { BENCH_API_KEY, runCleanups, type BenchAccount, type BenchEnv, type Program } from './env';
import { connectThroughBrowser, ScriptBrowser, type BrowserReply } from '../../client/demo/script-browser';
import { signalEventsAvailable, WakeSweep, type SignalAccount } from '../../workers/wake-sweep';
import type { GatewayProcessSettings } from './gateway-process';
import { productMetricSinks } from '../../metrics/worker-metrics';
import { timedEventLog, type LogTimes } from './timed-log';

const CLIENT_ID = 'sim-client-id';
const CLIENT_SECRET = 'sim-client-secret';

export type Engine = 'sqlite' | 'postgres';

let stacks = 0;

export interface ProductOptions {
  engine: Engine;
  /** Required for postgres. */
  databaseUrl?: string;
  /** Run the gateway in a child process (one gateway process, as deployed). */
  gatewayProcess: boolean;
  bundleCode: string;
  /**
   * Billsby's REST API for filling public webhooks (the bench's Billsby simulator, its
   * credentials as BILLSBY_COMPANY_DOMAIN / BILLSBY_API_KEY); none: public webhooks post unfilled.
   */
  billsby?: BillsbyDeps;
}

export interface ProductProgram extends Program {
  engine: Engine;
  /** The worker's handle on the log (the gateway has its own). */
  eventLog: EventLog;
  /** Stops the worker and its wake sweep (ingest measures the gateway and the log alone). */
  stopWorker(): Promise<void>;
  /** Signals the worker's wake sweep has sent so far (accounts it found stalled and woke). */
  sweepSignals(): number;
  /** The worker's event-log calls so far: count and time per method (timed-log.ts). */
  logTimes(): LogTimes;
}

/**
 * The authorization routes' rate limits (120 a minute per address, 30 per account) are lifted:
 * the load generator is one address standing in for every installing user's browser, and the
 * start link (`/oauth/webex/start?token=…`) names no account, so its per-account limit is one
 * bucket for every account: 30 connects a minute per gateway process. Either would throttle
 * the connecting of hundreds of accounts (the `many` section); no other route is limited.
 */
const BENCH_RATE_LIMITS = { perAddressPerMinute: 1_000_000, perAccountPerMinute: 1_000_000 };

export async function bundleProductWorkflows(): Promise<string> {
  const bundle = await bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  return bundle.code;
}

export const engineLabel = (engine: Engine) =>
  engine === 'postgres' ? 'event log: PostgreSQL' : 'event log: embedded SQLite';

export async function startProduct(env: BenchEnv, opts: ProductOptions): Promise<ProductProgram> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const close = env.teardown.add(`product (${opts.engine})`, () => runCleanups(cleanups, 'product'));
  try {
    return await start(env, opts, cleanups, close);
  } catch (err) {
    await close();
    throw err;
  }
}

async function start(
  env: BenchEnv,
  opts: ProductOptions,
  cleanups: (() => Promise<unknown> | unknown)[],
  close: () => Promise<void>,
): Promise<ProductProgram> {
  const where: { databaseUrl: string } | { sqlitePath: string } =
    opts.engine === 'postgres'
      ? { databaseUrl: required(opts.databaseUrl, 'a PostgreSQL URL') }
      : { sqlitePath: path.join(tempDir(cleanups), 'event-log.sqlite') };
  // Unique per stack: two stacks on one queue would run each other's activities (other log, other redirect).
  const taskQueue = `bench-product-${opts.engine}-${env.suffix}-${++stacks}`;
  const taskQueues = { webex: taskQueue, bill: `${taskQueue}-bill` };
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const config = parseConfig({
    PUBLIC_BASE_URL: gatewayUrl,
    GATEWAY_PORT: String(gatewayPort),
    WEBEX_API_BASE_URL: env.sim.baseUrl,
    WEBEX_CLIENT_ID: CLIENT_ID,
    WEBEX_CLIENT_SECRET: CLIENT_SECRET,
    GATEWAY_API_KEYS: BENCH_API_KEY,
    GATEWAY_SESSION_KEY: randomBytes(32).toString('base64url'),
  });

  // The worker: its own handle on the log, as the worker process has in production.
  const opened = await openEventLog({ ...where, keys: env.keys });
  cleanups.push(() => opened.close());
  const { log: eventLog, times: logTimes } = timedEventLog(opened);
  const workerConnection = await NativeConnection.connect({ address: env.server.address });
  cleanups.push(() => workerConnection.close());
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    dataConverter: refusingUnencrypted(env.dataConverter),
    workflowBundle: { code: opts.bundleCode },
    activities: createWebexActivities({
      eventLog,
      apiBaseUrl: env.sim.baseUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${gatewayUrl}/oauth/webex/callback`,
      billsby: opts.billsby,
    }),
    sinks: productMetricSinks(),
    ...PRODUCT_WORKER_DEFAULTS,
  });
  const workerRun = worker.run();

  // The worker process's wake sweep, as workers/start.ts runs it: production's tick (10 s) and
  // stall bound (DELIVERY_SWEEP_AFTER_SECONDS, 30 s by default), through a client of its own.
  const sweepConnection = await Connection.connect({ address: env.server.address });
  cleanups.push(() => sweepConnection.close());
  const signal = signalEventsAvailable(
    new Client({ connection: sweepConnection, dataConverter: env.dataConverter }),
  );
  let sweepSignals = 0;
  const countedSignal: SignalAccount = (accountId) => {
    sweepSignals++;
    return signal(accountId);
  };
  const sweep = new WakeSweep(eventLog, countedSignal, {
    stalledAfterMs: config.DELIVERY_SWEEP_AFTER_SECONDS * 1000,
    log: {
      debug: (line) => (process.env.BENCH_DEBUG ? console.error(`[bench] ${line}`) : undefined),
      warn: (line) => console.error(`[bench] ${line}`),
    },
  });
  sweep.start();
  const stopWorker = async () => {
    // Before the event log closes (a later clean-up): the sweep gives its lease up through it.
    await sweep.stop();
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
  };
  cleanups.push(stopWorker);

  // The gateway: in this process, or one process of its own.
  if (opts.gatewayProcess) {
    await startGatewayProcess(cleanups, {
      temporalAddress: env.server.address,
      port: gatewayPort,
      webexApiBaseUrl: env.sim.baseUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      keyBase64: env.keyBase64,
      taskQueue,
      ...where,
    });
  } else {
    const gatewayLog = await openEventLog({ ...where, keys: env.keys });
    cleanups.push(() => gatewayLog.close());
    const connection = await Connection.connect({ address: env.server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, dataConverter: env.dataConverter });
    const integrations = createIntegrationService(client, config, taskQueues, env.keys, gatewayLog);
    cleanups.push(() => integrations.close());
    const app: FastifyInstance = await buildGateway({
      client,
      config,
      security: gatewaySecurity(config, { rateLimits: BENCH_RATE_LIMITS }),
      codec: new AesGcmPayloadCodec(env.keys),
      taskQueues,
      integrations,
      webUiOrigins: [],
    });
    await app.listen({ port: gatewayPort, host: '127.0.0.1' });
    cleanups.push(() => app.close());
  }

  return {
    name: 'product',
    label: `product (${engineLabel(opts.engine)}${opts.gatewayProcess ? ', gateway in its own process' : ''})`,
    engine: opts.engine,
    eventLog,
    stopWorker,
    sweepSignals: () => sweepSignals,
    logTimes,
    addAccount: (accountId) => connect(env, gatewayUrl, accountId),
    async failedCount(accounts) {
      let failed = 0;
      for (const account of accounts) failed += (await eventLog.counts(account.id)).failed;
      return failed;
    },
    close,
  };
}

/**
 * The simulator's authorize page approves as its one "authorizing user" (simulator state, read when
 * the code is issued), so connects running at once take turns for that one hop; the rest of each
 * flow (the connect API, the start link, the callback and the workflow's exchange, identify and
 * room set-up) overlaps.
 */
let authorizeTurn: Promise<unknown> = Promise.resolve();

/** A browser that approves on the simulator as `email`: its authorize hop takes the turn above. */
class OwnerBrowser extends ScriptBrowser {
  constructor(
    private readonly env: BenchEnv,
    private readonly email: string,
  ) {
    super();
  }

  override request(url: string, init?: Parameters<ScriptBrowser['request']>[1]): Promise<BrowserReply> {
    if (new URL(url).origin !== new URL(this.env.sim.baseUrl).origin) return super.request(url, init);
    const hop = authorizeTurn.then(() => {
      this.env.sim.control.setAuthorizingUser(this.email);
      return super.request(url, init);
    });
    authorizeTurn = hop.catch(() => undefined);
    return hop;
  }
}

/** Connects an account the way a browser does: Integrate → Webex authorize → our callback. */
async function connect(env: BenchEnv, gatewayUrl: string, accountId: string): Promise<BenchAccount> {
  const email = `${accountId}@example.com`;
  env.sim.control.addUser({ displayName: `Owner of ${accountId}`, email });
  const flow = await connectThroughBrowser({
    gatewayUrl,
    apiKey: BENCH_API_KEY,
    accountId,
    browser: new OwnerBrowser(env, email),
  });
  const landing = flow.landing ?? '';
  if (!landing.includes('outcome=connected')) throw new Error(`connect of ${accountId} failed: ${landing}`);
  const { webhookSecret } = flow.connect.body as { webhookSecret: string };
  const auth = { authorization: `Bearer ${BENCH_API_KEY}` };
  const status = (await http(`${gatewayUrl}/api/accounts/${accountId}/webex`, { headers: auth })).body as {
    room?: { id: string } | null;
  };
  if (!status.room) throw new Error(`${accountId} has no room after connecting`);
  return {
    id: accountId,
    roomId: status.room.id,
    webhookUrl: `${gatewayUrl}/webhooks/billsby/${accountId}`,
    headers: { secret: webhookSecret },
  };
}

async function startGatewayProcess(
  cleanups: (() => Promise<unknown> | unknown)[],
  settings: GatewayProcessSettings,
): Promise<void> {
  const child: ChildProcess = spawn(
    process.execPath,
    // BENCH_GATEWAY_NODE_ARGS: extra Node flags for the gateway, e.g. "--cpu-prof --trace-gc".
    [
      ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      path.join(__dirname, 'gateway-process.ts'),
    ],
    {
      env: { ...process.env, BENCH_GATEWAY: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('gateway process not ready within 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`gateway process exited during start-up (code ${child.exitCode})`));
    });
  });
}

function tempDir(cleanups: (() => Promise<unknown> | unknown)[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'webhook-bench-log-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`missing ${what}`);
  return value;
}
