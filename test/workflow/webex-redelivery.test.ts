/**
 * Issue 15 through the product's API, on the real dev server with a real worker and the Webex
 * simulator: redelivery after a dry run (in order, after what is queued, never posting a message
 * that is already in the room), retention of delivered payloads (test clock) and erasure by
 * customer, with the status counts right throughout.
 */
import { http } from '../harness/http';
import { createTestDatabase } from '../harness/postgres';
import { closeTestConnections } from '../harness/temporal';
import {
  connectAsOwnUser,
  eventually,
  integrationStatus,
  numberedEvent,
  roomTexts,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { PayloadRetention } from '../../workers/payload-retention';

/** Redelivery reads back this many room messages here (production: 1000), to test the window. */
const SCAN_LIMIT = 5;
const DAY = 86_400_000;

let app: WebexApp;
afterAll(() => closeTestConnections());

let counter = 0;
const newAccount = () => `acct-rdl-${Date.now().toString(36)}-${counter++}`;

type Counts = { received: number; delivered: number; pending: number; failed: number; dropped: number };
interface EventView {
  eventId: string;
  state: string;
  messageIds: string[];
  attempts: number;
  lastError: string | null;
  payloadErasedAt: string | null;
}

const post = (path: string, json: unknown, headers = app.authHeaders) =>
  http(`${app.gatewayUrl}${path}`, { method: 'POST', json, headers });
const redeliver = (accountId: string, body: unknown) =>
  post(`/api/accounts/${accountId}/webex/redeliver`, body);
const forget = (accountId: string, body: unknown) =>
  post(`/api/accounts/${accountId}/webex/forget-customer`, body);
const eventOf = async (accountId: string, eventId: string) =>
  (
    await http(`${app.gatewayUrl}/api/accounts/${accountId}/webex/events/${eventId}`, {
      headers: app.authHeaders,
    })
  ).body as EventView;
const countsOf = async (accountId: string) =>
  ((await integrationStatus(app, accountId)).body as { counts: Counts }).counts;
const waitFor = (accountId: string, eventId: string, state: string) =>
  eventually(
    () => eventOf(accountId, eventId),
    (e) => e.state === state,
  );

/** Which numbered events' messages are in the room, in posting order (numberedEvent's customer ids). */
const postedNumbers = (roomId: string, prefix: string) =>
  roomTexts(app, roomId).map((text) => Number(new RegExp(`${prefix}-customer-(\\d+)`).exec(text)?.[1]));

describe.each(['sqlite', 'postgres'] as const)('on the %s event log', (engine) => {
  beforeAll(async () => {
    app = await startWebexApp({
      activityDeps: { redeliverScanLimit: SCAN_LIMIT },
      ...(engine === 'postgres' ? { databaseUrl: await createTestDatabase() } : {}),
    });
  });
  afterAll(() => app.close());

  describe('redeliver, after a dry run', () => {
    it('lists what would be posted and what is already in the room, then re-queues in order after what is queued', async () => {
      const accountId = newAccount();
      const p = `rq${counter}`;
      const { roomId } = await connectAsOwnUser(app, accountId);
      const posts = { method: 'POST', pathPrefix: '/messages', roomId };

      // 1 and 3: Webex refuses them (400). 2: Webex stores it, then answers 400 (it IS in the room).
      app.sim.control.respondNext(1, { status: 400 }, posts);
      await sendEvent(app, accountId, numberedEvent(p, 1));
      await waitFor(accountId, `${p}-1`, 'failed');
      app.sim.control.failAfterStore(1, 400, posts);
      await sendEvent(app, accountId, numberedEvent(p, 2));
      await waitFor(accountId, `${p}-2`, 'failed');
      app.sim.control.respondNext(1, { status: 400 }, posts);
      await sendEvent(app, accountId, numberedEvent(p, 3));
      await waitFor(accountId, `${p}-3`, 'failed');
      await sendEvent(app, accountId, numberedEvent(p, 4));
      await waitFor(accountId, `${p}-4`, 'delivered');
      expect(postedNumbers(roomId, p)).toEqual([2, 4]);

      // 5 waits in the queue: Webex is down for posts (reads still work).
      const outage = app.sim.control.failNext(1_000_000, 503, posts);
      await sendEvent(app, accountId, numberedEvent(p, 5));
      await eventually(
        () => eventOf(accountId, `${p}-5`),
        (e) => e.attempts >= 1,
      );
      const before = await countsOf(accountId);
      expect(before).toMatchObject({ received: 5, delivered: 1, failed: 3, pending: 1 });

      const dry = await redeliver(accountId, { state: 'failed', dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body).toEqual({
        dryRun: true,
        requeued: [`${p}-1`, `${p}-3`],
        skippedAlreadyInRoom: [`${p}-2`],
        refused: [],
        more: false,
      });
      // A dry run changes nothing.
      expect(await countsOf(accountId)).toEqual(before);
      expect(await eventOf(accountId, `${p}-2`)).toMatchObject({ state: 'failed' });

      const real = await redeliver(accountId, { state: 'failed' });
      expect(real.status).toBe(200);
      expect(real.body).toEqual({
        dryRun: false,
        requeued: [`${p}-1`, `${p}-3`],
        skippedAlreadyInRoom: [`${p}-2`],
        refused: [],
        more: false,
      });
      // 2 was in the room all along: recorded as delivered with the message that is there.
      const second = await eventOf(accountId, `${p}-2`);
      expect(second).toMatchObject({ state: 'delivered', lastError: null });
      expect(second.messageIds).toEqual([app.sim.control.messages(roomId)[0]!.id]);
      expect(await eventOf(accountId, `${p}-1`)).toMatchObject({
        state: 'queued',
        attempts: 0,
        lastError: null,
      });
      expect(await countsOf(accountId)).toMatchObject({ received: 5, delivered: 2, failed: 0, pending: 3 });

      // Webex is back: 5 first (it was queued before), then 1 and 3, each once.
      app.sim.control.removeFault(outage);
      await eventually(
        () => countsOf(accountId),
        (c) => c.delivered === 5,
      );
      expect(postedNumbers(roomId, p)).toEqual([2, 4, 5, 1, 3]);
      expect(await countsOf(accountId)).toMatchObject({ received: 5, delivered: 5, failed: 0, pending: 0 });
      // The Id is still taken: Billsby repeating it is a duplicate, not a third post.
      expect((await sendEvent(app, accountId, numberedEvent(p, 1))).body).toMatchObject({
        status: 'duplicate',
      });
      // Nothing left to redeliver.
      expect((await redeliver(accountId, { state: 'failed', dryRun: true })).body).toMatchObject({
        requeued: [],
        skippedAlreadyInRoom: [],
      });
    });

    it('a delivered event only with force: skipped while its message is in the room, posted once it is not', async () => {
      const accountId = newAccount();
      const p = `rf${counter}`;
      const { roomId } = await connectAsOwnUser(app, accountId);
      await sendEvent(app, accountId, numberedEvent(p, 1));
      await waitFor(accountId, `${p}-1`, 'delivered');

      const refused = await redeliver(accountId, { eventId: `${p}-1` });
      expect(refused.status).toBe(200);
      expect(refused.body).toMatchObject({
        requeued: [],
        skippedAlreadyInRoom: [],
        refused: [
          {
            eventId: `${p}-1`,
            reason: expect.stringMatching(new RegExp(`event ${p}-1 was already delivered .*--force`)),
          },
        ],
      });

      const forcedDry = await redeliver(accountId, { eventId: `${p}-1`, force: true, dryRun: true });
      expect(forcedDry.body).toMatchObject({ requeued: [], skippedAlreadyInRoom: [`${p}-1`], refused: [] });

      // More messages than the read-back window come after it: it can no longer be seen.
      for (let n = 2; n <= SCAN_LIMIT + 1; n++) await sendEvent(app, accountId, numberedEvent(p, n));
      await eventually(
        () => countsOf(accountId),
        (c) => c.delivered === SCAN_LIMIT + 1,
      );
      const forced = await redeliver(accountId, { eventId: `${p}-1`, force: true });
      expect(forced.body).toMatchObject({ dryRun: false, requeued: [`${p}-1`], skippedAlreadyInRoom: [] });
      await eventually(
        () => eventOf(accountId, `${p}-1`),
        (e) => e.state === 'delivered',
      );
      expect(postedNumbers(roomId, p)).toEqual([1, 2, 3, 4, 5, 6, 1]);
      expect(await countsOf(accountId)).toMatchObject({ received: 6, delivered: 6, pending: 0 });
    });

    it('bad input answers 400 naming what is wrong; unknown account or event 404; uninstalled 409; no key 401', async () => {
      const accountId = newAccount();
      await connectAsOwnUser(app, accountId);
      const cases: [unknown, string][] = [
        [{}, 'body: give exactly one of eventId or state'],
        [{ eventId: 'a', state: 'failed' }, 'body: give exactly one of eventId or state'],
        [{ state: 'delivered' }, 'state: must be one of failed, dropped'],
        [{ state: 'failed', since: 'yesterday' }, 'since: must be an ISO 8601 date-time'],
        [{ eventId: 'a', since: '2026-03-01' }, 'since: only applies with state'],
        [{ state: 'failed', force: true }, 'force: only applies with eventId'],
        [{ eventId: 'a', dryRun: 'yes' }, 'dryRun:'],
        [{ eventId: '' }, 'eventId: must not be empty'],
        [{ eventId: 'a', replay: true }, 'replay'],
      ];
      for (const [body, message] of cases) {
        const res = await redeliver(accountId, body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect((res.body as { error: string }).error).toContain(message);
      }
      expect(
        (await redeliver(accountId, { state: 'failed', since: '2026-03-01T00:00:00+02:00' })).status,
      ).toBe(200);

      const unknownAccount = await redeliver(`never-${accountId}`, { state: 'failed' });
      expect(unknownAccount.status).toBe(404);
      expect((unknownAccount.body as { error: string }).error).toContain('has never integrated');
      const unknownEvent = await redeliver(accountId, { eventId: 'no-such-event' });
      expect(unknownEvent.status).toBe(404);
      expect((unknownEvent.body as { error: string }).error).toContain('no event no-such-event');

      const noKey = await post(`/api/accounts/${accountId}/webex/redeliver`, { state: 'failed' }, {});
      expect(noKey.status).toBe(401);

      await post(`/api/accounts/${accountId}/webex/uninstall`, {});
      const uninstalled = await redeliver(accountId, { state: 'dropped' });
      expect(uninstalled.status).toBe(409);
      expect((uninstalled.body as { error: string }).error).toContain('is uninstalled');
    });
  });

  describe('retention and erasure', () => {
    it("forget-customer erases exactly that customer's payloads; a queued one is dropped and never posted", async () => {
      const accountId = newAccount();
      const { roomId } = await connectAsOwnUser(app, accountId);
      const event = (id: string, customer: string) => ({
        Id: id,
        Type: 'CustomerCreated',
        CustomerUniqueId: customer,
      });
      const a = `fa${counter}`;
      const b = `fb${counter}`;
      await sendEvent(app, accountId, event(`${a}-1`, a));
      await sendEvent(app, accountId, event(`${b}-1`, b));
      await sendEvent(app, accountId, event(`${a}-2`, a));
      await eventually(
        () => countsOf(accountId),
        (c) => c.delivered === 3,
      );
      const outage = app.sim.control.failNext(1_000_000, 503, {
        method: 'POST',
        pathPrefix: '/messages',
        roomId,
      });
      await sendEvent(app, accountId, event(`${a}-3`, a));
      await sendEvent(app, accountId, event(`${b}-2`, b));
      await eventually(
        () => eventOf(accountId, `${a}-3`),
        (e) => e.attempts >= 1,
      );

      const res = await forget(accountId, { customerUniqueId: a });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ erased: 3, dropped: 1 });
      for (const id of [`${a}-1`, `${a}-2`]) {
        expect(await eventOf(accountId, id)).toMatchObject({
          state: 'delivered',
          payloadErasedAt: expect.any(String),
        });
      }
      expect(await eventOf(accountId, `${a}-3`)).toMatchObject({
        state: 'dropped',
        lastError: "erased at the customer's request",
        payloadErasedAt: expect.any(String),
      });
      expect(await eventOf(accountId, `${b}-1`)).toMatchObject({ payloadErasedAt: null });
      expect(await countsOf(accountId)).toMatchObject({ received: 5, delivered: 3, pending: 1, dropped: 1 });

      app.sim.control.removeFault(outage);
      await eventually(
        () => countsOf(accountId),
        (c) => c.delivered === 4 && c.pending === 0,
      );
      // Two messages of each customer: a's third event was never posted.
      const ofCustomer = (id: string) =>
        roomTexts(app, roomId).filter((t) => new RegExp(`^CustomerUniqueId: ${id}$`, 'm').test(t));
      expect(ofCustomer(a)).toHaveLength(2);
      expect(ofCustomer(b)).toHaveLength(2);

      // An erased event cannot be redelivered: there is nothing to post.
      const again = await redeliver(accountId, { eventId: `${a}-1`, force: true });
      expect((again.body as { refused: { reason: string }[] }).refused[0]!.reason).toContain('was erased');
      expect((await forget(accountId, { customerUniqueId: a })).body).toEqual({ erased: 0, dropped: 0 });
      // Bad input and unknown accounts.
      const bad = await forget(accountId, { customer: a });
      expect(bad.status).toBe(400);
      expect((bad.body as { error: string }).error).toContain('customerUniqueId');
      expect((await forget(`never-${accountId}`, { customerUniqueId: a })).status).toBe(404);
    });

    it('retention erases delivered payloads past the age (test clock), keeps younger ones, records and counts', async () => {
      const accountId = newAccount();
      await connectAsOwnUser(app, accountId);
      const p = `rt${counter}`;
      await sendEvent(app, accountId, numberedEvent(p, 1));
      await sendEvent(app, accountId, numberedEvent(p, 2));
      await eventually(
        () => countsOf(accountId),
        (c) => c.delivered === 2,
      );
      const counts = await countsOf(accountId);
      const before = await eventOf(accountId, `${p}-1`);
      const retention = new PayloadRetention(app.eventLog, { retentionDays: 30 });

      await retention.runOnce(new Date(Date.now() + 29 * DAY));
      expect((await app.eventLog.readPayloads(accountId, [`${p}-1`, `${p}-2`])).size).toBe(2);

      const now = new Date(Date.now() + 31 * DAY);
      expect(await retention.runOnce(now)).toBeGreaterThanOrEqual(2);
      expect((await app.eventLog.readPayloads(accountId, [`${p}-1`, `${p}-2`])).size).toBe(0);
      // The record stays, answered by the API as before, with when its payload went.
      expect(await eventOf(accountId, `${p}-1`)).toEqual({ ...before, payloadErasedAt: now.toISOString() });
      expect(await countsOf(accountId)).toEqual(counts);
    });
  });
});
