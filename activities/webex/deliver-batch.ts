import { CancelledFailure, Context } from '@temporalio/activity';
import { isWebexApiError, type WebexClient } from '../../connectors/webex';
import { ENGAGEMENT_ROOM_TITLE } from '../../domain/integration/constants';
import { isDigestEvent, messagesOf, type PostableEvent } from '../../domain/integration/digest-event';
import type { DeliveredBy, EventLog, EventRecord, QueuedEvent } from '../../eventlog/types';
import { BatchFiller, type BillsbyFillDeps } from './billsby-fill/batch-filler';
import { Semaphore } from './billsby-fill/semaphore';
import { ownedRoomOnFirstUse } from './rooms';
import { FillShared } from './billsby-fill/shared';
import type { WebexActivityMetrics } from './deps';
import {
  postWithReadback,
  previousAttemptNotPosted,
  provenNotPosted,
  rememberNotPosted,
} from './post-with-readback';

export interface DeliverBatchInput {
  accountId: string;
  /** The batch: queued events with fromSeq <= seq <= toSeq, in seq order. */
  fromSeq: number;
  toSeq: number;
  accessToken: string;
  roomId: string;
  personId: string;
  /** The last message the integration knows it posted (the read-back stop mark). */
  afterMessageId: string | null;
  /**
   * LEGACY (batch children of runs begun before the delivery loop; workflows/webex/PATCHES.md):
   * Pipelined: started while the batch ending at this seq was still being delivered. Nothing is
   * posted until no event before fromSeq is queued any more (that batch finished); the read-back
   * stop mark is then read from the log (afterMessageId is older). After waiting
   * PIPELINE_WAIT_MS without that, the batch ends `not_ready`, having posted nothing.
   */
  pipelinedAfter?: number;
}

export interface DeliverBatchResult {
  delivered: number;
  /** Refused by Webex for good (400): marked failed in the log, the batch moved on. */
  failed: number;
  lastMessageId: string | null;
  /**
   * Why the batch stopped early: the token (401) or the room (404) needs the integration's
   * attention; `not_queued`: an event was no longer queued (uninstall dropped it); `not_ready`: a
   * pipelined batch whose predecessor did not finish in time (nothing posted, lastMessageId null);
   * `billsby_rejected`: Billsby refused the account's credentials while filling a public webhook
   * (it and every event after it wait, queued, until the credentials change).
   */
  stopped: 'unauthorized' | 'room_not_found' | 'not_queued' | 'not_ready' | 'billsby_rejected' | null;
}

interface Progress {
  lastMessageId: string | null;
}

/** Skew allowed between our clock and Webex's `created` when looking for a post that landed. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** No Billsby API: public webhooks are still turned into their messages, from the webhook alone. */
const NO_BILLSBY_API: BillsbyFillDeps = { shared: new FillShared(new Semaphore(1), 1) };

/** While a public webhook's Billsby reads are still in flight, the activity heartbeats this often. */
const FILL_WAIT_HEARTBEAT_MS = 5_000;

/** LEGACY: how long a pipelined batch waits for its predecessor, and how often it looks. */
export const PIPELINE_WAIT_MS = 60_000;
const PIPELINE_POLL_MS = 5;

/**
 * Posts a batch of queued events from the log, one at a time and in order, recording each
 * event's outcome in the log as it goes, and heartbeating so a crash resumes after the last
 * recorded event and a cancel (uninstall) stops between posts. Retryable Webex trouble is thrown
 * (the caller maps it to a Temporal retry with the remote's delay); the next attempt re-reads the
 * log, so it starts at the first event still queued, reading back before re-posting it.
 *
 * One commit per event: an event's delivery is recorded in the same transaction that claims the
 * next one (markDeliveredAndBegin). The log goes through the same states as with two commits (the
 * claim always followed the record at once), so the fence and the read-back are unchanged. Only
 * recorded deliveries are heartbeated: a resumed attempt reads back after the last message
 * heartbeated, so a post that was not recorded yet is still looked for.
 */
export async function deliverBatch(
  log: EventLog,
  client: WebexClient,
  input: DeliverBatchInput,
  recentWindow: number,
  metrics: WebexActivityMetrics = {},
  fill?: BillsbyFillDeps,
): Promise<DeliverBatchResult> {
  const ctx = Context.current();
  const resumed = ctx.info.heartbeatDetails as Progress | undefined;
  // Recorded on each event it finishes: an event's lookup names the run that posted it.
  const { workflowId = '', runId = '' } = ctx.info.workflowExecution ?? {};
  const by: DeliveredBy = { workflowId, runId };
  const result: DeliverBatchResult = {
    delivered: 0,
    failed: 0,
    lastMessageId: resumed?.lastMessageId ?? input.afterMessageId,
    stopped: null,
  };
  if (input.pipelinedAfter !== undefined) {
    if (!(await predecessorsFinished(log, ctx, input, resumed))) {
      return { ...result, lastMessageId: null, stopped: 'not_ready' };
    }
    // Every post before this batch is recorded in the log now: read back from the last one.
    if (!resumed) result.lastMessageId = await log.lastMessageIdBefore(input.accountId, input.fromSeq);
  }
  const events = await log.readQueued(input.accountId, input.fromSeq, input.toSeq);
  // Public webhooks are filled from Billsby before their first post (billsby-fill/batch-filler.ts);
  // without Billsby's API configured, from their own values only.
  const filler = await BatchFiller.start(
    log,
    input.accountId,
    events,
    fill ?? NO_BILLSBY_API,
    ctx.cancellationSignal,
  );
  try {
    return await postEvents(log, client, input, events, filler, result, recentWindow, metrics, by);
  } finally {
    filler?.close();
  }
}

async function postEvents(
  log: EventLog,
  client: WebexClient,
  input: DeliverBatchInput,
  events: QueuedEvent[],
  filler: BatchFiller | null,
  result: DeliverBatchResult,
  recentWindow: number,
  metrics: WebexActivityMetrics,
  by: DeliveredBy,
): Promise<DeliverBatchResult> {
  const ctx = Context.current();
  // A digest's space (BILL Engagement) is found or created when the batch first posts one.
  const engagementRoom = ownedRoomOnFirstUse(client, {
    accessToken: input.accessToken,
    personId: input.personId,
    title: ENGAGEMENT_ROOM_TITLE,
  });
  /** The newest message recorded in the log: safe to heartbeat while a later post is unrecorded. */
  let recordedLastMessageId = result.lastMessageId;
  /** Posted, not yet recorded: recorded with the next claim, or on its own at the end. */
  let posted: Posted | null = null;
  const recordPosted = async (next?: { seq: number; at: string }): Promise<EventRecord | null> => {
    const delivered = { ...posted!, at: next?.at ?? new Date().toISOString(), by };
    posted = null;
    let claim: EventRecord | null = null;
    if (next) claim = await log.markDeliveredAndBegin(input.accountId, delivered, next);
    else await log.markDelivered(input.accountId, delivered.seq, delivered.messageIds, delivered.at, by);
    result.delivered++;
    recordedLastMessageId = result.lastMessageId;
    // From entering the queue (accepted, or re-queued by a redelivery) to the last part posted.
    metrics.eventDelivered?.(
      Math.max(0, (Date.parse(delivered.postedAt) - Date.parse(delivered.queuedAt)) / 1000),
    );
    ctx.heartbeat({ lastMessageId: result.lastMessageId } satisfies Progress);
    return claim;
  };
  for (const [index, event] of events.entries()) {
    if (ctx.cancellationSignal.aborted) {
      if (posted) await recordPosted();
      throw new CancelledFailure('delivery cancelled between posts');
    }
    if (filler) {
      let ready: PostableEvent | 'rejected';
      try {
        ready = await heartbeatWhile(ctx, filler.payloadFor(index), () => ({
          lastMessageId: recordedLastMessageId,
        }));
      } catch (err) {
        // Billsby trouble worth retrying: what was posted before it is recorded, then the retry waits.
        if (posted) await recordPosted();
        throw err;
      }
      if (ready === 'rejected') {
        result.stopped = 'billsby_rejected';
        break;
      }
    }
    // The claim is the fence: after an uninstall dropped the event, nothing more is posted.
    const claimedAt = new Date().toISOString();
    const before = posted
      ? await recordPosted({ seq: event.seq, at: claimedAt })
      : await log.beginAttempt(input.accountId, event.seq, claimedAt);
    if (!before) {
      result.stopped = 'not_queued';
      break;
    }
    const outcome = await deliverOne(
      log,
      client,
      input,
      event,
      before,
      claimedAt,
      result,
      recentWindow,
      by,
      engagementRoom,
    );
    if (typeof outcome === 'object') posted = outcome;
    else if (outcome === 'failed') {
      result.failed++;
      metrics.eventFailed?.();
      ctx.heartbeat({ lastMessageId: result.lastMessageId } satisfies Progress);
    } else {
      result.stopped = outcome;
      break;
    }
  }
  if (posted) await recordPosted();
  return result;
}

/** Awaits `work`, heartbeating `details()` every few seconds meanwhile (a cancel still reaches us). */
async function heartbeatWhile<T>(ctx: Context, work: Promise<T>, details: () => Progress): Promise<T> {
  const timer = setInterval(() => ctx.heartbeat(details()), FILL_WAIT_HEARTBEAT_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/**
 * A pipelined batch's wait: true once no event before fromSeq is queued (events before a batch
 * can only leave the queue: later appends and redeliveries get higher seqs), false after
 * PIPELINE_WAIT_MS. Heartbeats (keeping what a resumed attempt had) so a cancel reaches it.
 */
async function predecessorsFinished(
  log: EventLog,
  ctx: Context,
  input: DeliverBatchInput,
  resumed: Progress | undefined,
): Promise<boolean> {
  const deadline = Date.now() + PIPELINE_WAIT_MS;
  for (;;) {
    const [oldest] = await log.peekQueued(input.accountId, 1);
    if (!oldest || oldest.seq >= input.fromSeq) return true;
    if (Date.now() >= deadline) return false;
    ctx.heartbeat(resumed);
    await ctx.sleep(PIPELINE_POLL_MS); // rejects with a CancelledFailure on cancel
  }
}

interface Posted {
  seq: number;
  messageIds: string[];
  /** When the event entered the queue, and when its last part was posted (metrics). */
  queuedAt: string;
  postedAt: string;
}

/**
 * Posts one claimed event (every part not yet posted). Answers its message ids, to be recorded by
 * the caller; a 400 is recorded here (failed); a 401 or 404 stops the batch. `before` is the
 * event's record as it was before this attempt's claim, taken at `claimedAt`.
 */
async function deliverOne(
  log: EventLog,
  client: WebexClient,
  input: DeliverBatchInput,
  event: QueuedEvent,
  before: EventRecord,
  claimedAt: string,
  progress: DeliverBatchResult,
  recentWindow: number,
  by: DeliveredBy,
  engagementRoom: () => Promise<string>,
): Promise<Posted | 'failed' | 'unauthorized' | 'room_not_found'> {
  // Filled by now when it was a public webhook (the filler replaced the payload).
  const payload = event.payload as PostableEvent;
  const parts = messagesOf(payload);
  // A digest goes to the BILL Engagement space. The read-back stop mark is the Billsby room's last
  // message, so a digest's read-back is bounded by time alone, and its post does not move the mark.
  const digest = isDigestEvent(payload);
  const messageIds = [...before.messageIds];
  const notBefore = new Date(Date.parse(before.firstAttemptAt ?? claimedAt) - CLOCK_SKEW_MS).toISOString();
  // An attempt begun before this one may have posted without our knowing, unless it proved it did not.
  let verifyFirst =
    before.attempts > 0 &&
    !previousAttemptNotPosted(Context.current().info.heartbeatDetails, event.seq, before.attempts);
  for (let part = messageIds.length; part < parts.length; part++) {
    try {
      const posted = await postWithReadback(
        client,
        {
          accessToken: input.accessToken,
          roomId: digest ? await engagementRoom() : input.roomId,
          personId: input.personId,
          text: parts[part]!,
          afterMessageId: digest ? null : progress.lastMessageId,
          notBefore,
          verifyFirst,
        },
        recentWindow,
      );
      messageIds.push(posted.messageId);
      if (!digest) progress.lastMessageId = posted.messageId;
    } catch (err) {
      if (!isWebexApiError(err)) throw err;
      if (err.kind === 'unauthorized') return 'unauthorized';
      if (err.kind === 'not_found') return 'room_not_found';
      if (err.kind === 'bad_request') {
        const reason = `Webex rejected part ${part + 1}/${parts.length} of event ${event.eventId}: ${err.message}`;
        await log.markFailed(input.accountId, event.seq, reason, new Date().toISOString(), by);
        return 'failed';
      }
      if (provenNotPosted(err)) {
        rememberNotPosted(progress.lastMessageId, { seq: event.seq, attempts: before.attempts + 1 });
      }
      throw err;
    }
    verifyFirst = false;
    if (part < parts.length - 1) await log.recordParts(input.accountId, event.seq, messageIds);
  }
  return { seq: event.seq, messageIds, queuedAt: event.updatedAt, postedAt: new Date().toISOString() };
}
