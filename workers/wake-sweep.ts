import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { EventLog } from '../eventlog/types';
import { eventsAvailable, integrationWorkflowId } from '../workflows/webex/definitions';
import { WakeBackoff } from './wake-backoff';

/**
 * The deployment-wide wake sweep (DELIVERY_SWEEP_AFTER_SECONDS): an idle integration workflow waits
 * for an `eventsAvailable` signal with no timer, and the gateway sends one after each append, best
 * effort. If that signal is lost (the gateway was killed between the commit and the signal,
 * Temporal was down at the append), the events would wait forever; the sweep finds the accounts
 * whose oldest queued event has waited longer than `stalledAfterMs` with no delivery attempt, and
 * signals their workflows.
 *
 * Why a timer in the worker process rather than a Temporal Schedule or workflow: it keeps working
 * while Temporal is down (its reads are on the event log) and re-sends its signals once Temporal is
 * back, which is exactly when wake-ups get lost; and an idle deployment costs one indexed query per
 * tick and no workflow history at all, where a scheduled workflow would add history every tick.
 *
 * One worker of the deployment sweeps at a time: each tick takes or renews a lease in the event log
 * (ttl three ticks), so another worker takes over within that when this one stops or dies. Two
 * sweeping at once for a moment is harmless (a spare signal).
 */

export const WAKE_SWEEP_LEASE = 'wake-sweep';
export const DEFAULT_WAKE_INTERVAL_MS = 10_000;
export const DEFAULT_STALLED_AFTER_MS = 30_000;
/** Accounts listed per tick; more wait for the next tick (longest-waiting first). */
const DEFAULT_LIMIT = 10_000;
/** Signals in flight at once: enough to wake thousands of accounts in one tick, gentle on Temporal. */
const SIGNALS_IN_FLIGHT = 8;
/** The longest an account the sweep keeps finding stalled waits between two signals. */
const MAX_BACKOFF_MS = 60 * 60_000;
/** How long one signal may take before it counts as failed (retried next tick). */
const SIGNAL_TIMEOUT_MS = 5_000;
/** Failed signals in a row after which the rest of a tick's list waits for the next tick. */
const GIVE_UP_AFTER = 2 * SIGNALS_IN_FLIGHT;

/** Wakes one account's integration workflow; 'no-workflow' when none is running. Throws on failure. */
export type SignalAccount = (accountId: string) => Promise<'signalled' | 'no-workflow'>;

/** The `eventsAvailable` signal to `webex-integration:<accountId>`, as the gateway's waker sends it. */
export function signalEventsAvailable(client: Client, timeoutMs = SIGNAL_TIMEOUT_MS): SignalAccount {
  return async (accountId) => {
    try {
      await client.connection.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.getHandle(integrationWorkflowId(accountId)).signal(eventsAvailable),
      );
      return 'signalled';
    } catch (err) {
      // No running workflow: nothing to wake (a run that starts later reads the log first).
      if (err instanceof WorkflowNotFoundError) return 'no-workflow';
      throw err;
    }
  };
}

export interface WakeSweepOptions {
  /** Time between two ticks; default 10 s. The lease lasts three ticks. */
  intervalMs?: number;
  /** How long a queued event may wait with no delivery attempt before its account is woken; default 30 s. */
  stalledAfterMs?: number;
  /** Accounts listed per tick; default 10,000. */
  limit?: number;
  /** This process's name on the lease; default host:pid:random. */
  holder?: string;
  /** Where the tick's counts (debug) and failures (warn) go: messages only, never a payload or secret. */
  log?: { debug(line: string): void; warn(line: string): void };
}

/** What one tick did. */
export interface WakeSweepCounts {
  /** This process held the lease and swept (false: another worker of the deployment sweeps). */
  swept: boolean;
  /** Accounts found stalled. */
  listed: number;
  signalled: number;
  /** Listed, but no integration workflow is running to be woken. */
  noWorkflow: number;
  /** Listed, signalled recently and backing off (WakeBackoff). */
  skipped: number;
  /** Signals Temporal did not take (it is down, or slow): retried next tick. */
  failed: number;
}

export class WakeSweep {
  readonly holder: string;
  private readonly intervalMs: number;
  private readonly stalledAfterMs: number;
  private readonly backoff: WakeBackoff;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private holdsLease = false;
  private stopped = false;

  constructor(
    private readonly eventLog: Pick<EventLog, 'accountsToWake' | 'acquireLease' | 'releaseLease'>,
    private readonly signal: SignalAccount,
    private readonly opts: WakeSweepOptions = {},
  ) {
    this.intervalMs = wholeMs('intervalMs', opts.intervalMs ?? DEFAULT_WAKE_INTERVAL_MS);
    this.stalledAfterMs = wholeMs('stalledAfterMs', opts.stalledAfterMs ?? DEFAULT_STALLED_AFTER_MS);
    this.holder = opts.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.backoff = new WakeBackoff(this.stalledAfterMs, MAX_BACKOFF_MS);
  }

  /** One tick as of `now` (tests pass their own clock). */
  async runOnce(now: Date = new Date()): Promise<WakeSweepCounts> {
    const ttlMs = 3 * this.intervalMs;
    this.holdsLease = await this.eventLog.acquireLease(WAKE_SWEEP_LEASE, this.holder, ttlMs, now);
    if (!this.holdsLease) {
      // Another worker sweeps; if this one takes over later, it starts afresh.
      this.backoff.clear();
      return { swept: false, listed: 0, signalled: 0, noWorkflow: 0, skipped: 0, failed: 0 };
    }
    const nowMs = now.getTime();
    const listed = await this.eventLog.accountsToWake({
      stalledBefore: new Date(nowMs - this.stalledAfterMs).toISOString(),
      limit: this.opts.limit ?? DEFAULT_LIMIT,
    });
    this.backoff.keepOnly(listed);
    const due = listed.filter((accountId) => this.backoff.due(accountId, nowMs));
    const skipped = listed.length - due.length;
    const { signalled, noWorkflow, failed, firstError } = await this.signalAll(due, nowMs);
    if (failed > 0) {
      this.opts.log?.warn(
        `wake sweep: ${failed} of ${due.length} signals failed, will retry next tick: ${firstError}`,
      );
    }
    if (listed.length > 0) {
      this.opts.log?.debug(
        `wake sweep: ${listed.length} stalled accounts: ${signalled} signalled, ` +
          `${noWorkflow} without a running workflow, ${skipped} backing off, ${failed} failed`,
      );
    }
    return { swept: true, listed: listed.length, signalled, noWorkflow, skipped, failed };
  }

  /**
   * Signals each account, a few at a time. A failed one is not backed off: the next tick retries
   * it. After GIVE_UP_AFTER failures in a row Temporal is taken for unreachable and the rest of the
   * list waits for the next tick too (counted as failed), rather than each signal waiting out its
   * timeout against a server that does not answer.
   */
  private async signalAll(accounts: readonly string[], nowMs: number) {
    const outcome = { signalled: 0, noWorkflow: 0, failed: 0, firstError: '' };
    let failuresInARow = 0;
    await inParallel(accounts, SIGNALS_IN_FLIGHT, async (accountId) => {
      if (this.stopped) return;
      if (failuresInARow >= GIVE_UP_AFTER) {
        outcome.failed++;
        return;
      }
      try {
        outcome[(await this.signal(accountId)) === 'signalled' ? 'signalled' : 'noWorkflow']++;
        failuresInARow = 0;
        this.backoff.signalled(accountId, nowMs);
      } catch (err) {
        failuresInARow++;
        if (outcome.failed++ === 0) outcome.firstError = String((err as Error)?.message ?? err).slice(0, 200);
      }
    });
    return outcome;
  }

  /** Sweeps now, then every interval, until stop(). */
  start(): void {
    const tick = () => {
      if (this.stopped || this.running) return;
      this.running = this.runOnce()
        .catch((err: Error) => {
          // The event log is unreachable: nothing to do but try again next tick.
          this.opts.log?.warn(`wake sweep failed, will try again: ${err?.message?.slice(0, 200)}`);
        })
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  /**
   * Stops the timer, waits for a tick in progress, and gives the lease up so another worker takes
   * over at its next tick (call before the event log closes).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    if (!this.holdsLease) return;
    this.holdsLease = false;
    await this.eventLog.releaseLease(WAKE_SWEEP_LEASE, this.holder).catch((err: Error) => {
      this.opts.log?.warn(
        `wake sweep: could not release its lease (it expires): ${err?.message?.slice(0, 200)}`,
      );
    });
  }
}

/** A duration option: a whole number of milliseconds >= 1 (0 would make the timer spin). */
function wholeMs(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number of milliseconds >= 1 (got ${value})`);
  }
  return value;
}

/** Runs `fn` over `items`, at most `width` at a time. */
async function inParallel<T>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}
