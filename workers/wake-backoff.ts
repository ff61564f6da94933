/**
 * The wake sweep's memory of the accounts it signalled: an account still stalled at the next tick
 * is signalled again only after a doubling delay (firstDelay, ×2, … up to maxDelay), so one whose
 * workflow cannot deliver for a while (waiting for the user to reauthorize, with events queued)
 * costs a handful of signals an hour, not one per tick. An account that stops being listed (its
 * delivery moved, or it drained) is forgotten: the next stall starts over at firstDelay.
 *
 * In memory only: a new sweeper (another worker took the lease, or a restart) starts with a clean
 * slate, which costs at most one extra signal per stalled account.
 */
export class WakeBackoff {
  private readonly accounts = new Map<string, { nextAt: number; delayMs: number }>();

  constructor(
    private readonly firstDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Forgets every account that is not in this tick's list. */
  keepOnly(listed: readonly string[]): void {
    if (this.accounts.size === 0) return;
    const still = new Set(listed);
    for (const accountId of this.accounts.keys()) if (!still.has(accountId)) this.accounts.delete(accountId);
  }

  /** Whether the account may be signalled at `nowMs` (never signalled, or its delay has passed). */
  due(accountId: string, nowMs: number): boolean {
    const backoff = this.accounts.get(accountId);
    return backoff === undefined || nowMs >= backoff.nextAt;
  }

  /** A signal reached Temporal at `nowMs`: the next one waits twice as long as the last wait. */
  signalled(accountId: string, nowMs: number): void {
    const previous = this.accounts.get(accountId);
    const delayMs = previous ? Math.min(previous.delayMs * 2, this.maxDelayMs) : this.firstDelayMs;
    this.accounts.set(accountId, { nextAt: nowMs + delayMs, delayMs });
  }

  clear(): void {
    this.accounts.clear();
  }

  get size(): number {
    return this.accounts.size;
  }
}
