import { TtlLruCache } from '../connectors/http/ttl-cache';

const WINDOW_MS = 60_000;

/**
 * Failed attempts per caller address in a one-minute window: past `maxPerMinute`, the address is
 * answered 429 before anything is looked up. For the webhook, whose account id and secret anyone
 * may guess at: each guess would otherwise cost a database read. At most `maxAddresses` windows
 * are kept (the least recently failing go first), so the limiter's own memory is bounded too.
 */
export class FailureLimit {
  private readonly windows: TtlLruCache<string, { failures: number; startedAt: number }>;

  constructor(
    private readonly maxPerMinute: number,
    private readonly now: () => number = Date.now,
    maxAddresses = 10_000,
  ) {
    this.windows = new TtlLruCache(maxAddresses, WINDOW_MS, now);
  }

  /** Seconds this address must wait before trying again; 0 when it may try now. */
  retryAfterSeconds(address: string): number {
    const window = this.windows.get(address);
    if (!window || window.failures < this.maxPerMinute) return 0;
    return Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - this.now()) / 1000));
  }

  recordFailure(address: string): void {
    const window = this.windows.get(address) ?? { failures: 0, startedAt: this.now() };
    window.failures += 1;
    this.windows.set(address, window);
  }
}
