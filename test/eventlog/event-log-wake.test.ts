import type { EventLog } from '../../eventlog/types';
import { engines, ids, NO_CAP, requests, uniqueAccount } from './engines';

/**
 * What the wake sweep (workers/wake-sweep.ts) reads and holds: accountsToWake, the active accounts
 * whose queue head waited too long with no delivery attempt (the claims' last_attempt_at), and the
 * lease that lets one worker of a deployment sweep at a time.
 */

const iso = (ms: number) => new Date(ms).toISOString();
const SECOND = 1_000;

describe.each(engines())('accountsToWake and leases on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  /** An active account with `n` events queued now; answers it and a time safely after the append. */
  async function queued(n: number) {
    const accountId = uniqueAccount('wake');
    await log.activateAccount(accountId);
    await log.append(requests(accountId, ids('e', n)), NO_CAP);
    return { accountId, later: Date.now() + 60 * SECOND };
  }

  const listed = async (accountId: string, stalledBefore: number) =>
    (await log.accountsToWake({ stalledBefore: iso(stalledBefore), limit: 100_000 })).includes(accountId);

  describe('accountsToWake', () => {
    test('lists an account once its queue head has waited past stalledBefore with no claim', async () => {
      const { accountId, later } = await queued(2);
      expect(await listed(accountId, Date.now() - 60 * SECOND)).toBe(false);
      expect(await listed(accountId, later)).toBe(true);
    });

    test("a claim of the head at or after stalledBefore keeps the account off the list (beginAttempt's)", async () => {
      const { accountId, later } = await queued(1);
      await log.beginAttempt(accountId, 1, iso(later));
      expect(await listed(accountId, later)).toBe(false);
      // The claim was before this cutoff: the attempt has gone quiet for longer than allowed.
      expect(await listed(accountId, later + 1)).toBe(true);
      // A retry claims it again.
      await log.beginAttempt(accountId, 1, iso(later + 5 * SECOND));
      expect(await listed(accountId, later + 1)).toBe(false);
    });

    test("markDeliveredAndBegin's claim counts for the next head", async () => {
      const { accountId, later } = await queued(2);
      await log.beginAttempt(accountId, 1, iso(later - 30 * SECOND));
      await log.markDeliveredAndBegin(
        accountId,
        { seq: 1, messageIds: ['m1'], at: iso(later) },
        { seq: 2, at: iso(later) },
      );
      expect(await listed(accountId, later)).toBe(false);
      expect(await listed(accountId, later + 1)).toBe(true);
    });

    test('accounts with nothing queued, closed accounts and unknown accounts are not listed', async () => {
      const drained = await queued(1);
      await log.markDelivered(drained.accountId, 1, ['m'], iso(Date.now()));
      const closed = await queued(3);
      await log.closeAccount(closed.accountId);
      const failed = await queued(1);
      await log.markFailed(failed.accountId, 1, 'refused', iso(Date.now()));
      const all = await log.accountsToWake({ stalledBefore: iso(drained.later), limit: 100_000 });
      for (const { accountId } of [drained, closed, failed]) expect(all).not.toContain(accountId);
      expect(all).not.toContain('never-seen');
    });

    test('longest-waiting head first, at most `limit`', async () => {
      // Re-queued events enter the queue at the redelivery's time: heads with known, old times.
      const enteredAt = ['2020-01-03T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z'];
      const accounts: string[] = [];
      for (const at of enteredAt) {
        const { accountId } = await queued(1);
        await log.markFailed(accountId, 1, 'x', at);
        await log.redeliver(
          accountId,
          [{ eventId: 'e-0', from: 'failed', to: 'queued', messageIds: [] }],
          at,
        );
        accounts.push(accountId);
      }
      const cutoff = '2020-02-01T00:00:00.000Z';
      expect(await log.accountsToWake({ stalledBefore: cutoff, limit: 10 })).toEqual([
        accounts[1],
        accounts[2],
        accounts[0],
      ]);
      expect(await log.accountsToWake({ stalledBefore: cutoff, limit: 2 })).toEqual([
        accounts[1],
        accounts[2],
      ]);
      expect(await log.accountsToWake({ stalledBefore: '2020-01-02T00:00:00.000Z', limit: 10 })).toEqual([
        accounts[1],
      ]);
    });

    test('refuses a stalledBefore that is not a time, and a limit below 1', async () => {
      await expect(log.accountsToWake({ stalledBefore: 'yesterday', limit: 10 })).rejects.toThrow(RangeError);
      await expect(log.accountsToWake({ stalledBefore: iso(Date.now()), limit: 0 })).rejects.toThrow(
        RangeError,
      );
    });
  });

  describe('leases', () => {
    const T0 = Date.parse('2026-05-01T12:00:00.000Z');
    const at = (ms: number) => new Date(T0 + ms);

    test('a second holder cannot take an unexpired lease, and takes an expired one', async () => {
      const name = uniqueAccount('lease');
      expect(await log.acquireLease(name, 'worker-a', 1000, at(0))).toBe(true);
      expect(await log.acquireLease(name, 'worker-b', 1000, at(500))).toBe(false);
      // The holder renews it before it ends: it now lasts until 1900.
      expect(await log.acquireLease(name, 'worker-a', 1000, at(900))).toBe(true);
      expect(await log.acquireLease(name, 'worker-b', 1000, at(1500))).toBe(false);
      // Expired (worker-a stopped renewing): taken over, and worker-a is now the one refused.
      expect(await log.acquireLease(name, 'worker-b', 1000, at(1900))).toBe(true);
      expect(await log.acquireLease(name, 'worker-a', 1000, at(2000))).toBe(false);
    });

    test('released, another holder takes it at once; a release by a non-holder changes nothing', async () => {
      const name = uniqueAccount('lease');
      expect(await log.acquireLease(name, 'worker-a', 60_000, at(0))).toBe(true);
      await log.releaseLease(name, 'worker-b');
      expect(await log.acquireLease(name, 'worker-b', 60_000, at(1))).toBe(false);
      await log.releaseLease(name, 'worker-a');
      expect(await log.acquireLease(name, 'worker-b', 60_000, at(2))).toBe(true);
    });

    test('holders in several processes racing for a free lease: exactly one gets it', async () => {
      const name = uniqueAccount('lease');
      const others = await Promise.all([engine.open(), engine.open()]);
      const logs = [log, ...others];
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          logs[i % logs.length]!.acquireLease(name, `worker-${i}`, 60_000),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    test('refuses nonsense rather than store it', async () => {
      await expect(log.acquireLease('', 'worker-a', 1000)).rejects.toThrow(TypeError);
      await expect(log.acquireLease('x', '', 1000)).rejects.toThrow(TypeError);
      await expect(log.acquireLease('x', 'worker-a', 0)).rejects.toThrow(RangeError);
      await expect(log.acquireLease('x', 'worker-a', 1000, new Date(NaN))).rejects.toThrow(RangeError);
    });
  });
});
