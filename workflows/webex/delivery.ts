import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import { formatEventMessages } from '../../domain/billsby/format-event-messages';
import { deliveryActivities, failureMessage, failureType } from './webex-api';

export interface DeliveryInput {
  accountId: string;
  event: BillsbyEvent;
  accessToken: string;
  roomId: string;
  /** The connected Webex user: our posts carry this personId. */
  personId: string;
  /** Parts already posted by an earlier run for this event. */
  startPart: number;
  /** The last message we know we posted; older messages need no checking. */
  afterMessageId: string | null;
  /** Messages older than this cannot be ours for this event (first attempt, minus clock skew). */
  notBefore: string;
  /** An earlier run may have posted unseen (crash, cancel): check before the first post too. */
  verifyFirst: boolean;
}

export type DeliveryResult =
  | { outcome: 'delivered'; parts: number; lastMessageId: string | null }
  | { outcome: 'unauthorized' | 'room_not_found'; partsDone: number; lastMessageId: string | null };

/**
 * `webex-delivery:<accountId>:<eventId>`: posts one event's message (or its continuation parts,
 * in order) to the room. Transient Webex trouble is retried inside the activity without limit;
 * a 401 or a missing room goes back to the parent, which owns tokens and the room. A message
 * Webex refuses for good (400) fails this workflow, so it shows as failed in the Web UI.
 */
export async function webexDelivery(input: DeliveryInput): Promise<DeliveryResult> {
  const parts = formatEventMessages(input.event);
  let lastMessageId = input.afterMessageId;
  for (let part = input.startPart; part < parts.length; part++) {
    try {
      const posted = await deliveryActivities.postWebexMessage({
        accessToken: input.accessToken,
        roomId: input.roomId,
        text: parts[part]!,
        personId: input.personId,
        afterMessageId: lastMessageId ?? undefined,
        notBefore: input.notBefore,
        verifyFirst: input.verifyFirst && part === input.startPart,
      });
      lastMessageId = posted.messageId;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const type = failureType(err);
      if (type === 'Webex.unauthorized') return { outcome: 'unauthorized', partsDone: part, lastMessageId };
      if (type === 'Webex.not_found') return { outcome: 'room_not_found', partsDone: part, lastMessageId };
      if (type === 'Webex.bad_request') {
        throw ApplicationFailure.nonRetryable(
          `Webex rejected part ${part + 1}/${parts.length} of event ${input.event.Id}: ${failureMessage(err)}`,
          'Webex.bad_request',
        );
      }
      throw err;
    }
  }
  return { outcome: 'delivered', parts: parts.length, lastMessageId };
}
