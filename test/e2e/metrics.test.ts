/**
 * Metrics move as expected through a run with a Webex 429, a 400 and a reauthorization (issue 15):
 * the real gateway, a real worker on the run's dev server and the Webex simulator, with the
 * gateway's and the worker's metrics served on their own listeners and scraped over HTTP. Then the
 * production wiring in processes: the gateway on METRICS_PORT, the worker's counters on
 * WORKER_METRICS_PORT and the Temporal SDK's exporter on TEMPORAL_METRICS_PORT (the SDK's runtime
 * can be installed once per process, and this test process's runtime is the harness's).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { METRIC } from '../../metrics/names';
import { startMetricsServer, type RunningMetricsServer } from '../../metrics/server';
import { WorkerMetrics } from '../../metrics/worker-metrics';
import { startWebexSimulator, type WebexSimulator } from '../../simulators/webex';
import { diagnosticEcho } from '../../workflows';
import { freePort } from '../harness/free-port';
import { http } from '../harness/http';
import { startProductProcess, waitUntil, type ProductProcess } from '../harness/processes';
import { has, scrape, valueOf, type Sample } from '../harness/prometheus';
import { closeTestConnections, createTestClient, testAddress } from '../harness/temporal';
import { productEnv, startGatewayProcess } from '../harness/topology';
import {
  connectAsOwnUser,
  connectLikeABrowser,
  eventually,
  integrationStatus,
  numberedEvent,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';

jest.setTimeout(180_000);

describe('metrics through a run with a 429, a 400 and a reauthorization', () => {
  let app: WebexApp;
  let gatewayMetrics: GatewayMetrics;
  let workerMetrics: WorkerMetrics;
  let gatewayServer: RunningMetricsServer;
  let workerServer: RunningMetricsServer;

  beforeAll(async () => {
    gatewayMetrics = new GatewayMetrics();
    // No cache: every scrape asks Temporal's visibility, so a status change shows at once.
    workerMetrics = new WorkerMetrics({ integrationsCacheMs: 0 });
    app = await startWebexApp({
      metrics: { gateway: gatewayMetrics, worker: workerMetrics },
      alertUndeliveredAgeSeconds: 1,
    });
    const listener = { host: '127.0.0.1', port: 0 };
    gatewayServer = await startMetricsServer({
      registry: gatewayMetrics.registry,
      ...listener,
      what: 'gateway metrics',
      variable: 'METRICS_PORT',
    });
    workerServer = await startMetricsServer({
      registry: workerMetrics.registry,
      ...listener,
      what: 'worker metrics',
      variable: 'WORKER_METRICS_PORT',
    });
  });
  afterAll(async () => {
    await gatewayServer?.close();
    await workerServer?.close();
    await app?.close();
    await closeTestConnections();
  });

  const gateway = () => scrape(gatewayServer.url);
  const worker = () => scrape(workerServer.url);
  const eventState = async (accountId: string, eventId: string) =>
    (await app.eventLog.get(accountId, eventId))?.state;
  const waitForState = (accountId: string, eventId: string, state: string) =>
    eventually(
      () => eventState(accountId, eventId),
      (s) => s === state,
      { timeoutMs: 30_000 },
    );
  const status = async (accountId: string) =>
    (await integrationStatus(app, accountId)).body as {
      status: string;
      oldestUndeliveredAgeSeconds: number | null;
      alerts: { code: string; message: string }[];
    };

  it('answers only GET /metrics on its own listener, never on the gateway port', async () => {
    expect((await http(`${gatewayServer.url}/metrics`)).status).toBe(200);
    expect((await http(`${gatewayServer.url}/`)).status).toBe(404);
    expect((await http(`${app.gatewayUrl}/metrics`)).status).toBe(404);
  });

  it('counts webhook answers, deliveries, Webex answers, Retry-After, failures, reauthorization and integrations', async () => {
    const accountId = `acct-metrics-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    const posts = { method: 'POST', pathPrefix: '/messages', roomId };
    const ev = (n: number) => numberedEvent(accountId, n);

    let w: Sample[] = await worker();
    expect(valueOf(w, METRIC.integrations, { status: 'connected' })).toBe(1);
    expect(valueOf(w, METRIC.integrations, { status: 'reauthorization_required' })).toBe(0);
    expect(valueOf(w, METRIC.webexResponses, { class: '2xx', operation: 'exchangeCode' })).toBe(1);
    expect(valueOf(w, METRIC.events, { outcome: 'delivered' })).toBe(0);
    const okStatus = await status(accountId);
    expect(okStatus).toMatchObject({ status: 'connected', oldestUndeliveredAgeSeconds: null, alerts: [] });

    // Accepted, then the same Id again, a wrong secret and a body that is not an event.
    expect((await sendEvent(app, accountId, ev(1))).status).toBe(202);
    expect((await sendEvent(app, accountId, ev(1))).body).toMatchObject({ status: 'duplicate' });
    expect((await sendEvent(app, accountId, ev(9), 'not-the-secret')).status).toBe(401);
    expect((await sendEvent(app, accountId, { Id: 'no-type' })).status).toBe(400);
    await waitForState(accountId, ev(1).Id, 'delivered');

    // A 429 with Retry-After: 1: retried after that second, then delivered.
    app.sim.control.rateLimitNext(1, { ...posts, retryAfter: 1 });
    expect((await sendEvent(app, accountId, ev(2))).status).toBe(202);
    await waitForState(accountId, ev(2).Id, 'delivered');

    // A message Webex refuses (400): failed, and the queue moves on.
    app.sim.control.respondNext(1, { status: 400 }, posts);
    expect((await sendEvent(app, accountId, ev(3))).status).toBe(202);
    await waitForState(accountId, ev(3).Id, 'failed');

    const g = await gateway();
    expect(valueOf(g, METRIC.webhookResponses, { status: '202', reason: 'accepted' })).toBe(3);
    expect(valueOf(g, METRIC.webhookResponses, { status: '202', reason: 'duplicate' })).toBe(1);
    expect(valueOf(g, METRIC.webhookResponses, { status: '401', reason: 'bad_secret' })).toBe(1);
    expect(valueOf(g, METRIC.webhookResponses, { status: '400', reason: 'invalid_body' })).toBe(1);
    expect(valueOf(g, METRIC.events, { outcome: 'accepted' })).toBe(3);
    expect(valueOf(g, METRIC.events, { outcome: 'duplicate' })).toBe(1);

    w = await worker();
    expect(valueOf(w, METRIC.events, { outcome: 'delivered' })).toBe(2);
    expect(valueOf(w, METRIC.events, { outcome: 'failed' })).toBe(1);
    expect(valueOf(w, `${METRIC.deliveryLatency}_count`)).toBe(2);
    // The 429's wait: one second, as honoured (the second delivery waited at least that long).
    expect(valueOf(w, METRIC.webexResponses, { class: '429', operation: 'postMessage' })).toBe(1);
    expect(valueOf(w, `${METRIC.webexRetryAfter}_count`)).toBe(1);
    expect(valueOf(w, `${METRIC.webexRetryAfter}_sum`)).toBe(1);
    expect(valueOf(w, `${METRIC.deliveryLatency}_sum`)).toBeGreaterThanOrEqual(1);
    expect(valueOf(w, METRIC.webexResponses, { class: '4xx', operation: 'postMessage' })).toBe(1);
    expect(valueOf(w, METRIC.webexResponses, { class: '2xx', operation: 'postMessage' })).toBe(2);
    expect(valueOf(w, METRIC.undelivered)).toBe(0);
    expect(valueOf(w, METRIC.oldestUndeliveredAge)).toBe(0);
    expect(valueOf(w, METRIC.eventLogEvents, { state: 'delivered' })).toBe(2);
    expect(valueOf(w, METRIC.eventLogEvents, { state: 'failed' })).toBe(1);

    // Webex revokes the tokens: the next post gets a 401, the refresh is refused, and the
    // integration needs reauthorization while the event waits in the log.
    app.sim.control.revokeRefreshTokens();
    app.sim.control.revokeAccessTokens();
    expect((await sendEvent(app, accountId, ev(4))).status).toBe(202);
    await eventually(
      () => status(accountId),
      (s) => s.status === 'reauthorization_required',
      { timeoutMs: 30_000 },
    );
    w = await worker();
    expect(valueOf(w, METRIC.webexResponses, { class: '401', operation: 'postMessage' })).toBe(1);
    expect(valueOf(w, METRIC.tokenRefreshes, { outcome: 'refused' })).toBe(1);
    expect(valueOf(w, METRIC.reauthorizations)).toBe(1);
    expect(valueOf(w, METRIC.integrations, { status: 'reauthorization_required' })).toBe(1);
    expect(valueOf(w, METRIC.integrations, { status: 'connected' })).toBe(0);
    expect(valueOf(w, METRIC.undelivered)).toBe(1);
    expect(valueOf(w, METRIC.accountsWithUndelivered)).toBe(1);

    // The status API says the same for this account, and after the threshold (1 s here) that the
    // oldest undelivered event waits too long; the gauge shows the age without the account.
    const waiting = await eventually(
      () => status(accountId),
      (s) => s.alerts.some((a) => a.code === 'undelivered_events_waiting'),
      { timeoutMs: 15_000 },
    );
    expect(waiting.alerts.map((a) => a.code)).toEqual([
      'reauthorization_required',
      'undelivered_events_waiting',
    ]);
    expect(waiting.oldestUndeliveredAgeSeconds).toBeGreaterThan(1);
    expect(valueOf(await worker(), METRIC.oldestUndeliveredAge)).toBeGreaterThan(1);

    // Connecting again delivers the waiting event and clears every alert.
    expect((await connectLikeABrowser(app, accountId)).landing).toContain('outcome=connected');
    await waitForState(accountId, ev(4).Id, 'delivered');
    await eventually(
      () => status(accountId),
      (s) => s.status === 'connected' && s.alerts.length === 0 && s.oldestUndeliveredAgeSeconds === null,
    );
    w = await worker();
    expect(valueOf(w, METRIC.events, { outcome: 'delivered' })).toBe(3);
    expect(valueOf(w, METRIC.integrations, { status: 'connected' })).toBe(1);
    expect(valueOf(w, METRIC.integrations, { status: 'reauthorization_required' })).toBe(0);
    expect(valueOf(w, METRIC.undelivered)).toBe(0);
    expect(valueOf(w, METRIC.oldestUndeliveredAge)).toBe(0);
    expect(valueOf(w, METRIC.reauthorizations)).toBe(1);
    expect(valueOf(w, METRIC.webexResponses, { class: '2xx', operation: 'exchangeCode' })).toBe(2);
  });
});

describe('production wiring: the gateway and worker processes', () => {
  let sim: WebexSimulator;
  let dataDir: string;
  const processes: ProductProcess[] = [];
  afterAll(async () => {
    for (const proc of processes) await proc.stop();
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await closeTestConnections();
  });

  it('serve the gateway’s metrics on METRICS_PORT, the worker’s on WORKER_METRICS_PORT and the Temporal SDK’s on TEMPORAL_METRICS_PORT', async () => {
    sim = await startWebexSimulator({ port: 0 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'metrics-processes-'));
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [gatewayPort, metricsPort, workerMetricsPort, sdkMetricsPort] = [...ports] as number[];
    const env = productEnv({
      temporalAddress: testAddress(),
      gatewayPort: gatewayPort!,
      publicBaseUrl: `http://127.0.0.1:${gatewayPort}`,
      sim,
      dataDir,
      extra: {
        METRICS_PORT: String(metricsPort),
        WORKER_METRICS_PORT: String(workerMetricsPort),
        TEMPORAL_METRICS_PORT: String(sdkMetricsPort),
      },
    });
    const workerUrl = `http://127.0.0.1:${workerMetricsPort}`;
    const sdkUrl = `http://127.0.0.1:${sdkMetricsPort}`;
    const workerProc = startProductProcess('workers/main.ts', env);
    processes.push(workerProc);
    const answers = async (url: string) => (await http(`${url}/metrics`).catch(() => null))?.status === 200;
    await waitUntil(workerProc, async () => (await answers(workerUrl)) && (await answers(sdkUrl)), 'worker');
    const gatewayProc = await startGatewayProcess(env);
    processes.push(gatewayProc);
    const gatewayMetricsUrl = `http://127.0.0.1:${metricsPort}`;

    // The gateway: its counters, and Node's process metrics.
    const webhook = await http(`http://127.0.0.1:${gatewayPort}/webhooks/billsby/nobody`, {
      json: numberedEvent('x', 1),
      headers: { secret: 'wrong' },
    });
    expect(webhook.status).toBe(401);
    const g = await scrape(gatewayMetricsUrl);
    expect(valueOf(g, METRIC.webhookResponses, { status: '401', reason: 'bad_secret' })).toBe(1);
    expect(has(g, 'process_cpu_user_seconds_total')).toBe(true);
    expect((await http(`http://127.0.0.1:${gatewayPort}/metrics`)).status).toBe(404);

    // The worker's own counters and the gauges read from the log and Temporal.
    const w = await scrape(workerUrl);
    for (const name of [METRIC.events, METRIC.undelivered, METRIC.integrations, METRIC.tokenRefreshes]) {
      expect({ name, present: has(w, name) || w.some((s) => s.name.startsWith(name)) }).toEqual({
        name,
        present: true,
      });
    }
    expect(valueOf(w, METRIC.undelivered)).toBe(0);
    expect(has(w, 'process_cpu_user_seconds_total')).toBe(true);

    // The SDK's exporter: Temporal's worker metrics, which move when the worker runs a workflow.
    const completed = (samples: Sample[]) =>
      valueOf(samples, 'temporal_workflow_completed_total', { task_queue: 'billsby-webex' });
    const before = await scrape(sdkUrl);
    expect(before.some((s) => s.name.startsWith('temporal_'))).toBe(true);
    const client = await createTestClient();
    const answer = await client.workflow.execute(diagnosticEcho, {
      taskQueue: 'billsby-webex',
      workflowId: `metrics-echo-${Date.now().toString(36)}`,
      args: ['counted'],
    });
    expect(answer.message).toBe('counted');
    const after = await eventually(
      () => scrape(sdkUrl),
      (samples) => completed(samples) > completed(before),
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    expect(completed(after)).toBeGreaterThan(completed(before));

    // Every SDK metric the example alert rules and dashboard use is one this exporter serves.
    const deployText = ['deploy/prometheus/alerts.yml', 'deploy/grafana/dashboard.json']
      .map((file) => readFileSync(path.join(__dirname, '../..', file), 'utf8'))
      .join('\n');
    const sdkNames = new Set([...deployText.matchAll(/\btemporal_[a-z0-9_]+/g)].map((m) => m[0]));
    expect(sdkNames.size).toBeGreaterThan(0);
    const served = new Set(after.map((sample) => sample.name));
    expect([...sdkNames].filter((name) => !served.has(name))).toEqual([]);
  });
});
