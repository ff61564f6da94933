import type { EventLog } from '../eventlog/types';

/**
 * Retention of event payloads (EVENT_PAYLOAD_RETENTION_DAYS): erases the payloads of events
 * delivered more than that many days ago, keeping their records, on a timer in the worker; and of
 * engagement runs' documents (ENGAGEMENT_REPORT_RETENTION_DAYS): deleted whole.
 *
 * Why a timer in the worker process rather than a Temporal Schedule or workflow: the erasure is one
 * idempotent UPDATE on the event log, which the worker already holds open; it needs none of
 * Temporal's durability (a missed run is made up by the next one, which erases everything past the
 * cutoff), it keeps working while Temporal is down (a privacy promise should not depend on it),
 * and it adds no history. Several workers sweeping at once is harmless: each row is erased once.
 */

const DAY_MS = 86_400_000;
/** How often the worker sweeps: payloads outlive their retention by at most about this much. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60 * 60_000;
/** Rows per transaction, so a large first sweep never holds the write lock for long. */
const BATCH = 1_000;

export interface PayloadRetentionOptions {
  retentionDays: number;
  /** ENGAGEMENT_REPORT_RETENTION_DAYS: engagement runs' documents are deleted after it; unset: kept. */
  engagementRetentionDays?: number;
  intervalMs?: number;
  /** Where failures are reported (messages only: no payload is ever in them). */
  log?: (line: string) => void;
}

export class PayloadRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly eventLog: EventLog,
    private readonly opts: PayloadRetentionOptions,
  ) {}

  /** The delivery time before which payloads are erased, as of `now`. */
  cutoff(now: Date): string {
    return new Date(now.getTime() - this.opts.retentionDays * DAY_MS).toISOString();
  }

  /** One sweep as of `now` (tests pass their own clock); answers how many payloads were erased. */
  async runOnce(now: Date = new Date()): Promise<number> {
    const cutoff = this.cutoff(now);
    const at = now.toISOString();
    let total = 0;
    for (;;) {
      const erased = await this.eventLog.erasePayloads(cutoff, at, BATCH);
      total += erased;
      if (erased < BATCH || this.stopped) break;
    }
    if (this.opts.engagementRetentionDays === undefined) return total;
    const reportsBefore = new Date(now.getTime() - this.opts.engagementRetentionDays * DAY_MS).toISOString();
    for (;;) {
      const deleted = await this.eventLog.sweepEngagementDocuments(reportsBefore, BATCH);
      total += deleted;
      if (deleted < BATCH || this.stopped) return total;
    }
  }

  /** Sweeps now, then every interval, until stop(). */
  start(): void {
    const sweep = () => {
      if (this.stopped || this.running) return;
      this.running = this.runOnce()
        .catch((err: Error) => {
          this.opts.log?.(`[retention] sweep failed, will try again: ${err.message.slice(0, 200)}`);
          return 0;
        })
        .finally(() => (this.running = undefined));
    };
    sweep();
    this.timer = setInterval(sweep, this.opts.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress (the event log can then be closed). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
