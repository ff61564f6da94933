import { ApplicationFailure } from '@temporalio/workflow';
import type { RedeliverRequest, RedeliverResult } from '../../activities/webex/redeliver';
import { workflowNow } from '../clock';
import { REDELIVER_NOT_CONNECTED, REDELIVER_UNAVAILABLE } from './definitions';
import type { IntegrationState } from './state';
import { failureMessage, redeliveryActivities } from './webex-api';

/**
 * The `redeliver` update's two halves. The integration owns the Webex token and knows the room and
 * the connected user, which the "already in the room" check needs, so the check runs in this
 * workflow (as an activity) rather than in the gateway. No token work here: a token that expired,
 * or a 401, fails the update and the loop refreshes as usual.
 */

/** The validator: runs before anything is written to history, so a refusal changes nothing. */
export function refuseRedeliveryUnlessConnected(s: IntegrationState): void {
  const connected = s.status === 'connected' && s.tokens !== null && s.room !== null && s.connectedAs;
  if (!connected) {
    throw ApplicationFailure.create({
      type: REDELIVER_NOT_CONNECTED,
      message: `the integration is ${s.status}, so the room cannot be checked: connect Webex again, then redeliver`,
      nonRetryable: true,
    });
  }
  if (s.tokens!.expiresAt <= workflowNow()) {
    throw ApplicationFailure.create({
      type: REDELIVER_NOT_CONNECTED,
      message: 'the Webex token has expired and is being refreshed: try again in a minute',
      nonRetryable: true,
    });
  }
}

/** Checks the room and (unless a dry run) re-queues, as one activity. */
export async function checkAndRequeue(
  accountId: string,
  s: IntegrationState,
  request: RedeliverRequest,
): Promise<RedeliverResult> {
  // The state may have changed since the validator ran (the request waited for the loop).
  refuseRedeliveryUnlessConnected(s);
  try {
    return await redeliveryActivities.redeliverEvents({
      accountId,
      request,
      accessToken: s.tokens!.accessToken,
      roomId: s.room!.id,
      personId: s.connectedAs!.id,
    });
  } catch (err) {
    throw ApplicationFailure.create({
      type: REDELIVER_UNAVAILABLE,
      message: `could not check the room or change the event log: ${failureMessage(err)}`,
      nonRetryable: true,
    });
  }
}
