import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createWebexActivities } from '../../activities/webex';
import type { WebexActivityDeps } from '../../activities/webex/deps';
import { buildGateway } from '../../gateway/server';
import { gatewaySecurity, type RateLimits } from '../../gateway/security';
import { connectThroughBrowser, ScriptBrowser } from '../../client/demo/script-browser';
import { createIntegrationService } from '../../gateway/start';
import { parseConfig, type AppConfig } from '../../config/env';
import { startBillsbySimulator } from '../../simulators/billsby';
import { startWebexSimulator } from '../../simulators/webex';
import type { IntegrationOptions } from '../../workflows/webex/integration';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEventLog } from '../../eventlog/open';
import type { EventLog } from '../../eventlog/types';
import { PRODUCT_WORKER_DEFAULTS } from '../../workers/create-workers';
import { signalEventsAvailable, WakeSweep } from '../../workers/wake-sweep';
import type { GatewayMetrics } from '../../metrics/gateway-metrics';
import type { WorkerMetrics } from '../../metrics/worker-metrics';
import { freePort } from './free-port';
import { http } from './http';
import {
  createTestClient,
  createTestWorker,
  runInBackground,
  testCodec,
  testKeys,
  uniqueTaskQueues,
} from './temporal';

type WebexSimulator = Awaited<ReturnType<typeof startWebexSimulator>>;

export interface WebexAppOptions {
  simulator?: Parameters<typeof startWebexSimulator>[0];
  workflowOptions?: IntegrationOptions;
  connectTimeoutMs?: number;
  activityDeps?: Partial<Omit<WebexActivityDeps, 'eventLog'>>;
  /** The event log's PostgreSQL database; default: a fresh embedded (SQLite) log in a temp folder. */
  databaseUrl?: string;
  /** EVENT_LOG_MAX_UNDELIVERED */
  maxUndelivered?: number;
  /** The worker's wake sweep (workers/wake-sweep.ts); default: a 500 ms tick, 2 s stalled bound. */
  wakeSweep?: { intervalMs?: number; stalledAfterMs?: number };
  /** The worker's workflow code; default: today's (test/fixtures/bundles/ hold older versions). */
  workflowBundle?: { code: string } | { codePath: string };
  /** A test's own Temporal server; default: the run's shared dev server. */
  temporalAddress?: string;
  /** Tighter limits for the rate-limit test; default: the product's. */
  rateLimits?: Partial<RateLimits>;
  /** Measure as in production: the gateway's and the worker's metrics (the test serves and scrapes them). */
  metrics?: { gateway?: GatewayMetrics; worker?: WorkerMetrics };
  /** ALERT_UNDELIVERED_AGE_SECONDS (the status API's alerts). */
  alertUndeliveredAgeSeconds?: number;
  /**
   * A Billsby simulator the worker fills public webhooks from (BILLSBY_API_BASE_URL);
   * `defaultCredentials`: its credentials are the deployment's default (BILLSBY_COMPANY_DOMAIN +
   * BILLSBY_API_KEY), else accounts need their own (PUT …/billsby).
   */
  billsby?: { latencyMs?: number; defaultCredentials?: boolean; readsPerAccount?: number };
}

/** The gateway's bearer key in tests (GATEWAY_API_KEYS); every `/api/*` call sends it. */
export const TEST_API_KEY = 'test-gateway-api-key-0123456789abcdef';
/** The gateway's session key in tests (GATEWAY_SESSION_KEY): what seals its links and cookies. */
export const TEST_SESSION_KEY = 'test-gateway-session-key-0123456789abcdef';
export const API_AUTH_HEADERS: Record<string, string> = { authorization: `Bearer ${TEST_API_KEY}` };

/** Short waits so tests finish quickly; production defaults are tens of seconds. */
export const TEST_WORKFLOW_OPTIONS: IntegrationOptions = { heartbeatTimeoutMs: 5_000 };

/** A fresh event log: PostgreSQL at `databaseUrl`, else an embedded one in a new temp folder. */
export async function openTestEventLog(databaseUrl?: string): Promise<EventLog> {
  if (databaseUrl) return openEventLog({ databaseUrl, keys: testKeys() });
  const dir = mkdtempSync(path.join(tmpdir(), 'event-log-'));
  return openEventLog({ sqlitePath: path.join(dir, 'event-log.sqlite'), keys: testKeys() });
}

/**
 * The Billsby → Webex half of the product, wired as in production but on loopback ports: the
 * Webex simulator, a real worker on unique task queues, and the real gateway over HTTP.
 */
export async function startWebexApp(opts: WebexAppOptions = {}) {
  const sim: WebexSimulator = await startWebexSimulator({ port: 0, ...opts.simulator });
  const billsby = opts.billsby ? await startBillsbySimulator({ latencyMs: opts.billsby.latencyMs }) : null;
  const billsbyDefaults =
    billsby && opts.billsby?.defaultCredentials
      ? { companyDomain: billsby.control.dataset.companyDomain, apiKey: billsby.control.dataset.apiKey }
      : undefined;
  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const config: AppConfig = parseConfig({
    PUBLIC_BASE_URL: gatewayUrl,
    GATEWAY_PORT: String(port),
    WEBEX_API_BASE_URL: sim.baseUrl,
    WEBEX_CLIENT_ID: 'sim-client-id',
    WEBEX_CLIENT_SECRET: 'sim-client-secret',
    GATEWAY_API_KEYS: TEST_API_KEY,
    GATEWAY_SESSION_KEY: TEST_SESSION_KEY,
    CODEC_PORT: '0',
    ...(billsby ? { BILLSBY_API_BASE_URL: billsby.baseUrl } : {}),
    ...(billsbyDefaults ? { BILLSBY_COMPANY_DOMAIN: billsbyDefaults.companyDomain } : {}),
    ...(opts.maxUndelivered ? { EVENT_LOG_MAX_UNDELIVERED: String(opts.maxUndelivered) } : {}),
    ...(opts.alertUndeliveredAgeSeconds
      ? { ALERT_UNDELIVERED_AGE_SECONDS: String(opts.alertUndeliveredAgeSeconds) }
      : {}),
  });
  const eventLog = await openTestEventLog(opts.databaseUrl);
  const workflowOptions = { ...TEST_WORKFLOW_OPTIONS, ...opts.workflowOptions };
  const taskQueues = uniqueTaskQueues('webex');
  const client: Client = await createTestClient(opts.temporalAddress);
  const activities = createWebexActivities({
    eventLog,
    apiBaseUrl: sim.baseUrl,
    clientId: 'sim-client-id',
    clientSecret: 'sim-client-secret',
    redirectUri: `${gatewayUrl}/oauth/webex/callback`,
    timeoutMs: 2_000,
    // Short waits so fault tests finish quickly; production defaults are seconds to minutes.
    retryAfter: { defaultMs: 300, minMs: 50, maxMs: 2_000 },
    backoff: { initialMs: 100, maxMs: 1_000 },
    ...(opts.metrics?.worker ? { metrics: opts.metrics.worker.webexActivity } : {}),
    ...(billsby
      ? {
          billsby: {
            apiBaseUrl: billsby.baseUrl,
            timeoutMs: 2_000,
            ...(billsbyDefaults ? { defaultCredentials: billsbyDefaults } : {}),
            ...(opts.billsby?.readsPerAccount ? { readsPerAccount: opts.billsby.readsPerAccount } : {}),
          },
        }
      : {}),
    ...opts.activityDeps,
  });
  opts.metrics?.worker?.watchEventLog(eventLog).watchIntegrations({
    workflowService: client.workflowService,
    namespace: 'default',
    taskQueue: taskQueues.webex,
  });

  // The worker process's wake sweep, started and stopped with the worker as in production.
  const startSweep = () => {
    const sweep = new WakeSweep(eventLog, signalEventsAvailable(client), {
      intervalMs: 500,
      stalledAfterMs: 2_000,
      ...opts.wakeSweep,
    });
    sweep.start();
    return sweep;
  };
  const startWorker = async (workflowBundle = opts.workflowBundle) => {
    const sweep = startSweep();
    const stop = runInBackground(
      await createTestWorker({
        taskQueue: taskQueues.webex,
        activities,
        address: opts.temporalAddress,
        ...PRODUCT_WORKER_DEFAULTS,
        ...(workflowBundle ? { workflowBundle } : {}),
        ...(opts.metrics?.worker ? { sinks: opts.metrics.worker.sinks } : {}),
      }),
    );
    return async () => {
      await sweep.stop();
      await stop();
    };
  };
  let stopWorker: (() => Promise<void>) | undefined = await startWorker();

  const integrations = createIntegrationService(
    client,
    config,
    taskQueues,
    testKeys(),
    eventLog,
    workflowOptions,
    { connectTimeoutMs: opts.connectTimeoutMs, waker: { retryMs: 200, maxRetryMs: 2_000 } },
  );
  const security = gatewaySecurity(config, { rateLimits: opts.rateLimits });
  const app: FastifyInstance = await buildGateway({
    client,
    config,
    security,
    codec: testCodec(),
    taskQueues,
    integrations,
    webUiOrigins: [],
    metrics: opts.metrics?.gateway,
  });
  await app.listen({ port, host: '127.0.0.1' });

  return {
    sim,
    /** The Billsby simulator (option `billsby`), else null. */
    billsby,
    client,
    config,
    gatewayUrl,
    integrations,
    eventLog,
    taskQueues,
    /** Headers for `/api/*` calls: the gateway's bearer key. */
    authHeaders: API_AUTH_HEADERS,
    /** The account's current webhook secret ('' when none was issued: the webhook answers 401). */
    secretFor: async (accountId: string) => (await integrations.secrets.current(accountId)) ?? '',
    async stopWorker() {
      await stopWorker?.();
      stopWorker = undefined;
    },
    /** Starts the worker again (with `workflowBundle`: that version of the workflow code). */
    async startWorker(workflowBundle?: { code: string } | { codePath: string }) {
      if (!stopWorker) stopWorker = await startWorker(workflowBundle ?? opts.workflowBundle);
    },
    async close() {
      await app.close();
      integrations.close();
      await stopWorker?.();
      await eventLog.close();
      await sim.close();
      await billsby?.close();
    },
  };
}

export type WebexApp = Awaited<ReturnType<typeof startWebexApp>>;

/**
 * The whole connect flow as the installing user's browser does it: connect (API key) → the
 * gateway's start link → Webex authorize (the simulator approves or declines) → our callback.
 * Returns every hop and the browser (its cookies bind it to the attempt).
 */
export async function connectLikeABrowser(
  app: WebexApp,
  accountId: string,
  opts: { replace?: boolean; browser?: ScriptBrowser } = {},
) {
  const browser = opts.browser ?? new ScriptBrowser();
  const flow = await connectThroughBrowser({
    gatewayUrl: app.gatewayUrl,
    apiKey: TEST_API_KEY,
    accountId,
    replace: opts.replace,
    browser,
  });
  return { ...flow, browser };
}

/** `GET /api/accounts/:accountId/webex` with the API key. */
export async function integrationStatus(app: WebexApp, accountId: string) {
  return http(`${app.gatewayUrl}/api/accounts/${accountId}/webex`, { headers: API_AUTH_HEADERS });
}

/** Any `/api/*` call with the API key (`init.headers` may add to or override it). */
export async function api(app: WebexApp, path: string, init: Parameters<typeof http>[1] = {}) {
  return http(`${app.gatewayUrl}${path}`, { ...init, headers: { ...API_AUTH_HEADERS, ...init.headers } });
}

/** Polls until the predicate holds (workflows move on their own time); fails with the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!predicate(last)) {
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 2000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await read();
  }
  return last;
}

/** Connects an account as its own Webex user, so it gets its own "Billsby Data" room. */
export async function connectAsOwnUser(app: WebexApp, accountId: string) {
  const email = `${accountId}@example.com`;
  if (!app.sim.control.users().some((u: { email: string }) => u.email === email)) {
    app.sim.control.addUser({ displayName: `Owner of ${accountId}`, email });
  }
  app.sim.control.setAuthorizingUser(email);
  const flow = await connectLikeABrowser(app, accountId);
  if (!flow.landing?.includes('outcome=connected')) throw new Error(`connect failed: ${flow.landing}`);
  const status = (await integrationStatus(app, accountId)).body as { room: { id: string } };
  return { roomId: status.room.id, email };
}

export async function sendEvent(app: WebexApp, accountId: string, event: unknown, secret?: string) {
  const header = secret ?? (await app.secretFor(accountId));
  return http(`${app.gatewayUrl}/webhooks/billsby/${accountId}`, {
    json: event,
    headers: header === '' ? {} : { secret: header },
  });
}

export const roomTexts = (app: WebexApp, roomId: string): string[] =>
  app.sim.control.messages(roomId).map((m) => m.text ?? '');

/** A small valid event whose message text is unique to `n`, for order and once-only checks. */
export function numberedEvent(prefix: string, n: number) {
  return { Id: `${prefix}-${n}`, Type: 'CustomerCreated', CustomerUniqueId: `${prefix}-customer-${n}` };
}

/**
 * The workflow run that posted (or failed) `eventId`, as its lookup names it (`deliveredBy`): what
 * an operator follows from `GET …/events/:eventId` to the Web UI.
 */
export async function deliveredByOf(
  app: WebexApp,
  accountId: string,
  eventId: string,
): Promise<{ workflowId: string; runId: string }> {
  const lookup = await eventually(
    () => api(app, `/api/accounts/${accountId}/webex/events/${encodeURIComponent(eventId)}`),
    (res) => res.status === 200 && (res.body as { deliveredBy: unknown }).deliveredBy != null,
    { timeoutMs: 15_000, intervalMs: 250 },
  );
  return (lookup.body as { deliveredBy: { workflowId: string; runId: string } }).deliveredBy;
}

/**
 * Opens a fresh ui-link in `browser`; returns the control page's HTML and its CSRF token. An
 * account that never integrated is set up first (connect: awaiting authorization): ui-link
 * answers 404 for it.
 */
export async function signInToControlPage(app: WebexApp, browser: ScriptBrowser, accountId: string) {
  if (!(await app.integrations.everIntegrated(accountId))) {
    expect((await api(app, `/api/accounts/${accountId}/webex/connect`, { method: 'POST' })).status).toBe(200);
  }
  const link = await api(app, `/api/accounts/${accountId}/webex/ui-link`, { method: 'POST' });
  expect(link.status).toBe(200);
  const opened = await browser.open((link.body as { url: string }).url);
  expect(opened.status).toBe(303);
  const page = await browser.request(`${app.gatewayUrl}/ui/accounts/${accountId}/webex`);
  expect(page.status).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  expect(csrf).toBeDefined();
  return { page, csrf: csrf!, linkUrl: (link.body as { url: string }).url };
}
