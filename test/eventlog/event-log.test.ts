import type { EventLog } from '../../eventlog/types';
import { customerCreated, engines, NO_CAP, paymentSucceeded, requests, uniqueAccount } from './engines';

/** The EventLog contract (eventlog/types.ts), run unchanged against both engines. */

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each(engines())('event log on $name', (engine) => {
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

  describe('accounts', () => {
    test('an unknown account is inactive, has zero counts and stores nothing', async () => {
      const accountId = uniqueAccount('unknown');
      expect(await log.isAccountActive(accountId)).toBe(false);
      expect(await log.append(requests(accountId, ['a']), NO_CAP)).toEqual([{ status: 'not_found' }]);
      expect(await log.get(accountId, 'a')).toBeNull();
      expect(await log.counts(accountId)).toEqual({
        received: 0,
        delivered: 0,
        duplicates: 0,
        pending: 0,
        failed: 0,
        dropped: 0,
        ignored: 0,
      });
      expect(await log.closeAccount(accountId)).toBe(0);
    });

    test('activateAccount is idempotent', async () => {
      const accountId = await activeAccount();
      await log.activateAccount(accountId);
      expect(await log.isAccountActive(accountId)).toBe(true);
    });

    test('closeAccount drops queued events, deactivates, and later appends answer not_found', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['a', 'b', 'c']), NO_CAP);
      await log.markDelivered(accountId, 1, ['m1'], new Date().toISOString());
      expect(await log.closeAccount(accountId)).toBe(2);
      expect(await log.isAccountActive(accountId)).toBe(false);
      expect((await log.get(accountId, 'b'))?.state).toBe('dropped');
      expect((await log.get(accountId, 'a'))?.state).toBe('delivered');
      expect(await log.counts(accountId)).toMatchObject({
        received: 3,
        delivered: 1,
        pending: 0,
        dropped: 2,
        ignored: 0,
      });
      // Nothing stored, and not even the duplicate counts while uninstalled.
      expect(await log.append(requests(accountId, ['a', 'd']), NO_CAP)).toEqual([
        { status: 'not_found' },
        { status: 'not_found' },
      ]);
      expect(await log.get(accountId, 'd')).toBeNull();
      expect((await log.counts(accountId)).duplicates).toBe(0);
      // The fence: a dropped event cannot be claimed or finished.
      expect(await log.beginAttempt(accountId, 2, new Date().toISOString())).toBeNull();
      await log.markDelivered(accountId, 2, ['late'], new Date().toISOString());
      expect((await log.get(accountId, 'b'))?.state).toBe('dropped');
      expect(await log.closeAccount(accountId)).toBe(0);
    });

    test('re-activation keeps history, counters and dedupe; seqs continue', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['a', 'b']), NO_CAP);
      await log.closeAccount(accountId);
      await log.activateAccount(accountId);
      expect(await log.append(requests(accountId, ['a', 'c']), NO_CAP)).toEqual([
        { status: 'duplicate' },
        { status: 'accepted', seq: 3 },
      ]);
      expect(await log.counts(accountId)).toEqual({
        received: 3,
        delivered: 0,
        duplicates: 1,
        pending: 1,
        failed: 0,
        dropped: 2,
        ignored: 0,
      });
      expect((await log.list(accountId, { limit: 10 })).map((e) => [e.eventId, e.state])).toEqual([
        ['c', 'queued'],
        ['b', 'dropped'],
        ['a', 'dropped'],
      ]);
    });
  });

  describe('append', () => {
    test('accepts in order with per-account seqs from 1 and stores a complete record', async () => {
      const accountId = await activeAccount();
      expect(await log.append([], NO_CAP)).toEqual([]);
      const before = new Date().toISOString();
      const outcomes = await log.append(
        [
          { accountId, event: customerCreated('e1') },
          { accountId, event: paymentSucceeded('e2') },
        ],
        NO_CAP,
      );
      expect(outcomes).toEqual([
        { status: 'accepted', seq: 1 },
        { status: 'accepted', seq: 2 },
      ]);
      const record = await log.get(accountId, 'e2');
      expect(record).toEqual({
        eventId: 'e2',
        type: 'PaymentSucceeded',
        state: 'queued',
        seq: 2,
        receivedAt: expect.stringMatching(ISO),
        deliveredAt: null,
        messageIds: [],
        attempts: 0,
        firstAttemptAt: null,
        lastError: null,
        updatedAt: expect.stringMatching(ISO),
        payloadErasedAt: null,
        deliveredBy: null,
      });
      expect(record!.receivedAt >= before).toBe(true);
      expect(await log.get(accountId, 'nope')).toBeNull();
    });

    test('a repeated Id is a duplicate, in the log or earlier in the same call', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['a']), NO_CAP);
      expect(await log.append(requests(accountId, ['b', 'a', 'b', 'c', 'c']), NO_CAP)).toEqual([
        { status: 'accepted', seq: 2 },
        { status: 'duplicate' },
        { status: 'duplicate' },
        { status: 'accepted', seq: 3 },
        { status: 'duplicate' },
      ]);
      expect(await log.counts(accountId)).toMatchObject({ received: 3, duplicates: 3, pending: 3 });
    });

    test('one call mixes accounts: outcomes per request, seqs per account, the same Id in two accounts', async () => {
      const one = await activeAccount('one');
      const two = await activeAccount('two');
      const ghost = uniqueAccount('ghost');
      const outcomes = await log.append(
        [
          { accountId: two, event: customerCreated('x') },
          { accountId: one, event: customerCreated('x') },
          { accountId: ghost, event: customerCreated('x') },
          { accountId: one, event: customerCreated('y') },
        ],
        NO_CAP,
      );
      expect(outcomes).toEqual([
        { status: 'accepted', seq: 1 },
        { status: 'accepted', seq: 1 },
        { status: 'not_found' },
        { status: 'accepted', seq: 2 },
      ]);
      expect((await log.counts(one)).received).toBe(2);
      expect((await log.counts(two)).received).toBe(1);
    });

    test('at the cap an append answers backlog_full and stores nothing; duplicates still answer duplicate', async () => {
      const accountId = await activeAccount();
      const cap = { maxUndelivered: 3 };
      expect(await log.append(requests(accountId, ['a', 'b', 'c', 'd', 'a', 'd']), cap)).toEqual([
        { status: 'accepted', seq: 1 },
        { status: 'accepted', seq: 2 },
        { status: 'accepted', seq: 3 },
        { status: 'backlog_full', undelivered: 3 },
        { status: 'duplicate' },
        { status: 'backlog_full', undelivered: 3 },
      ]);
      expect(await log.get(accountId, 'd')).toBeNull();
      expect(await log.counts(accountId)).toMatchObject({ received: 3, duplicates: 1, pending: 3 });
      // Failed and delivered events no longer count against the cap.
      await log.markFailed(accountId, 1, 'Webex refused the message (400)', new Date().toISOString());
      expect(await log.append(requests(accountId, ['d', 'e']), cap)).toEqual([
        { status: 'accepted', seq: 4 },
        { status: 'backlog_full', undelivered: 3 },
      ]);
      expect(await log.append(requests(accountId, ['f']), { maxUndelivered: 0 })).toEqual([
        { status: 'backlog_full', undelivered: 3 },
      ]);
      await expect(log.append(requests(accountId, ['g']), { maxUndelivered: -1 })).rejects.toThrow(
        RangeError,
      );
    });
  });
});
