import { getExternalWorkflowHandle, isCancellation, log } from '@temporalio/workflow';
import {
  formatEngagementDigest,
  isReportLocation,
  type DigestOutcome,
  type EngagementResult,
} from '../../domain/engagement';
import { digestEventId } from '../../domain/integration/digest-event';
import { eventsAvailable, integrationWorkflowId } from '../integration-wake';
import { failureMessage, reportStore } from './bill-api';

/**
 * `--post-to`: queues the completed run's digest (DESIGN §4.5.1) in the account's event log and
 * wakes its integration, which posts it into its `BILL Engagement` space with the same exactly-once
 * delivery as Billsby events. The digest's id is one per run, so a retry never queues it twice.
 *
 * An inline report's digest is made here (pure, from the report the workflow holds); a stored
 * report's by the activity, which reads it. A digest that cannot be queued does not fail the run:
 * the report is its result, and `digest` says what went wrong.
 */
export async function queueDigest(
  result: EngagementResult,
  postTo: string,
  withContacts: boolean,
  workflowId: string,
): Promise<DigestOutcome> {
  try {
    const queued = await reportStore.billQueueEngagementDigest({
      accountId: postTo,
      workflowId,
      withContacts,
      ...(isReportLocation(result)
        ? { reportLocation: result.reportLocation }
        : { parts: formatEngagementDigest(result, { withContacts }) }),
    });
    if (queued.status === 'queued') await wake(postTo);
    return queued;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const error = failureMessage(err);
    log.warn('The engagement digest could not be queued', { accountId: postTo, error });
    return { accountId: postTo, eventId: digestEventId(workflowId), status: 'failed', error };
  }
}

/** A wake-up the integration may miss (not running now) costs nothing: the wake sweep finds the queued digest. */
async function wake(accountId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(integrationWorkflowId(accountId)).signal(eventsAvailable);
  } catch (err) {
    if (isCancellation(err)) throw err;
  }
}
