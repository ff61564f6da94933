import type { AppendOptions, AppendOutcome, AppendRequest, EventLog } from '../../eventlog/types';

interface Waiting {
  request: AppendRequest;
  resolve(outcome: AppendOutcome): void;
  reject(err: unknown): void;
}

/**
 * Group commit for webhooks: appends that arrive while a transaction is committing wait for the
 * next one and go in together. A flush waits one turn of the event loop (setImmediate, no timer)
 * so that every request already read from the sockets joins it: the embedded engine commits
 * synchronously, so without that turn each batch would hold one event. A quiet account pays one
 * commit; a burst pays one commit per batch instead of one per event.
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
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
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
        // Let the requests that arrived during that commit be read before the next one.
        if (this.waiting.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.flushing = false;
    }
  }
}
