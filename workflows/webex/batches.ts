import { isCancellation, patched } from '@temporalio/workflow';
import type { QueuedRef } from '../../eventlog/types';
import { workflowNow } from '../clock';
import type { IntegrationEntity } from './integration-entity';
import { roomNote } from './state';
import { type DeliveryInput, type DeliveryResult } from './delivery';
import {
  awaitDeliveryChild,
  cancelDeliveryChild,
  runDeliveryChild,
  startDeliveryChild,
  type StartedDelivery,
} from './run-delivery';
import { failureMessage, peekActivities, setupActivities } from './webex-api';

export const DEFAULT_BATCH_SIZE = 100;
/**
 * A batch's ids go in one KeywordList search attribute value: the server takes up to 2,048 bytes
 * of its JSON (limit.searchAttributeValueSize); a few are kept spare. Bigger batches mean fewer
 * delivery workflows, and each one costs a few sequential workflow tasks.
 */
const MAX_BATCH_ID_BYTES = 2_000;
/** What runs begun before the patch below counted with (UTF-16 units, a lower cap). */
const LEGACY_MAX_BATCH_ID_CHARS = 1_800;
const BATCH_ID_BYTES_PATCH = 'batch-ids-utf8-2000-bytes';
/** Runs begun before it deliver one batch at a time, with no look-ahead. */
const PIPELINE_PATCH = 'pipelined-batch-deliveries';

export interface NextBatch {
  events: QueuedRef[];
  /** More events were queued behind this batch when it was read. */
  more: boolean;
}

/**
 * The next batch's ids, oldest first: at most `batchSize`, and few enough to list in the Web UI.
 * With `afterSeq` (a look-ahead while the batch ending there is delivered), only events after it.
 */
export async function nextBatch(run: IntegrationEntity, afterSeq?: number): Promise<NextBatch> {
  const limit = run.options.batchSize ?? DEFAULT_BATCH_SIZE;
  // A look-ahead reads past what the running batch has not delivered yet (at most a batch).
  const peeked = await peekActivities.peekQueuedEvents({
    accountId: run.accountId,
    limit: afterSeq === undefined ? limit : 2 * limit,
  });
  const queued = (afterSeq === undefined ? peeked : peeked.filter((e) => e.seq > afterSeq)).slice(0, limit);
  const exact = patched(BATCH_ID_BYTES_PATCH);
  const max = exact ? MAX_BATCH_ID_BYTES : LEGACY_MAX_BATCH_ID_CHARS;
  let bytes = 2; // []
  const batch: QueuedRef[] = [];
  for (const event of queued) {
    const json = JSON.stringify(event.eventId);
    bytes += (exact ? utf8Bytes(json) : json.length) + 1; // and a comma
    if (batch.length > 0 && bytes > max) break;
    batch.push(event);
  }
  return {
    events: batch,
    more: batch.length < queued.length || queued.length === limit || peeked.length === 2 * limit,
  };
}

/**
 * Delivers one batch through its child workflow and acts on how it ended: a 401 gets one token
 * refresh (a second 401 right after means the grant is gone), a missing room is found or created
 * again, anything else unexpected waits `retryLaterMs`. Interrupted (uninstall, a new
 * authorization, continue-as-new): returns, and the loop decides. Answers whether the batch ran
 * to its end (every event delivered or failed).
 *
 * Pipelined: while a batch of more than one event is delivered, the next batch's child is started
 * (look-ahead), so its start-up (a few sequential workflow tasks) overlaps the running batch
 * instead of following it; its activity posts nothing until every event before it has left the
 * queue (DeliverBatchInput.pipelinedAfter). It becomes the running batch when this one ran to its
 * end; otherwise (or when interrupted) it is cancelled before it could post, and this returns.
 */
export async function deliverNextBatch(run: IntegrationEntity, batch: QueuedRef[]): Promise<boolean> {
  if (batch.length < 2 || !patched(PIPELINE_PATCH)) {
    return settleBatch(run, () =>
      runDeliveryChild(deliveryInput(run, batch), batch, () => run.interrupted()),
    );
  }
  let current: StartedDelivery;
  try {
    current = await startDeliveryChild(deliveryInput(run, batch), batch);
  } catch (err) {
    return settleBatch(run, () => Promise.reject(err));
  }
  let currentBatch = batch;
  for (;;) {
    let next: { child: StartedDelivery; batch: QueuedRef[] } | undefined;
    let lookAheadFailed = false;
    // A batch that already ended (e.g. a pipelined one that gave up waiting) needs no successor.
    if (!current.done && mayLookAhead(run)) {
      const afterSeq = currentBatch[currentBatch.length - 1]!.seq;
      const ahead = await nextBatch(run, afterSeq);
      if (ahead.events.length > 0 && mayLookAhead(run)) {
        try {
          const child = await startDeliveryChild(deliveryInput(run, ahead.events, afterSeq), ahead.events);
          next = { child, batch: ahead.events };
        } catch {
          lookAheadFailed = true; // delivered later as a batch of its own
        }
      }
    }
    const running = current;
    const finished = await settleBatch(run, () => awaitDeliveryChild(running, () => run.interrupted()));
    if (!next) return finished && !lookAheadFailed;
    if (!finished || run.interrupted()) {
      await cancelDeliveryChild(next.child);
      return false;
    }
    current = next.child;
    currentBatch = next.batch;
  }
}

/** The look-ahead runs only while nothing else needs the loop: no interruption, refresh or wait. */
function mayLookAhead(run: IntegrationEntity): boolean {
  const { s } = run;
  const now = workflowNow();
  return (
    !run.interrupted() &&
    s.status === 'connected' &&
    s.tokens !== null &&
    s.tokens.refreshAt > now &&
    (run.retryAt === null || run.retryAt <= now)
  );
}

function deliveryInput(run: IntegrationEntity, batch: QueuedRef[], pipelinedAfter?: number): DeliveryInput {
  const { s } = run;
  return {
    accountId: run.accountId,
    fromSeq: batch[0]!.seq,
    toSeq: batch[batch.length - 1]!.seq,
    accessToken: s.tokens!.accessToken,
    roomId: s.room!.id,
    personId: s.connectedAs!.id,
    afterMessageId: s.lastMessageId,
    heartbeatTimeoutMs: run.options.heartbeatTimeoutMs ?? 30_000,
    ...(pipelinedAfter === undefined ? {} : { pipelinedAfter }),
  };
}

/** Acts on how one batch's delivery ended (see deliverNextBatch). */
async function settleBatch(
  run: IntegrationEntity,
  deliver: () => Promise<DeliveryResult | undefined>,
): Promise<boolean> {
  const { s } = run;
  try {
    const result = await deliver();
    if (!result) return false;
    // A pipelined batch that never started posting: nothing changed, its events are still queued.
    if (result.stopped === 'not_ready') return false;
    s.lastMessageId = result.lastMessageId;
    if (result.delivered > 0 || result.failed > 0) {
      s.lastError = null;
      run.refreshedFor401 = false;
    }
    if (result.stopped === 'unauthorized') {
      // One refresh; if Webex still says 401 right after, the grant is gone for good.
      if (run.refreshedFor401) run.reauthorize('Webex rejected a freshly refreshed token. Connect again.');
      else if (await run.refreshTokens()) run.refreshedFor401 = true;
      return false;
    }
    if (result.stopped === 'room_not_found') {
      const room = await setupActivities.findOrCreateBillsbyRoom({
        accessToken: s.tokens!.accessToken,
        personId: s.connectedAs!.id,
      });
      s.room = { id: room.id, title: room.title };
      s.roomNote = roomNote(room.candidates);
      s.lastMessageId = null;
    }
    return result.stopped === null;
  } catch (err) {
    if (!isCancellation(err)) run.retryLater(`Delivery failed, will retry: ${failureMessage(err)}`);
    return false;
  }
}

/** UTF-8 length of a string (no TextEncoder needed in the workflow sandbox). */
function utf8Bytes(text: string): number {
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return n;
}
