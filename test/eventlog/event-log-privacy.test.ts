import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import { ERASED_ON_REQUEST, type EventLog } from '../../eventlog/types';
import { customerCreated, engines, ids, NO_CAP, requests, testKey, uniqueAccount } from './engines';

/**
 * The EventLog contract for redelivery, retention and erasure (issue 15), on both engines: which
 * events redelivery selects, how it re-queues them, and how payloads are erased while the records
 * (and the counts) stay.
 */

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

/** An event of the given customer (the customer id is only inside the encrypted payload). */
const ofCustomer = (id: string, customer: string): BillsbyEvent => ({
  ...customerCreated(id),
  CustomerUniqueId: customer,
});

describe.each(engines())('event log privacy and redelivery on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  async function activeAccount(label?: string) {
    const accountId = uniqueAccount(label);
    await log.activateAccount(accountId);
    return accountId;
  }

  /** Runs SQL on the engine's storage directly (what no product code path can do). */
  async function rawSql(sql: string, params: unknown[]): Promise<void> {
    const at = await engine.location();
    if (engine.name === 'sqlite') {
      const db = new Database(at, { timeout: 10_000 });
      try {
        db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
      } finally {
        db.close();
      }
      return;
    }
    const client = new Client({ connectionString: at });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  describe('select', () => {
    test('one state, oldest first, since the time it reached that state, at most limit', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ids('s', 5)), NO_CAP);
      await log.markFailed(accountId, 1, 'x', iso(T0));
      await log.markFailed(accountId, 3, 'x', iso(T0 + DAY));
      await log.markFailed(accountId, 4, 'x', iso(T0 + 2 * DAY));
      await log.markDelivered(accountId, 2, ['m'], iso(T0));
      const eventIds = async (options: Parameters<EventLog['select']>[1]) =>
        (await log.select(accountId, options)).map((e) => e.eventId);
      expect(await eventIds({ state: 'failed', limit: 10 })).toEqual(['s-0', 's-2', 's-3']);
      expect(await eventIds({ state: 'failed', since: iso(T0 + DAY), limit: 10 })).toEqual(['s-2', 's-3']);
      // Any ISO form of the same instant selects the same events.
      expect(await eventIds({ state: 'failed', since: '2026-03-02T01:00:00+01:00', limit: 10 })).toEqual([
        's-2',
        's-3',
      ]);
      expect(await eventIds({ state: 'failed', limit: 2 })).toEqual(['s-0', 's-2']);
      expect(await eventIds({ state: 'queued', limit: 10 })).toEqual(['s-4']);
      await expect(log.select(accountId, { state: 'failed', since: 'yesterday', limit: 1 })).rejects.toThrow(
        RangeError,
      );
    });
  });

  describe('redeliver', () => {
    test('re-queues at the end, in the order given, attempts reset, parts kept; counts follow', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ids('r', 4)), NO_CAP);
      await log.beginAttempt(accountId, 1, iso(T0));
      await log.recordParts(accountId, 1, ['part-1']);
      await log.markFailed(accountId, 1, 'Webex rejected part 2/2', iso(T0));
      await log.beginAttempt(accountId, 2, iso(T0));
      await log.markFailed(accountId, 2, 'Webex rejected part 1/1', iso(T0));
      await log.markDelivered(accountId, 3, ['m-3'], iso(T0));
      // r-3 (seq 4) is still queued: the redelivered ones go after it.
      const outcomes = await log.redeliver(
        accountId,
        [
          { eventId: 'r-0', from: 'failed', to: 'queued', messageIds: ['part-1'] },
          { eventId: 'r-1', from: 'failed', to: 'queued', messageIds: [] },
          { eventId: 'r-2', from: 'delivered', to: 'queued', messageIds: [] },
        ],
        iso(T0 + DAY),
      );
      expect(outcomes).toEqual([
        { eventId: 'r-0', applied: true, state: 'queued' },
        { eventId: 'r-1', applied: true, state: 'queued' },
        { eventId: 'r-2', applied: true, state: 'queued' },
      ]);
      expect(await log.peekQueued(accountId, 10)).toEqual([
        { seq: 4, eventId: 'r-3', type: 'CustomerCreated' },
        { seq: 5, eventId: 'r-0', type: 'CustomerCreated' },
        { seq: 6, eventId: 'r-1', type: 'CustomerCreated' },
        { seq: 7, eventId: 'r-2', type: 'CustomerCreated' },
      ]);
      expect(await log.get(accountId, 'r-0')).toMatchObject({
        state: 'queued',
        attempts: 0,
        firstAttemptAt: null,
        lastError: null,
        deliveredAt: null,
        messageIds: ['part-1'],
      });
      const [requeued] = await log.readQueued(accountId, 5, 5);
      expect(requeued!.payload).toEqual(customerCreated('r-0'));
      expect(await log.counts(accountId)).toEqual({
        received: 4,
        delivered: 0,
        duplicates: 0,
        pending: 4,
        failed: 0,
        dropped: 0,
        ignored: 0,
      });
      // The Id stays taken: a webhook repeating it is still a duplicate.
      expect(await log.append(requests(accountId, ['r-0']), NO_CAP)).toEqual([{ status: 'duplicate' }]);
      // New appends still come after the redelivered events.
      expect(await log.append(requests(accountId, ['r-9']), NO_CAP)).toEqual([
        { status: 'accepted', seq: 8 },
      ]);
    });

    test('a change applies only while the event is still in its `from` state', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ids('c', 2)), NO_CAP);
      await log.markFailed(accountId, 1, 'x', iso(T0));
      const outcomes = await log.redeliver(
        accountId,
        [
          { eventId: 'c-0', from: 'dropped', to: 'queued', messageIds: [] },
          { eventId: 'c-1', from: 'failed', to: 'queued', messageIds: [] },
          { eventId: 'nope', from: 'failed', to: 'queued', messageIds: [] },
          { eventId: 'c-0', from: 'failed', to: 'queued', messageIds: [] },
          { eventId: 'c-0', from: 'failed', to: 'queued', messageIds: [] },
        ],
        iso(T0),
      );
      expect(outcomes).toEqual([
        { eventId: 'c-0', applied: false, state: 'failed' },
        { eventId: 'c-1', applied: false, state: 'queued' },
        { eventId: 'nope', applied: false, state: null },
        { eventId: 'c-0', applied: true, state: 'queued' },
        { eventId: 'c-0', applied: false, state: 'queued' },
      ]);
      expect((await log.peekQueued(accountId, 10)).map((e) => [e.seq, e.eventId])).toEqual([
        [2, 'c-1'],
        [3, 'c-0'],
      ]);
      expect(await log.counts(accountId)).toMatchObject({ pending: 2, failed: 0 });
    });

    test('an event found in the room is recorded delivered with the message ids found', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['f']), NO_CAP);
      await log.markFailed(accountId, 1, 'Webex answered 400 after storing it', iso(T0));
      const [outcome] = await log.redeliver(
        accountId,
        [{ eventId: 'f', from: 'failed', to: 'delivered', messageIds: ['found-1'] }],
        iso(T0 + 1000),
      );
      expect(outcome).toEqual({ eventId: 'f', applied: true, state: 'delivered' });
      expect(await log.get(accountId, 'f')).toMatchObject({
        state: 'delivered',
        seq: 1,
        messageIds: ['found-1'],
        deliveredAt: iso(T0 + 1000),
        lastError: null,
      });
      expect(await log.counts(accountId)).toMatchObject({ delivered: 1, failed: 0, pending: 0 });
    });

    test('an uninstalled account changes nothing', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['u']), NO_CAP);
      await log.markFailed(accountId, 1, 'x', iso(T0));
      await log.closeAccount(accountId);
      expect(
        await log.redeliver(
          accountId,
          [{ eventId: 'u', from: 'failed', to: 'queued', messageIds: [] }],
          iso(T0),
        ),
      ).toEqual([{ eventId: 'u', applied: false, state: 'failed' }]);
      expect(await log.counts(accountId)).toMatchObject({ failed: 1, pending: 0 });
    });

    test('readPayloads answers stored payloads by id, without erased ones', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['p-1', 'p-2']), NO_CAP);
      const payloads = await log.readPayloads(accountId, ['p-1', 'p-2', 'p-3', 'p-1']);
      expect([...payloads.keys()].sort()).toEqual(['p-1', 'p-2']);
      expect(payloads.get('p-2')).toEqual(customerCreated('p-2'));
    });
  });

  describe('retention (test clock)', () => {
    test('erases payloads delivered before the cutoff, keeps younger ones and every record', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ids('old', 4)), NO_CAP);
      await log.markDelivered(accountId, 1, ['m-1'], iso(T0 - 40 * DAY));
      await log.markDelivered(accountId, 2, ['m-2'], iso(T0 - 31 * DAY));
      await log.markDelivered(accountId, 3, ['m-3'], iso(T0 - 29 * DAY));
      await log.markFailed(accountId, 4, 'x', iso(T0 - 60 * DAY)); // failed: kept for redelivery
      const countsBefore = await log.counts(accountId);
      const cutoff = iso(T0 - 30 * DAY);

      // Other accounts' old deliveries are in the same table: count only ours by looping to the end.
      let erased = 0;
      for (
        let n = await log.erasePayloads(cutoff, iso(T0), 1);
        n > 0;
        n = await log.erasePayloads(cutoff, iso(T0), 1)
      )
        erased += n;
      expect(erased).toBeGreaterThanOrEqual(2);

      const payloads = await log.readPayloads(accountId, ids('old', 4));
      expect([...payloads.keys()].sort()).toEqual(['old-2', 'old-3']);
      expect(await log.get(accountId, 'old-0')).toMatchObject({
        eventId: 'old-0',
        type: 'CustomerCreated',
        state: 'delivered',
        messageIds: ['m-1'],
        deliveredAt: iso(T0 - 40 * DAY),
        payloadErasedAt: iso(T0),
      });
      expect(await log.get(accountId, 'old-2')).toMatchObject({ payloadErasedAt: null });
      expect(await log.get(accountId, 'old-3')).toMatchObject({ state: 'failed', payloadErasedAt: null });
      expect(await log.counts(accountId)).toEqual(countsBefore);
      // Idempotent: a second sweep finds nothing more.
      expect(await log.erasePayloads(cutoff, iso(T0 + 1), 1000)).toBe(0);
    });
  });

  describe('forgetCustomer', () => {
    test("erases exactly that customer's payloads in every state; queued ones become dropped", async () => {
      const accountId = await activeAccount();
      const other = await activeAccount('other');
      await log.append(
        [
          { accountId, event: ofCustomer('e-1', 'CUST-A') },
          { accountId, event: ofCustomer('e-2', 'CUST-B') },
          { accountId, event: ofCustomer('e-3', 'CUST-A') },
          { accountId, event: ofCustomer('e-4', 'CUST-A') },
          { accountId, event: ofCustomer('e-5', 'CUST-A') },
          { accountId: other, event: ofCustomer('e-1', 'CUST-A') },
        ],
        NO_CAP,
      );
      await log.markDelivered(accountId, 1, ['m-1'], iso(T0));
      await log.markFailed(accountId, 3, 'x', iso(T0));
      await log.markDelivered(accountId, 5, ['m-5'], iso(T0 - 90 * DAY));
      await log.erasePayloads(iso(T0 - 30 * DAY), iso(T0), 1000); // e-5 already gone by retention

      expect(await log.forgetCustomer(accountId, 'CUST-A', iso(T0 + DAY))).toEqual({ erased: 3, dropped: 1 });

      const left = await log.readPayloads(accountId, ids('e', 6, 1));
      expect([...left.keys()]).toEqual(['e-2']);
      expect(await log.get(accountId, 'e-1')).toMatchObject({
        state: 'delivered',
        messageIds: ['m-1'],
        payloadErasedAt: iso(T0 + DAY),
      });
      expect(await log.get(accountId, 'e-3')).toMatchObject({
        state: 'failed',
        payloadErasedAt: iso(T0 + DAY),
      });
      expect(await log.get(accountId, 'e-4')).toMatchObject({
        state: 'dropped',
        lastError: ERASED_ON_REQUEST,
        payloadErasedAt: iso(T0 + DAY),
      });
      expect(await log.peekQueued(accountId, 10)).toEqual([
        { seq: 2, eventId: 'e-2', type: 'CustomerCreated' },
      ]);
      expect(await log.counts(accountId)).toEqual({
        received: 5,
        delivered: 2,
        duplicates: 0,
        pending: 1,
        failed: 1,
        dropped: 1,
        ignored: 0,
      });
      // The same customer id in another account is another customer of another merchant.
      expect((await log.readPayloads(other, ['e-1'])).size).toBe(1);
      // Again: nothing more to erase.
      expect(await log.forgetCustomer(accountId, 'CUST-A', iso(T0 + 2 * DAY))).toEqual({
        erased: 0,
        dropped: 0,
      });
      expect(await log.forgetCustomer(uniqueAccount('never'), 'CUST-A', iso(T0))).toBeNull();
    });

    test('rows appended before customer tags existed are found by decrypting them', async () => {
      const accountId = await activeAccount();
      await log.append(
        [
          { accountId, event: ofCustomer('legacy-1', 'CUST-L') },
          { accountId, event: ofCustomer('legacy-2', 'CUST-M') },
        ],
        NO_CAP,
      );
      // As a row written before migration 4 looks: no tag.
      await rawSql('UPDATE events SET customer_tag = NULL WHERE account_id = $1', [accountId]);
      expect(await log.forgetCustomer(accountId, 'CUST-L', iso(T0))).toEqual({ erased: 1, dropped: 1 });
      expect([...(await log.readPayloads(accountId, ['legacy-1', 'legacy-2'])).keys()]).toEqual(['legacy-2']);
    });

    test('after a key rotation the tags of rows sealed with the old key still match', async () => {
      const accountId = await activeAccount();
      const oldKey = testKey('old');
      const before = await engine.open({ keys: [oldKey] });
      await before.append([{ accountId, event: ofCustomer('k-1', 'CUST-K') }], NO_CAP);
      // A process configured with a new first key and the old one still listed (rotation).
      const after = await engine.open({ keys: [testKey('new'), oldKey] });
      await after.append([{ accountId, event: ofCustomer('k-2', 'CUST-K') }], NO_CAP);
      expect(await after.forgetCustomer(accountId, 'CUST-K', iso(T0))).toEqual({ erased: 2, dropped: 2 });
    });
  });
});
