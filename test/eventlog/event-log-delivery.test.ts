import type { EventLog } from '../../eventlog/types';
import { customerCreated, engines, ids, NO_CAP, requests, uniqueAccount } from './engines';

/** The EventLog contract, continued: reading the queue, delivery, lists and counts. */

describe.each(engines())('event log delivery on $name', (engine) => {
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

  describe('reading the queue', () => {
    test('peekQueued and readQueued answer queued events in seq order, payloads decrypted', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ids('q', 5)), NO_CAP);
      await log.markDelivered(accountId, 2, ['m'], new Date().toISOString());
      expect(await log.peekQueued(accountId, 3)).toEqual([
        { seq: 1, eventId: 'q-0', type: 'CustomerCreated' },
        { seq: 3, eventId: 'q-2', type: 'CustomerCreated' },
        { seq: 4, eventId: 'q-3', type: 'CustomerCreated' },
      ]);
      const read = await log.readQueued(accountId, 2, 4);
      expect(read.map((e) => e.seq)).toEqual([3, 4]);
      expect(read[0]!.payload).toEqual(customerCreated('q-2'));
      expect(read[0]).toMatchObject({ eventId: 'q-2', state: 'queued', attempts: 0 });
      expect(await log.readQueued(accountId, 6, 100)).toEqual([]);
      expect(await log.peekQueued(uniqueAccount(), 10)).toEqual([]);
    });
  });

  describe('delivery', () => {
    test('beginAttempt claims a queued event and answers it as it was before the claim', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['a']), NO_CAP);
      const first = await log.beginAttempt(accountId, 1, '2026-01-01T00:00:00.000Z');
      expect(first).toMatchObject({
        eventId: 'a',
        seq: 1,
        state: 'queued',
        attempts: 0,
        firstAttemptAt: null,
      });
      const second = await log.beginAttempt(accountId, 1, '2026-01-01T00:05:00.000Z');
      expect(second).toMatchObject({ attempts: 1, firstAttemptAt: '2026-01-01T00:00:00.000Z' });
      expect(await log.get(accountId, 'a')).toMatchObject({
        attempts: 2,
        firstAttemptAt: '2026-01-01T00:00:00.000Z',
        state: 'queued',
      });
      expect(await log.beginAttempt(accountId, 99, new Date().toISOString())).toBeNull();
    });

    test('recordParts keeps the posted parts while the event stays queued', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['a']), NO_CAP);
      await log.recordParts(accountId, 1, ['part-1']);
      await log.recordParts(accountId, 1, ['part-1', 'part-2']);
      expect(await log.get(accountId, 'a')).toMatchObject({
        state: 'queued',
        messageIds: ['part-1', 'part-2'],
      });
      await log.markDelivered(accountId, 1, ['part-1', 'part-2', 'part-3'], '2026-01-01T00:00:00.000Z');
      await log.recordParts(accountId, 1, ['other']);
      expect((await log.get(accountId, 'a'))?.messageIds).toEqual(['part-1', 'part-2', 'part-3']);
    });

    test('markDelivered and markFailed move queued events once; later calls change nothing', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['a', 'b']), NO_CAP);
      await log.markDelivered(accountId, 1, ['m1', 'm2'], '2026-02-01T10:00:00.000Z');
      await log.markFailed(accountId, 2, 'Webex answered 400', '2026-02-01T11:00:00.000Z');
      // Repeats and cross-moves are no-ops.
      await log.markDelivered(accountId, 1, ['other'], '2026-03-01T00:00:00.000Z');
      await log.markFailed(accountId, 1, 'late', '2026-03-01T00:00:00.000Z');
      await log.markDelivered(accountId, 2, ['late'], '2026-03-01T00:00:00.000Z');
      await log.markDelivered(accountId, 7, ['nothing'], '2026-03-01T00:00:00.000Z');
      expect(await log.get(accountId, 'a')).toMatchObject({
        state: 'delivered',
        messageIds: ['m1', 'm2'],
        deliveredAt: '2026-02-01T10:00:00.000Z',
        updatedAt: '2026-02-01T10:00:00.000Z',
        lastError: null,
      });
      expect(await log.get(accountId, 'b')).toMatchObject({
        state: 'failed',
        lastError: 'Webex answered 400',
        deliveredAt: null,
        updatedAt: '2026-02-01T11:00:00.000Z',
      });
      expect(await log.counts(accountId)).toEqual({
        received: 2,
        delivered: 1,
        duplicates: 0,
        pending: 0,
        failed: 1,
        dropped: 0,
        ignored: 0,
      });
      expect(await log.beginAttempt(accountId, 1, new Date().toISOString())).toBeNull();
    });
  });

  describe('listing and counts', () => {
    test('list: newest first by default and per state; queued oldest first; limit applies', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ids('l', 6)), NO_CAP);
      const at = new Date().toISOString();
      await log.markDelivered(accountId, 1, ['m'], at);
      await log.markDelivered(accountId, 3, ['m'], at);
      await log.markFailed(accountId, 4, 'x', at);
      const seqs = async (state?: 'queued' | 'delivered' | 'failed' | 'dropped', limit = 10) =>
        (await log.list(accountId, { state, limit })).map((e) => e.seq);
      expect(await seqs()).toEqual([6, 5, 4, 3, 2, 1]);
      expect(await seqs(undefined, 2)).toEqual([6, 5]);
      expect(await seqs('queued')).toEqual([2, 5, 6]);
      expect(await seqs('queued', 2)).toEqual([2, 5]);
      expect(await seqs('delivered')).toEqual([3, 1]);
      expect(await seqs('failed')).toEqual([4]);
      expect(await seqs('dropped')).toEqual([]);
      await expect(log.list(accountId, { limit: 0 })).rejects.toThrow(RangeError);
    });

    test('counts are exact after a mix of everything', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, [...ids('c', 10), 'c-1', 'c-2']), NO_CAP);
      const at = new Date().toISOString();
      for (const seq of [1, 2, 3]) await log.markDelivered(accountId, seq, ['m'], at);
      await log.markFailed(accountId, 4, 'x', at);
      await log.append(requests(accountId, ['c-3', 'c-10']), NO_CAP);
      // Ignored webhooks: counted apart from received; a repeat of one is a duplicate too.
      const ignored = (eventId: string) => ({
        accountId,
        ignored: { eventId, type: 'InvoiceCreated', reason: 'no message' },
      });
      await log.append([ignored('i-1'), ignored('i-2'), ignored('i-1')], NO_CAP);
      const listed = await log.list(accountId, { limit: 100 });
      const byState = (state: string) => listed.filter((e) => e.state === state).length;
      expect(await log.counts(accountId)).toEqual({
        received: listed.length - byState('ignored'),
        delivered: byState('delivered'),
        duplicates: 4,
        pending: byState('queued'),
        failed: byState('failed'),
        dropped: byState('dropped'),
        ignored: byState('ignored'),
      });
      expect([listed.length, byState('ignored')]).toEqual([13, 2]);
    });

    test('accountsWithQueued lists active accounts with queued events only', async () => {
      const waiting = await activeAccount('waiting');
      const done = await activeAccount('done');
      const closed = await activeAccount('closed');
      await log.append(
        [...requests(waiting, ['a']), ...requests(done, ['a']), ...requests(closed, ['a'])],
        NO_CAP,
      );
      await log.markDelivered(done, 1, ['m'], new Date().toISOString());
      await log.closeAccount(closed);
      const listed = await log.accountsWithQueued(100_000);
      expect(listed).toContain(waiting);
      expect(listed).not.toContain(done);
      expect(listed).not.toContain(closed);
      expect(await log.accountsWithQueued(1)).toHaveLength(1);
    });
  });
});
