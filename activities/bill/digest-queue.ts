/**
 * Queues a run's engagement digest (DESIGN §4.5.1) in the log of the account it is posted to
 * (issue 22). The account's integration posts it like any of its events: in order, read back before
 * a re-post, once. Appending is idempotent by the digest's id (one per run), so an activity retry or
 * a restarted run queues nothing twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { formatEngagementDigest } from '../../domain/engagement/digest';
import type { DigestOutcome } from '../../domain/engagement/report';
import {
  DIGEST_EVENT_TYPE,
  DIGEST_FORM,
  digestEventId,
  type EngagementDigestEvent,
} from '../../domain/integration/digest-event';
import { loadStoredReport } from '../../eventlog/engagement-documents';
import type { EngagementDocumentStore, EventStore } from '../../eventlog/types';
import type { BillFailure } from '../../temporal/failures';

export interface QueueDigestInput {
  /** The account whose Webex integration posts it (`--post-to`). */
  accountId: string;
  /** The engagement run: the digest's id is made from it. */
  workflowId: string;
  /** The digest's messages, when the workflow holds the report (an inline result)… */
  parts?: string[];
  /** …else the stored report it is made from here. */
  reportLocation?: string;
  withContacts?: boolean;
}

/**
 * What became of the digest here (DigestOutcome, domain/engagement/report.ts): `queued` (now, or
 * already by a retry), `not_connected` or `backlog_full`; `failed` is the workflow's, when this
 * activity gave up.
 */
export type QueueDigestResult = Required<Omit<DigestOutcome, 'error'>> & {
  status: Exclude<DigestOutcome['status'], 'failed'>;
};

export interface DigestQueueDeps {
  events: Pick<EventStore, 'append'>;
  /** EVENT_LOG_MAX_UNDELIVERED: the digest counts against the account's cap like any event. */
  maxUndelivered: number;
}

export function createDigestQueue(deps: DigestQueueDeps | undefined, documents: EngagementDocumentStore) {
  return async function billQueueEngagementDigest(input: QueueDigestInput): Promise<QueueDigestResult> {
    if (!deps) {
      throw ApplicationFailure.nonRetryable(
        'this worker has no event log to queue the digest in (--post-to needs the event log: DATABASE_URL or the data folder)',
        'Bill.not_configured' satisfies BillFailure,
      );
    }
    const parts = input.parts ?? (await partsFromStoredReport(documents, input));
    const event: EngagementDigestEvent = {
      Id: digestEventId(input.workflowId),
      Type: DIGEST_EVENT_TYPE,
      Form: DIGEST_FORM,
      WorkflowId: input.workflowId,
      Parts: parts,
    };
    const [outcome] = await deps.events.append([{ accountId: input.accountId, event }], {
      maxUndelivered: deps.maxUndelivered,
    });
    const status: QueueDigestResult['status'] =
      outcome!.status === 'not_found'
        ? 'not_connected'
        : outcome!.status === 'backlog_full'
          ? 'backlog_full'
          : 'queued';
    return { accountId: input.accountId, eventId: event.Id, status, messages: parts.length };
  };
}

async function partsFromStoredReport(
  documents: EngagementDocumentStore,
  input: QueueDigestInput,
): Promise<string[]> {
  const report = input.reportLocation ? await loadStoredReport(documents, input.reportLocation) : null;
  if (!report) {
    throw ApplicationFailure.nonRetryable(
      `the report of ${input.workflowId} is not in the event log (${input.reportLocation ?? 'no location'})`,
      'Bill.not_found' satisfies BillFailure,
    );
  }
  return formatEngagementDigest(report, { withContacts: input.withContacts });
}
