import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { QueuedRef } from '../../eventlog/types';
import { peekActivities } from './webex-api';

/**
 * Events per batch: one delivery activity posts them in order. Bigger batches spread the fixed
 * cost of a batch (a workflow task and an activity task) over more events; a batch in flight
 * delays an uninstall or a new authorization by at most one post plus the heartbeat interval.
 */
export const DEFAULT_BATCH_SIZE = 200;

/** The oldest queued events' ids and types, at most `limit` (a local activity: no server hop). */
export function peekNextBatch(accountId: string, limit: number): Promise<QueuedRef[]> {
  return peekActivities.peekQueuedEvents({ accountId, limit });
}

/**
 * Runs `work` (an activity) in a cancellation scope of its own until it settles. Meanwhile:
 * whenever `serve.pending()` holds, `serve.run()` is awaited (the loop answers requests, such as
 * a redelivery, without stopping the batch); once `interrupted()` holds, the scope is cancelled
 * and the work awaited to its end (the delivery activity stops between posts and waits for
 * nothing more to be posted). Resolves to the work's value, or undefined when it was cancelled;
 * other failures are thrown.
 */
export async function runInterruptibly<T>(
  work: () => Promise<T>,
  interrupted: () => boolean,
  serve: { pending(): boolean; run(): Promise<void> },
): Promise<T | undefined> {
  const workScope = new CancellationScope();
  const settled = workScope.run(work).then(
    (value) => ({ value }) as const,
    (error: unknown) => ({ error }) as const,
  );
  for (;;) {
    // The wait lives in its own scope so it can be dropped once the work settles on its own.
    const waitScope = new CancellationScope();
    const woken = waitScope
      .run(() => condition(() => interrupted() || serve.pending()))
      .then(
        () => 'woken' as const,
        () => 'woken' as const,
      );
    const first = await Promise.race([settled, woken]);
    waitScope.cancel();
    if (first !== 'woken') return unwrap(first);
    if (interrupted()) {
      workScope.cancel();
      return unwrap(await settled);
    }
    await serve.run();
  }
}

function unwrap<T>(outcome: { value: T } | { error: unknown }): T | undefined {
  if ('value' in outcome) return outcome.value;
  if (isCancellation(outcome.error)) return undefined;
  throw outcome.error;
}
