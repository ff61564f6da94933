import { isCancellation } from '@temporalio/workflow';
import type { QueuedRef } from '../../eventlog/types';
import { workflowNow } from '../clock';
import { roomNote, type IntegrationRun } from './integration';
import { runDeliveryChild } from './run-delivery';
import { reauthorize, refreshTokens } from './tokens';
import { failureMessage, peekActivities, setupActivities } from './webex-api';

export const DEFAULT_BATCH_SIZE = 100;
/** A batch's ids go in one KeywordList search attribute value (the server allows 2 KB a value). */
const MAX_BATCH_ID_BYTES = 1_800;

export interface NextBatch {
  events: QueuedRef[];
  /** More events were queued behind this batch when it was read. */
  more: boolean;
}

/** The next batch's ids, oldest first: at most `batchSize`, and few enough to list in the Web UI. */
export async function nextBatch(run: IntegrationRun): Promise<NextBatch> {
  const limit = run.options.batchSize ?? DEFAULT_BATCH_SIZE;
  const queued = await peekActivities.peekQueuedEvents({ accountId: run.accountId, limit });
  let bytes = 2;
  const batch: QueuedRef[] = [];
  for (const event of queued) {
    bytes += JSON.stringify(event.eventId).length + 1;
    if (batch.length > 0 && bytes > MAX_BATCH_ID_BYTES) break;
    batch.push(event);
  }
  return { events: batch, more: batch.length < queued.length || queued.length === limit };
}

/**
 * Delivers one batch through its child workflow and acts on how it ended: a 401 gets one token
 * refresh (a second 401 right after means the grant is gone), a missing room is found or created
 * again, anything else unexpected waits `retryLaterMs`. Interrupted (uninstall, a new
 * authorization, continue-as-new): returns, and the loop decides. Answers whether the batch ran
 * to its end (every event delivered or failed).
 */
export async function deliverNextBatch(run: IntegrationRun, batch: QueuedRef[]): Promise<boolean> {
  const { s } = run;
  try {
    const result = await runDeliveryChild(
      {
        accountId: run.accountId,
        fromSeq: batch[0]!.seq,
        toSeq: batch[batch.length - 1]!.seq,
        accessToken: s.tokens!.accessToken,
        roomId: s.room!.id,
        personId: s.connectedAs!.id,
        afterMessageId: s.lastMessageId,
        heartbeatTimeoutMs: run.options.heartbeatTimeoutMs ?? 30_000,
      },
      batch,
      run.interrupted,
    );
    if (!result) return false;
    s.lastMessageId = result.lastMessageId;
    if (result.delivered > 0 || result.failed > 0) {
      s.lastError = null;
      run.refreshedFor401 = false;
    }
    if (result.stopped === 'unauthorized') {
      // One refresh; if Webex still says 401 right after, the grant is gone for good.
      if (run.refreshedFor401) reauthorize(run, 'Webex rejected a freshly refreshed token. Connect again.');
      else if (await refreshTokens(run)) run.refreshedFor401 = true;
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
    if (!isCancellation(err)) {
      s.lastError = `Delivery failed, will retry: ${failureMessage(err)}`;
      run.retryAt = workflowNow() + (run.options.retryLaterMs ?? 60_000);
    }
    return false;
  }
}
