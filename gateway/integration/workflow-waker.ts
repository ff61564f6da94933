import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { eventsAvailable, integrationWorkflowId } from '../../workflows/webex/definitions';

export interface WakerOptions {
  /** Least time between two signals to one account's workflow (a burst becomes a few signals). */
  minIntervalMs?: number;
  /** First wait before re-sending a signal Temporal did not take; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How long one signal may take before it counts as failed. */
  signalTimeoutMs?: number;
}

interface AccountWake {
  inFlight: boolean;
  /** Another event arrived since the signal in flight was sent. */
  again: boolean;
  lastSentAt: number;
  failures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Tells integration workflows that their log has new events, coalesced per account: at most one
 * signal in flight, at most one every `minIntervalMs`, and one more after the last event of a
 * burst. Best effort by design: the event is already committed to the log, and the worker's wake
 * sweep (workers/wake-sweep.ts) wakes an account whose queue stalled; a signal Temporal does not
 * take (it is down) is re-sent with backoff.
 */
export class WorkflowWaker {
  private readonly accounts = new Map<string, AccountWake>();
  private closed = false;
  private readonly opts: Required<WakerOptions>;

  constructor(
    private readonly client: Client,
    opts: WakerOptions = {},
  ) {
    this.opts = {
      minIntervalMs: opts.minIntervalMs ?? 100,
      retryMs: opts.retryMs ?? 1_000,
      maxRetryMs: opts.maxRetryMs ?? 30_000,
      signalTimeoutMs: opts.signalTimeoutMs ?? 5_000,
    };
  }

  wake(accountId: string): void {
    if (this.closed) return;
    let wake = this.accounts.get(accountId);
    if (!wake) {
      wake = { inFlight: false, again: false, lastSentAt: 0, failures: 0 };
      this.accounts.set(accountId, wake);
    }
    if (wake.inFlight || wake.timer) {
      wake.again = true;
      return;
    }
    const wait = wake.lastSentAt + this.opts.minIntervalMs - Date.now();
    if (wait > 0) this.schedule(accountId, wake, wait);
    else void this.send(accountId, wake);
  }

  close(): void {
    this.closed = true;
    for (const wake of this.accounts.values()) clearTimeout(wake.timer);
    this.accounts.clear();
  }

  private schedule(accountId: string, wake: AccountWake, delayMs: number) {
    wake.timer = setTimeout(() => {
      wake.timer = undefined;
      void this.send(accountId, wake);
    }, delayMs);
    wake.timer.unref();
  }

  private async send(accountId: string, wake: AccountWake): Promise<void> {
    if (this.closed) return;
    wake.inFlight = true;
    wake.again = false;
    wake.lastSentAt = Date.now();
    let failed = false;
    try {
      await this.client.connection.withDeadline(Date.now() + this.opts.signalTimeoutMs, () =>
        this.client.workflow.getHandle(integrationWorkflowId(accountId)).signal(eventsAvailable),
      );
      wake.failures = 0;
    } catch (err) {
      // No running workflow: nothing to wake (a new run reads the log when it starts).
      failed = !(err instanceof WorkflowNotFoundError);
      if (failed) wake.failures++;
    } finally {
      wake.inFlight = false;
    }
    if (this.closed) return;
    if (failed) {
      this.schedule(
        accountId,
        wake,
        Math.min(this.opts.maxRetryMs, this.opts.retryMs * 2 ** (wake.failures - 1)),
      );
    } else if (wake.again) {
      this.schedule(accountId, wake, Math.max(0, wake.lastSentAt + this.opts.minIntervalMs - Date.now()));
    }
  }
}
