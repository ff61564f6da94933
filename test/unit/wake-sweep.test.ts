import type { EventLog } from '../../eventlog/types';
import { WakeSweep, WAKE_SWEEP_LEASE, type SignalAccount } from '../../workers/wake-sweep';

/**
 * The wake sweep's own logic on a fake clock, with an in-memory event log and signaller: the
 * per-account backoff, retries after failures, the lease, and signals in flight. (Against real
 * storage and a real Temporal server: test/eventlog/event-log-wake.test.ts, test/e2e/wake-sweep.test.ts.)
 */

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const SECOND = 1_000;
const TICK = 10 * SECOND;

/** The part of the event log the sweep uses: `stalled` is what accountsToWake answers. */
function fakeLog() {
  const leases = new Map<string, { holder: string; expiresAt: number }>();
  const fake = {
    stalled: [] as string[],
    stalledBefore: [] as string[],
    async accountsToWake(options: { stalledBefore: string; limit: number }) {
      fake.stalledBefore.push(options.stalledBefore);
      return fake.stalled.slice(0, options.limit);
    },
    async acquireLease(name: string, holder: string, ttlMs: number, now = new Date()) {
      const lease = leases.get(name);
      if (lease && lease.holder !== holder && lease.expiresAt > now.getTime()) return false;
      leases.set(name, { holder, expiresAt: now.getTime() + ttlMs });
      return true;
    },
    async releaseLease(name: string, holder: string) {
      if (leases.get(name)?.holder === holder) leases.delete(name);
    },
    holderOf: (name: string) => leases.get(name)?.holder,
  };
  return fake satisfies Pick<EventLog, 'accountsToWake' | 'acquireLease' | 'releaseLease'>;
}

/** Records every signal; `fail` makes the next signals throw (Temporal down). */
function fakeSignaller() {
  const sent: string[] = [];
  const state = { fail: false, noWorkflow: new Set<string>() };
  const signal: SignalAccount = async (accountId) => {
    if (state.fail) throw new Error('14 UNAVAILABLE: No connection established');
    sent.push(accountId);
    return state.noWorkflow.has(accountId) ? 'no-workflow' : 'signalled';
  };
  return { sent, state, signal };
}

const at = (ms: number) => new Date(T0 + ms);
const silent = { debug() {}, warn() {} };

describe('WakeSweep', () => {
  test('lists with now - stalledAfter, and signals every stalled account once', async () => {
    const log = fakeLog();
    const { sent, signal } = fakeSignaller();
    log.stalled = ['a', 'b', 'c'];
    const sweep = new WakeSweep(log, signal, { stalledAfterMs: 30 * SECOND, log: silent });
    expect(await sweep.runOnce(at(0))).toEqual({
      swept: true,
      listed: 3,
      signalled: 3,
      noWorkflow: 0,
      skipped: 0,
      failed: 0,
    });
    expect(log.stalledBefore).toEqual([new Date(T0 - 30 * SECOND).toISOString()]);
    expect(sent.sort()).toEqual(['a', 'b', 'c']);
  });

  test('an account that never drains costs at most 8 signals over two hours (doubling, up to an hour)', async () => {
    const log = fakeLog();
    const { sent, signal } = fakeSignaller();
    log.stalled = ['waiting-for-reauthorization'];
    const sweep = new WakeSweep(log, signal, { intervalMs: TICK, stalledAfterMs: 30 * SECOND, log: silent });
    const signalledAt: number[] = [];
    let skipped = 0;
    for (let t = 0; t <= 2 * 3600 * SECOND; t += TICK) {
      const counts = await sweep.runOnce(at(t));
      if (counts.signalled) signalledAt.push(t / SECOND);
      skipped += counts.skipped;
    }
    expect(sent.length).toBeLessThanOrEqual(8);
    expect(signalledAt).toEqual([0, 30, 90, 210, 450, 930, 1890, 3810]);
    expect(skipped).toBe(721 - 8);
  });

  test('an account that stops being listed is forgotten: its next stall is signalled at once', async () => {
    const log = fakeLog();
    const { sent, signal } = fakeSignaller();
    const sweep = new WakeSweep(log, signal, { stalledAfterMs: 30 * SECOND, log: silent });
    log.stalled = ['a'];
    await sweep.runOnce(at(0));
    expect((await sweep.runOnce(at(TICK))).skipped).toBe(1);
    log.stalled = []; // its workflow woke and claimed the head
    await sweep.runOnce(at(2 * TICK));
    log.stalled = ['a']; // a later lost wake-up
    expect(await sweep.runOnce(at(3 * TICK))).toMatchObject({ signalled: 1, skipped: 0 });
    expect(sent).toEqual(['a', 'a']);
  });

  test('signals Temporal did not take are retried next tick, not backed off; the warning is a message only', async () => {
    const log = fakeLog();
    const { sent, state, signal } = fakeSignaller();
    const warnings: string[] = [];
    const sweep = new WakeSweep(log, signal, {
      stalledAfterMs: 30 * SECOND,
      log: { debug() {}, warn: (line) => warnings.push(line) },
    });
    log.stalled = ['a', 'b'];
    state.fail = true;
    expect(await sweep.runOnce(at(0))).toMatchObject({ listed: 2, signalled: 0, failed: 2 });
    expect(await sweep.runOnce(at(TICK))).toMatchObject({ failed: 2, skipped: 0 });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(
      'wake sweep: 2 of 2 signals failed, will retry next tick: 14 UNAVAILABLE: No connection established',
    );
    state.fail = false; // Temporal is back
    expect(await sweep.runOnce(at(2 * TICK))).toMatchObject({ signalled: 2, failed: 0, skipped: 0 });
    expect(sent.sort()).toEqual(['a', 'b']);
  });

  test('once Temporal looks unreachable (many failures in a row), the rest of the list waits for the next tick', async () => {
    const log = fakeLog();
    log.stalled = Array.from({ length: 1000 }, (_, i) => `acct-${i}`);
    let attempts = 0;
    const signal: SignalAccount = async () => {
      attempts++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('4 DEADLINE_EXCEEDED');
    };
    const counts = await new WakeSweep(log, signal, { log: silent }).runOnce(at(0));
    expect(counts).toMatchObject({ listed: 1000, signalled: 0, failed: 1000 });
    // 16 in a row, plus the ones already in flight then.
    expect(attempts).toBeLessThan(16 + 8);
  });

  test('an account with no running workflow is counted apart and backed off like a signalled one', async () => {
    const log = fakeLog();
    const { state, signal } = fakeSignaller();
    state.noWorkflow.add('gone');
    log.stalled = ['gone', 'here'];
    const debug: string[] = [];
    const sweep = new WakeSweep(log, signal, { log: { debug: (line) => debug.push(line), warn() {} } });
    expect(await sweep.runOnce(at(0))).toMatchObject({ signalled: 1, noWorkflow: 1 });
    expect(await sweep.runOnce(at(TICK))).toMatchObject({ signalled: 0, noWorkflow: 0, skipped: 2 });
    expect(debug[0]).toBe(
      'wake sweep: 2 stalled accounts: 1 signalled, 1 without a running workflow, 0 backing off, 0 failed',
    );
  });

  test('one sweeper per lease: the other skips its ticks, and takes over once the lease expires or is released', async () => {
    const log = fakeLog();
    const first = fakeSignaller();
    const second = fakeSignaller();
    log.stalled = ['a'];
    const a = new WakeSweep(log, first.signal, { intervalMs: TICK, holder: 'worker-a', log: silent });
    const b = new WakeSweep(log, second.signal, { intervalMs: TICK, holder: 'worker-b', log: silent });
    expect((await a.runOnce(at(0))).swept).toBe(true);
    expect(await b.runOnce(at(1))).toEqual({
      swept: false,
      listed: 0,
      signalled: 0,
      noWorkflow: 0,
      skipped: 0,
      failed: 0,
    });
    // worker-a stops renewing (it died): its lease lasts three ticks.
    expect((await b.runOnce(at(3 * TICK - 1))).swept).toBe(false);
    expect(await b.runOnce(at(3 * TICK))).toMatchObject({ swept: true, signalled: 1 });
    expect(log.holderOf(WAKE_SWEEP_LEASE)).toBe('worker-b');
    // worker-b stops cleanly: it gives the lease up, and worker-a takes it at its next tick.
    await b.stop();
    expect(log.holderOf(WAKE_SWEEP_LEASE)).toBeUndefined();
    expect((await a.runOnce(at(3 * TICK + 1))).swept).toBe(true);
  });

  test('at most 8 signals in flight at once', async () => {
    const log = fakeLog();
    log.stalled = Array.from({ length: 50 }, (_, i) => `acct-${i}`);
    let inFlight = 0;
    let most = 0;
    const signal: SignalAccount = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return 'signalled';
    };
    const counts = await new WakeSweep(log, signal, { log: silent }).runOnce(at(0));
    expect(counts.signalled).toBe(50);
    expect(most).toBe(8);
  });

  test('start() sweeps on its timer; stop() waits for the tick in progress and releases the lease', async () => {
    const log = fakeLog();
    const { sent, signal } = fakeSignaller();
    log.stalled = ['a'];
    const sweep = new WakeSweep(log, signal, { intervalMs: 20, holder: 'timer', log: silent });
    sweep.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).toEqual(['a']); // then backing off
    expect(log.holderOf(WAKE_SWEEP_LEASE)).toBe('timer');
    await sweep.stop();
    expect(log.holderOf(WAKE_SWEEP_LEASE)).toBeUndefined();
  });
});
