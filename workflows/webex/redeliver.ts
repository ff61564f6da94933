import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { workflowNow } from '../clock';
import { redeliver, REDELIVER_NOT_CONNECTED, REDELIVER_UNAVAILABLE } from './definitions';
import type { RedeliverRequest } from '../../activities/webex/redeliver';
import type { IntegrationState } from './state';
import { failureMessage, redeliveryActivities } from './webex-api';

/**
 * The integration's `redeliver` update. The integration owns the Webex token and knows the room
 * and the connected user, which the "already in the room" check needs, so the check runs here
 * (as an activity) rather than in the gateway. The handler does no token work: a token that
 * expired, or a 401, fails the update and the main loop refreshes as usual. Re-queued events are
 * picked up by the main loop at once (`wake`), as a webhook's wake-up signal would.
 */
export function handleRedelivery(accountId: string, s: IntegrationState, wake: () => void): void {
  setHandler(
    redeliver,
    async (request) => {
      let result;
      try {
        result = await redeliveryActivities.redeliverEvents({
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
      if (!request.dryRun && result.requeued.length > 0) wake();
      return result;
    },
    {
      // Runs before anything is written to history: nothing is checked or changed when rejected.
      validator: (_request: RedeliverRequest) => {
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
      },
    },
  );
}
