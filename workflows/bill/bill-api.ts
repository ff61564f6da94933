import { proxyActivities } from '@temporalio/workflow';
import type { BillActivities } from '../../activities/bill';
import type { BillFailure } from '../../temporal/failures';

/**
 * Failures that no retry of the same call can fix. `Bill.session_expired` is here on purpose: the
 * workflow signs in again and retries the step with the new session.
 */
export const NEVER_RETRY: BillFailure[] = [
  'Bill.bad_credentials',
  'Bill.not_configured',
  'Bill.bad_request',
  'Bill.not_found',
  'Bill.forbidden',
  'Bill.invalid_response',
  'Bill.session_expired',
];

/** Failures that would hit every organization alike: the whole run stops with a clear message. */
export const FATAL_TYPES: BillFailure[] = ['Bill.bad_credentials', 'Bill.not_configured'];

/** BILL calls. Each failure carries its own next delay (BDC_1322 short, BDC_1144 next hour, 5xx backoff). */
export const billApi = proxyActivities<BillActivities>({
  // Includes the wait for the request's turn at the pacer (BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR):
  // with C organizations at once up to ~3C requests queue, 3C × 3,600 s / budget (150 at 10,000/h:
  // 54 s). Each HTTP request itself times out after 20 s.
  startToCloseTimeout: '10 minutes',
  // The activity heartbeats while it waits and calls: a dead worker is noticed in 30 s.
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 12,
    nonRetryableErrorTypes: NEVER_RETRY,
  },
});

export const reportStore = proxyActivities<BillActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export { failureMessage, failureType, isFailure } from '../../temporal/failures';
