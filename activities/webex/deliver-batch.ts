import { CancelledFailure, Context } from '@temporalio/activity';
import { isWebexApiError, type WebexClient } from '../../connectors/webex';
import { formatEventMessages } from '../../domain/billsby/format-event-messages';
import type { EventLog, QueuedEvent } from '../../eventlog/types';
import { postWithReadback } from './post-with-readback';

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
}

export interface DeliverBatchResult {
  delivered: number;
  /** Refused by Webex for good (400): marked failed in the log, the batch moved on. */
  failed: number;
  lastMessageId: string | null;
  /**
   * Why the batch stopped early: the token (401) or the room (404) needs the integration's
   * attention; `not_queued`: an event was no longer queued (uninstall dropped it).
   */
  stopped: 'unauthorized' | 'room_not_found' | 'not_queued' | null;
}

interface Progress {
  lastMessageId: string | null;
}

/** Skew allowed between our clock and Webex's `created` when looking for a post that landed. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Posts a batch of queued events from the log, one at a time and in order, recording each
 * event's outcome in the log as it goes, and heartbeating so a crash resumes after the last
 * recorded event and a cancel (uninstall) stops between posts. Retryable Webex trouble is thrown
 * (the caller maps it to a Temporal retry with the remote's delay); the next attempt re-reads the
 * log, so it starts at the first event still queued, reading back before re-posting it.
 */
export async function deliverBatch(
  log: EventLog,
  client: WebexClient,
  input: DeliverBatchInput,
  recentWindow: number,
): Promise<DeliverBatchResult> {
  const ctx = Context.current();
  const resumed = ctx.info.heartbeatDetails as Progress | undefined;
  const result: DeliverBatchResult = {
    delivered: 0,
    failed: 0,
    lastMessageId: resumed?.lastMessageId ?? input.afterMessageId,
    stopped: null,
  };
  const events = await log.readQueued(input.accountId, input.fromSeq, input.toSeq);
  for (const event of events) {
    if (ctx.cancellationSignal.aborted) throw new CancelledFailure('delivery cancelled between posts');
    const outcome = await deliverOne(log, client, input, event, result, recentWindow);
    if (outcome === 'delivered') result.delivered++;
    else if (outcome === 'failed') result.failed++;
    else {
      result.stopped = outcome;
      break;
    }
    ctx.heartbeat({ lastMessageId: result.lastMessageId } satisfies Progress);
  }
  return result;
}

async function deliverOne(
  log: EventLog,
  client: WebexClient,
  input: DeliverBatchInput,
  event: QueuedEvent,
  progress: DeliverBatchResult,
  recentWindow: number,
): Promise<'delivered' | 'failed' | NonNullable<DeliverBatchResult['stopped']>> {
  const now = new Date().toISOString();
  // The claim is the fence: after an uninstall dropped the event, nothing more is posted.
  const before = await log.beginAttempt(input.accountId, event.seq, now);
  if (!before) return 'not_queued';
  const parts = formatEventMessages(event.payload);
  const messageIds = [...before.messageIds];
  const notBefore = new Date(Date.parse(before.firstAttemptAt ?? now) - CLOCK_SKEW_MS).toISOString();
  // An attempt begun before this one may have posted without our knowing.
  let verifyFirst = before.attempts > 0;
  for (let part = messageIds.length; part < parts.length; part++) {
    try {
      const posted = await postWithReadback(
        client,
        {
          accessToken: input.accessToken,
          roomId: input.roomId,
          personId: input.personId,
          text: parts[part]!,
          afterMessageId: progress.lastMessageId,
          notBefore,
          verifyFirst,
        },
        recentWindow,
      );
      messageIds.push(posted.messageId);
      progress.lastMessageId = posted.messageId;
    } catch (err) {
      if (!isWebexApiError(err)) throw err;
      if (err.kind === 'unauthorized') return 'unauthorized';
      if (err.kind === 'not_found') return 'room_not_found';
      if (err.kind === 'bad_request') {
        const reason = `Webex rejected part ${part + 1}/${parts.length} of event ${event.eventId}: ${err.message}`;
        await log.markFailed(input.accountId, event.seq, reason, new Date().toISOString());
        return 'failed';
      }
      throw err;
    }
    verifyFirst = false;
    if (part < parts.length - 1) await log.recordParts(input.accountId, event.seq, messageIds);
  }
  await log.markDelivered(input.accountId, event.seq, messageIds, new Date().toISOString());
  return 'delivered';
}
