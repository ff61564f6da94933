import {
  ActivityCancellationType,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { WebexActivities } from '../../activities/webex';
import type { WebexFailure } from '../../temporal/failures';
import { withSummaries, type Summarizers } from '../summaries';

/** Activity stubs with the retry rules each call needs. Connector failures are typed `Webex.<kind>`. */

/** What each call says in the Web UI (workflows/summaries.ts): ids and counts, never a token. */
const SUMMARIES: Summarizers<WebexActivities> = {
  exchangeWebexCode: () => 'Exchange the authorization code for Webex tokens',
  identifyWebexUser: () => 'Identify the connected Webex user (GET /people/me)',
  findOrCreateBillsbyRoom: (input) =>
    input.preferredRoomId ? 'Find the "Billsby Data" space again' : 'Find or create the "Billsby Data" space',
  refreshWebexToken: () => 'Refresh the Webex token',
  deliverQueuedEvents: (input) =>
    `Post queued events #${input.fromSeq}–#${input.toSeq} to Billsby Data, in order` +
    (input.pipelinedAfter !== undefined ? ', once the batch before has finished' : ''),
  peekQueuedEvents: (input) => `Read the ids of the next ${input.limit} queued events from the event log`,
  closeAccountEventLog: () => "Close the account's event log (what is still queued becomes dropped)",
  redeliverEvents: (input) =>
    `Redeliver${input.request.dryRun ? ' (dry run)' : ''}: ${
      input.request.eventId ? `event ${input.request.eventId}` : `${input.request.state} events`
    }, skipping those already in the room`,
};

const NEVER_RETRY: WebexFailure[] = [
  'Webex.unauthorized',
  'Webex.not_found',
  'Webex.bad_request',
  'Webex.invalid_grant',
  'Webex.not_configured',
];

/** The code is single-use: a couple of tries for network trouble, then the attempt fails. */
export const oauthActivities = withSummaries(
  proxyActivities<WebexActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: NEVER_RETRY },
  }),
  SUMMARIES,
);

/** Connect-time calls: bounded, so a broken attempt ends as `failed` rather than hanging. */
export const setupActivities = withSummaries(
  proxyActivities<WebexActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumAttempts: 6, nonRetryableErrorTypes: NEVER_RETRY },
  }),
  SUMMARIES,
);

/** Refresh: a handful of tries; the workflow tries again later rather than giving up the tokens. */
export const refreshActivities = withSummaries(
  proxyActivities<WebexActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 6, nonRetryableErrorTypes: NEVER_RETRY },
  }),
  SUMMARIES,
);

/**
 * Batch delivery: unlimited attempts (no maximumAttempts) while installed. Each failure carries
 * its own next delay (Retry-After, or jittered backoff). The activity heartbeats after every
 * event: a dead worker is noticed within the heartbeat timeout, and a cancel (uninstall) reaches
 * it between posts; we wait for it to stop so nothing is posted after an uninstall returns.
 */
const batchDeliveryOptions = (heartbeatTimeoutMs: number): ActivityOptions => ({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: heartbeatTimeoutMs,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: NEVER_RETRY,
  },
});

/** The loop's batch delivery; the caller gives the summary (it names the batch's event types). */
export const loopDeliveryActivities = (heartbeatTimeoutMs: number) =>
  proxyActivities<WebexActivities>(batchDeliveryOptions(heartbeatTimeoutMs));

/** LEGACY: the batch child's (workflows/webex/legacy/delivery-workflow.ts). */
export const batchDeliveryActivities = (heartbeatTimeoutMs: number) =>
  withSummaries(proxyActivities<WebexActivities>(batchDeliveryOptions(heartbeatTimeoutMs)), SUMMARIES);

/** Reading the log's next batch (ids only): a local activity, so no server round trip. */
export const peekActivities = withSummaries(
  proxyLocalActivities<WebexActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
  }),
  SUMMARIES,
);

/** Closing the account's log on uninstall: must happen, so it retries until the database answers. */
export const eventLogActivities = withSummaries(
  proxyActivities<WebexActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  }),
  SUMMARIES,
);

/**
 * Redelivery (the `redeliver` update): bounded, since an operator waits for the answer; a 401 or
 * a missing room fails at once (the integration deals with those itself).
 */
export const redeliveryActivities = withSummaries(
  proxyActivities<WebexActivities>({
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: '1 second',
      maximumInterval: '10 seconds',
      maximumAttempts: 3,
      nonRetryableErrorTypes: NEVER_RETRY,
    },
  }),
  SUMMARIES,
);

export { failureMessage, failureType, isFailure } from '../../temporal/failures';
