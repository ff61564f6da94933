import { proxyActivities } from '@temporalio/workflow';
import type { WebexActivities } from '../../activities/webex';

/** Activity stubs with the retry rules each call needs. Connector failures are typed `Webex.<kind>`. */

const NEVER_RETRY = [
  'Webex.unauthorized',
  'Webex.not_found',
  'Webex.bad_request',
  'Webex.invalid_grant',
  'Webex.not_configured',
];

/** The code is single-use: a couple of tries for network trouble, then the attempt fails. */
export const oauthActivities = proxyActivities<WebexActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: NEVER_RETRY },
});

/** Connect-time calls: bounded, so a broken attempt ends as `failed` rather than hanging. */
export const setupActivities = proxyActivities<WebexActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumAttempts: 6, nonRetryableErrorTypes: NEVER_RETRY },
});

/** Refresh: a handful of tries; the workflow tries again later rather than giving up the tokens. */
export const refreshActivities = proxyActivities<WebexActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 6, nonRetryableErrorTypes: NEVER_RETRY },
});

/**
 * Delivery: unlimited attempts (no maximumAttempts) while installed. Each failure carries its own next delay
 * (Retry-After, or jittered backoff); uninstall cancels the delivery.
 */
export const deliveryActivities = proxyActivities<WebexActivities>({
  startToCloseTimeout: '45 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: NEVER_RETRY,
  },
});

export { failureMessage, failureType } from '../failures';
