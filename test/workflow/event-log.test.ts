import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DevServer } from '../../temporal/dev-server';
import { startTestDevServer } from '../harness/dev-server';
import { http } from '../harness/http';
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

jest.setTimeout(300_000);

type Counts = Record<'received' | 'delivered' | 'duplicates' | 'pending' | 'failed' | 'dropped', number>;
const countsOf = async (app: WebexApp, accountId: string) =>
  ((await integrationStatus(app, accountId)).body as { counts: Counts }).counts;
const eventOf = (app: WebexApp, accountId: string, eventId: string) =>
  api(app, `/api/accounts/${accountId}/webex/events/${encodeURIComponent(eventId)}`);
const heads = (app: WebexApp, roomId: string) => roomTexts(app, roomId).map((t) => t.split('\n')[1]);
const expectedHeads = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `CustomerUniqueId: ${prefix}-customer-${i + 1}`);

/** Sends events from..to with `concurrency` requests in flight; answers every status seen. */
async function sendMany(
  app: WebexApp,
  accountId: string,
  prefix: string,
  from: number,
  to: number,
  concurrency = 32,
) {
  const statuses = new Map<number, number>();
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n <= to; n = next++) {
        const res = await sendEvent(app, accountId, numberedEvent(prefix, n));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

// The file's shared Temporal connections, closed once whichever describes ran (a run filtered to
// one test must exit too).
afterAll(() => closeTestConnections());

describe('the event log behind the webhook', () => {
  let app: WebexApp;
  beforeAll(async () => {
    app = await startWebexApp({ maxUndelivered: 25_000 });
  });
  afterAll(async () => {
    await app.close();
  });

  // About 4 minutes alone on 2 cores: sender, gateway, worker and simulator share this process.
  it('20,000 events during a Webex outage: all 202, then delivered once each, in order', async () => {
    const accountId = `acct-burst-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    const outage = app.sim.control.failNext(1_000_000, 503, {
      method: 'POST',
      pathPrefix: '/messages',
      roomId,
    });
    // Sent 48 at a time, so arrival order is the log's commit order: delivery must follow it.
    const statuses = await sendMany(app, accountId, 'burst', 1, 20_000, 48);
    expect(Object.fromEntries(statuses)).toEqual({ 202: 20_000 });
    expect(await countsOf(app, accountId)).toMatchObject({ received: 20_000, delivered: 0 });
    app.sim.control.removeFault(outage);
    await eventually(
      () => countsOf(app, accountId),
      (c) => c.delivered === 20_000,
      { timeoutMs: 720_000, intervalMs: 1_000 },
    );
    // Once each, and in the log's order (the order the gateway committed them).
    const logged = await app.eventLog.list(accountId, { state: 'delivered', limit: 20_000 });
    const logOrder = logged.sort((a, b) => a.seq - b.seq).map((e) => e.eventId);
    const postedOrder = heads(app, roomId).map((h) =>
      h!.replace('CustomerUniqueId: burst-customer-', 'burst-'),
    );
    expect(postedOrder).toHaveLength(20_000);
    expect(postedOrder).toEqual(logOrder);
  }, 900_000);

  it('an event is looked up by id: queued, then delivered with its message id; a refused one is failed with the reason', async () => {
    const accountId = `acct-lookup-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    const outage = app.sim.control.failNext(1_000_000, 503, {
      method: 'POST',
      pathPrefix: '/messages',
      roomId,
    });
    await sendEvent(app, accountId, numberedEvent('look', 1));
    const queued = await eventOf(app, accountId, 'look-1');
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({
      eventId: 'look-1',
      type: 'CustomerCreated',
      state: 'queued',
      deliveredAt: null,
    });
    app.sim.control.removeFault(outage);
    const delivered = await eventually(
      () => eventOf(app, accountId, 'look-1'),
      (r) => (r.body as { state: string }).state === 'delivered',
    );
    const [message] = app.sim.control.messages(roomId);
    expect(delivered.body).toMatchObject({ state: 'delivered', messageIds: [message!.id], lastError: null });
    expect(Date.parse((delivered.body as { deliveredAt: string }).deliveredAt)).toBeGreaterThan(0);

    app.sim.control.respondNext(1, { status: 400 }, { method: 'POST', pathPrefix: '/messages', roomId });
    await sendEvent(app, accountId, numberedEvent('look', 2));
    const failed = await eventually(
      () => eventOf(app, accountId, 'look-2'),
      (r) => (r.body as { state: string }).state === 'failed',
    );
    expect((failed.body as { lastError: string }).lastError).toMatch(
      /^Webex rejected part 1\/1 of event look-2: /,
    );

    const list = await api(app, `/api/accounts/${accountId}/webex/events?state=failed&limit=5`);
    expect((list.body as { events: { eventId: string }[] }).events.map((e) => e.eventId)).toEqual(['look-2']);
    const all = await api(app, `/api/accounts/${accountId}/webex/events?limit=1`);
    expect((all.body as { events: { eventId: string }[] }).events.map((e) => e.eventId)).toEqual(['look-2']);
    expect((await eventOf(app, accountId, 'never-sent')).status).toBe(404);
    const bad = await api(app, `/api/accounts/${accountId}/webex/events?state=lost`);
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toContain('state');
    expect((await api(app, `/api/accounts/${accountId}/webex/events?limit=0`)).status).toBe(400);
  });

  it('at the cap of undelivered events the webhook answers 429 with Retry-After and stores nothing', async () => {
    const capped = await startWebexApp({ maxUndelivered: 5 });
    try {
      const accountId = `acct-cap-${Date.now().toString(36)}`;
      const { roomId } = await connectAsOwnUser(capped, accountId);
      const outage = capped.sim.control.failNext(1_000_000, 503, {
        method: 'POST',
        pathPrefix: '/messages',
        roomId,
      });
      for (let i = 1; i <= 5; i++)
        expect((await sendEvent(capped, accountId, numberedEvent('cap', i))).status).toBe(202);
      const refused = await sendEvent(capped, accountId, numberedEvent('cap', 6));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await eventOf(capped, accountId, 'cap-6')).status).toBe(404);
      // A duplicate of an accepted event is still answered as such.
      expect((await sendEvent(capped, accountId, numberedEvent('cap', 2))).body).toMatchObject({
        status: 'duplicate',
      });
      capped.sim.control.removeFault(outage);
      await eventually(
        () => countsOf(capped, accountId),
        (c) => c.delivered === 5,
      );
      expect((await sendEvent(capped, accountId, numberedEvent('cap', 6))).status).toBe(202);
      await eventually(
        () => countsOf(capped, accountId),
        (c) => c.delivered === 6,
      );
      expect(heads(capped, roomId)).toEqual(expectedHeads('cap', 6));
    } finally {
      await capped.close();
    }
  });
});

it('with the event log unavailable the webhook answers 503 with Retry-After, and the gateway keeps serving', async () => {
  const app = await startWebexApp();
  try {
    const accountId = `acct-nolog-${Date.now().toString(36)}`;
    await connectAsOwnUser(app, accountId);
    const secret = await app.secretFor(accountId);
    await app.eventLog.close(); // the database is gone
    const res = await sendEvent(app, accountId, numberedEvent('nolog', 1), secret);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((res.body as { error: string }).error).toContain('nothing was stored');
    expect((await http(`${app.gatewayUrl}/healthz`)).status).toBe(200);
  } finally {
    await app.close();
  }
});

describe('with Temporal stopped', () => {
  let server: DevServer;
  let app: WebexApp;
  const dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'temporal-down-')), 'temporal.sqlite');
  const restartServer = (port: number) => startTestDevServer({ port, dbFilename: dbFile });

  beforeAll(async () => {
    server = await startTestDevServer({ dbFilename: dbFile });
    app = await startWebexApp({ temporalAddress: server.address });
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it('webhooks still answer 202, and the events are delivered once Temporal is back', async () => {
    const accountId = `acct-down-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    await sendEvent(app, accountId, numberedEvent('down', 1));
    await eventually(
      () => countsOf(app, accountId),
      (c) => c.delivered === 1,
    );
    await server.stop();
    for (let i = 2; i <= 6; i++) {
      const res = await sendEvent(app, accountId, numberedEvent('down', i));
      expect({ i, status: res.status, body: res.body }).toEqual({
        i,
        status: 202,
        body: { eventId: `down-${i}`, status: 'accepted' },
      });
    }
    expect((await eventOf(app, accountId, 'down-6')).body).toMatchObject({ state: 'queued' });
    server = await restartServer(server.port);
    await eventually(
      () => eventOf(app, accountId, 'down-6'),
      (r) => (r.body as { state?: string }).state === 'delivered',
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(heads(app, roomId)).toEqual(expectedHeads('down', 6));
  });
});
