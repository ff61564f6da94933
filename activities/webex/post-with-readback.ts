import { Context } from '@temporalio/activity';
import { isWebexApiError, POST_MESSAGE_OPERATION, type WebexClient } from '../../connectors/webex';

export interface PostInput {
  accessToken: string;
  roomId: string;
  text: string;
  /** The connected Webex user: our posts carry this personId. */
  personId: string;
  /** The last message we know we posted; older messages need no checking. */
  afterMessageId?: string | null;
  /** Messages older than this cannot be ours for this event (first attempt, minus clock skew). */
  notBefore: string;
  /** An earlier attempt may have posted unseen (crash, timeout, cancel): look before posting. */
  verifyFirst: boolean;
}

export interface PostResult {
  messageId: string;
  /** True when an earlier, ambiguous attempt had in fact posted it, so we did not post again. */
  alreadyPosted: boolean;
}

/**
 * Posts one message at most once. Webex has no idempotency key, so after an ambiguous attempt we
 * first look for this exact text, posted by us after `afterMessageId`, and return it instead of
 * posting a second copy.
 */
export async function postWithReadback(
  client: WebexClient,
  input: PostInput,
  recentWindow: number,
): Promise<PostResult> {
  if (input.verifyFirst) {
    const recent = await client.listMessages(input.accessToken, input.roomId, { max: recentWindow });
    for (const message of recent) {
      if (message.id === input.afterMessageId) break;
      if (message.created < input.notBefore) break;
      if (message.personId === input.personId && message.text === input.text) {
        return { messageId: message.id, alreadyPosted: true };
      }
    }
  }
  const posted = await client.postMessage(input.accessToken, { roomId: input.roomId, text: input.text });
  return { messageId: posted.id, alreadyPosted: false };
}

/**
 * What a failed attempt leaves in its heartbeat details when its post of event `seq` surely did not
 * land; `attempts` is the event's attempt count after that attempt's claim.
 */
export interface NotPosted {
  seq: number;
  attempts: number;
}

/**
 * Whether a delivery error proves the message was not posted: it came from the post itself (so a
 * read-back before it, if any, found nothing) and the connector says the post cannot have been
 * carried out (`mayHaveBeenApplied` false: 429, 4xx, a refused connection).
 */
export function provenNotPosted(err: unknown): boolean {
  return isWebexApiError(err) && err.operation === POST_MESSAGE_OPERATION && !err.mayHaveBeenApplied;
}

/**
 * Whether the read-back can be skipped for an event claimed with `attemptsBefore` earlier attempts:
 * the previous attempt proved its post did not land, and no attempt has claimed the event since
 * (a crash or an ambiguous failure in between leaves a higher count, so the read-back happens).
 */
export function previousAttemptNotPosted(details: unknown, seq: number, attemptsBefore: number): boolean {
  const notPosted = (details as { notPosted?: NotPosted } | undefined)?.notPosted;
  return notPosted?.seq === seq && notPosted.attempts === attemptsBefore;
}

/** Records, in this attempt's heartbeat details, that event `seq` was surely not posted. */
export function rememberNotPosted(lastMessageId: string | null, notPosted: NotPosted): void {
  Context.current().heartbeat({ lastMessageId, notPosted });
}
