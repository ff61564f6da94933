import { closeTestConnections } from '../harness/temporal';
import {
  api,
  connectAsOwnUser,
  eventually,
  integrationStatus,
  numberedEvent,
  roomTexts,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { ScriptBrowser } from '../../client/demo/script-browser';

jest.setTimeout(240_000);

type Status = { status: string; counts: Record<string, number> };
const statusOf = async (app: WebexApp, accountId: string) =>
  (await integrationStatus(app, accountId)).body as Status;
const expectedTexts = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `Customer created\nCustomerUniqueId: ${prefix}-customer-${i + 1}`);
/** Each posted message, cut to its first two lines: enough to know the event, in order. */
const postedHeads = (app: WebexApp, roomId: string) =>
  roomTexts(app, roomId).map((t) => t.split('\n').slice(0, 2).join('\n'));

async function sendAll(app: WebexApp, accountId: string, prefix: string, from: number, to: number) {
  for (let i = from; i <= to; i++) {
    const res = await sendEvent(app, accountId, numberedEvent(prefix, i));
    expect(res.status).toBe(202);
  }
}

// The file's shared Temporal connections, closed once whichever describes ran (a run filtered to
// one test must exit too).
afterAll(() => closeTestConnections());

describe('delivery under Webex faults and worker restarts', () => {
  let app: WebexApp;
  beforeAll(async () => {
    app = await startWebexApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('200 events arrive complete, once, in order through 429s, 5xx and ambiguous failures; another account is unaffected', async () => {
    const stamp = Date.now().toString(36);
    const a = `acct-chaos-a-${stamp}`;
    const b = `acct-chaos-b-${stamp}`;
    const roomA = (await connectAsOwnUser(app, a)).roomId;
    const roomB = (await connectAsOwnUser(app, b)).roomId;

    // Account A's room is down hard while B's traffic flows.
    const outage = app.sim.control.failNext(1_000_000, 503, {
      method: 'POST',
      pathPrefix: '/messages',
      roomId: roomA,
    });
    await sendAll(app, a, 'ca', 1, 100);
    await sendAll(app, b, 'cb', 1, 20);
    await eventually(
      () => statusOf(app, b),
      (s) => s.counts.delivered === 20,
      { timeoutMs: 60_000 },
    );
    expect(postedHeads(app, roomB)).toEqual(expectedTexts('cb', 20));
    expect(roomTexts(app, roomA)).toEqual([]);
    app.sim.control.removeFault(outage);

    // Then every kind of trouble, injected while A's backlog drains and more events arrive.
    const m = { roomId: roomA };
    const post = { method: 'POST', pathPrefix: '/messages', roomId: roomA };
    const faults: (() => unknown)[] = [
      () => app.sim.control.rateLimitNext(2, { ...post, retryAfter: 1 }),
      () => app.sim.control.rateLimitNext(1, { ...post, retryAfter: 0 }),
      () => app.sim.control.rateLimitNext(1, { ...post, retryAfter: null }),
      () => app.sim.control.rateLimitNext(1, { ...post, retryAfter: 'soon-ish' }),
      () => app.sim.control.rateLimitNext(1, { ...post, retryAfter: -5 }),
      () => app.sim.control.rateLimitNext(1, { ...post, retryAfter: 86_400 }),
      () => app.sim.control.rateLimitNext(1, { ...post, html: true }),
      () => app.sim.control.failNext(2, 500, post),
      () => app.sim.control.failNext(1, 502, post),
      // Stored, then a 502: the retry must find the message instead of posting it again...
      () => app.sim.control.failAfterStore(1, 502, post),
      // ...even when the first look at the room fails too.
      () => {
        app.sim.control.failAfterStore(1, 504, post);
        app.sim.control.failNext(1, 503, { ...m, method: 'GET', pathPrefix: '/messages' });
      },
      () => app.sim.control.timeoutNext(1, { ...post, hangMs: 3_000 }),
      () => app.sim.control.dropNext(1, post),
    ];
    // Each fault is armed, then a few more events arrive, and the next fault waits until
    // Webex has served this one: trouble all along the run, never so dense that the same
    // event fails forever (that would be an outage, tested above), and every kind surely
    // met however fast the backlog drains.
    const perFault = 7;
    let next = 101;
    try {
      for (const inject of faults) {
        inject();
        const last = Math.min(next + perFault - 1, 200);
        await sendAll(app, a, 'ca', next, last);
        next = last + 1;
        await eventually(
          async () => app.sim.control.faults().length,
          (armed) => armed === 0,
          { timeoutMs: 60_000, intervalMs: 50 },
        );
      }
      await sendAll(app, a, 'ca', next, 200);
      await eventually(
        () => statusOf(app, a),
        (s) => s.counts.delivered === 200,
        {
          timeoutMs: 180_000,
          intervalMs: 500,
        },
      );
    } finally {
      app.sim.control.clearFaults();
    }
    expect(postedHeads(app, roomA)).toEqual(expectedTexts('ca', 200));
    expect(await statusOf(app, a)).toMatchObject({
      status: 'connected',
      counts: { received: 200, delivered: 200, failed: 0, pending: 0 },
    });
    // The faults really happened: Webex answered 429 and 5xx to this run.
    const statuses = new Set(app.sim.control.requests().map((r) => r.status));
    expect(statuses.has(429)).toBe(true);
    expect([...statuses].some((s) => s >= 500)).toBe(true);
  });

  it('a worker stopped mid-run and started again loses nothing and duplicates nothing', async () => {
    const accountId = `acct-restart-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    app.sim.control.setLatency(80); // keeps posts in flight when the worker stops (40 left ≈ 3 s)
    try {
      await sendAll(app, accountId, 'rs', 1, 40);
      await eventually(
        () => statusOf(app, accountId),
        (s) => s.counts.delivered >= 8,
        { timeoutMs: 60_000 },
      );
      await app.stopWorker();
      const postedAtStop = roomTexts(app, roomId).length;
      // With no worker, the gateway still accepts: Temporal holds the events (a 202 means that).
      await sendAll(app, accountId, 'rs', 41, 60);
      await app.startWorker();
      await eventually(
        () => statusOf(app, accountId),
        (s) => s.counts.delivered === 60,
        { timeoutMs: 120_000 },
      );
      expect(postedAtStop).toBeLessThan(40);
    } finally {
      app.sim.control.setLatency(0);
    }
    expect(postedHeads(app, roomId)).toEqual(expectedTexts('rs', 60));
    expect(await statusOf(app, accountId)).toMatchObject({
      counts: { received: 60, delivered: 60, duplicates: 0 },
    });
  });
});

describe('continue-as-new', () => {
  let app: WebexApp;
  beforeAll(async () => {
    app = await startWebexApp({ workflowOptions: { continueAsNewAfter: 40 } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('carries state, queued events and an open authorization across runs', async () => {
    const accountId = `acct-can-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    const handle = app.client.workflow.getHandle(integrationWorkflowId(accountId));
    const firstRun = (await handle.describe()).runId;

    // A reconnect is opened but not finished; Webex is down so events pile up in the queue.
    const reconnect = await api(app, `/api/accounts/${accountId}/webex/connect`, { json: { replace: true } });
    const { authorizeUrl } = reconnect.body as { authorizeUrl: string };
    // The installing browser opens the start link now; it is bound to the attempt.
    const browser = new ScriptBrowser();
    const start = await browser.open(authorizeUrl);
    expect(start.status).toBe(303);
    const outage = app.sim.control.failNext(1_000_000, 503, {
      method: 'POST',
      pathPrefix: '/messages',
      roomId,
    });
    // In groups, a little apart: each group's wake-up signal grows history towards continue-as-new
    // (a batch waiting out an outage inside its activity does not).
    for (let group = 0; group < 4; group++) {
      await sendAll(app, accountId, 'can', group * 10 + 1, group * 10 + 10);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await sendEvent(app, accountId, numberedEvent('can', 3)); // a duplicate, remembered across runs

    await eventually(
      async () => (await handle.describe()).runId,
      (runId) => runId !== firstRun,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(await statusOf(app, accountId)).toMatchObject({
      status: 'connected',
      counts: { received: 40, duplicates: 1, pending: 40, delivered: 0 },
    });

    app.sim.control.removeFault(outage);
    await eventually(
      () => statusOf(app, accountId),
      (s) => s.counts.delivered === 40,
      { timeoutMs: 120_000 },
    );
    expect(postedHeads(app, roomId)).toEqual(expectedTexts('can', 40));

    // The authorization opened two runs ago still completes, exactly once.
    const authorize = await browser.request(start.location!);
    const callback = await browser.request(authorize.location!);
    expect(callback.location).toContain('outcome=connected');
    expect((await browser.request(authorize.location!)).status).toBe(400);
  });
});
