import type { AppendOptions, AppendOutcome, AppendRequest, EventLog } from '../../eventlog/types';

interface Waiting {
  request: AppendRequest;
  resolve(outcome: AppendOutcome): void;
  reject(err: unknown): void;
}

/**
 * Group commit for webhooks: appends that arrive while a transaction is committing wait for the
 * next one and go in together. One webhook alone is written at once (no timer), so a quiet
 * account pays one commit; a burst pays one commit per batch instead of one per event.
 */
export class AppendBatcher {
  private waiting: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly log: EventLog,
    private readonly options: AppendOptions,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves once the event's transaction has committed (or was refused: duplicate, cap, …). */
  append(request: AppendRequest): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const outcomes = await this.log.append(
            batch.map((w) => w.request),
            this.options,
          );
          batch.forEach((w, i) => w.resolve(outcomes[i]!));
        } catch (err) {
          batch.forEach((w) => w.reject(err));
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
