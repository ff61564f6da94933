import type { WebexClient } from '../../connectors/webex';

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
