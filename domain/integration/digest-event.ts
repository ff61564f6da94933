/**
 * The BILL engagement digest as an event of the account's log (issue 22, DESIGN §4.5.1): a run
 * that names `--post-to <accountId>` appends its digest, already split into messages, to that
 * account's queue. The integration then posts it with the machinery every Billsby event goes
 * through (in order, read back before a re-post, once), into its `BILL Engagement` space.
 *
 * Its id, `engagement-digest:<workflowId>`, is one per run: appending it again (an activity retry,
 * a restarted run) answers duplicate. A colon never appears in a webhook's `Id`, so no Billsby event
 * can take a digest's id.
 */
import type { BillsbyEvent } from '../billsby/event-schema';
import { formatEventMessages } from '../billsby/format-event-messages';

export const DIGEST_EVENT_TYPE = 'EngagementDigest';
export const DIGEST_FORM = 'digest';

export interface EngagementDigestEvent {
  Id: string;
  Type: typeof DIGEST_EVENT_TYPE;
  Form: typeof DIGEST_FORM;
  /** The engagement run it reports. */
  WorkflowId: string;
  /** The messages, in order, fixed when the digest was queued. */
  Parts: string[];
}

export function digestEventId(workflowId: string): string {
  return `engagement-digest:${workflowId}`;
}

export function isDigestEvent(event: unknown): event is EngagementDigestEvent {
  return (event as { Form?: unknown } | null)?.Form === DIGEST_FORM;
}

/** What the integration posts: a Billsby event ready to post, or a digest. */
export type PostableEvent = BillsbyEvent | EngagementDigestEvent;

/** The Webex messages of an event ready to post, in order. */
export function messagesOf(event: PostableEvent): string[] {
  return isDigestEvent(event) ? event.Parts : formatEventMessages(event);
}
