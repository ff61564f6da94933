import type { ApplicationFailure } from '@temporalio/common';
import type { BillsbyApiError } from '../../connectors/billsby';
import { isWebexApiError } from '../../connectors/webex';
import { backoffWithJitter, connectorFailure, unexpectedFailure, type BackoffPolicy } from '../failures';

export type { BackoffPolicy } from '../failures';

/** At most a minute between tries: once Webex is back, a long outage costs at most a minute more. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/**
 * Turns a connector error into a Temporal failure whose `type` workflows can branch on
 * (`Webex.<kind>`), that is non-retryable when retrying cannot help, and whose next retry
 * follows the remote's Retry-After or our jittered backoff. Messages carry no secrets.
 */
export function toWebexFailure(err: unknown, attempt: number, backoff: BackoffPolicy): ApplicationFailure {
  if (!isWebexApiError(err))
    return unexpectedFailure('Webex.unexpected', err, backoffWithJitter(attempt, backoff));
  return connectorFailure('Webex', err, {
    // A 401 is retryable only after a token refresh, which the workflow does.
    nonRetryable: !err.retryable || err.kind === 'unauthorized',
    nextRetryDelay: err.retryAfterMs ?? backoffWithJitter(attempt, backoff),
  });
}

/**
 * Billsby trouble while filling a public webhook (`Billsby.<kind>`): 429 waits its Retry-After,
 * 5xx and timeouts our backoff; the account's queue waits meanwhile, other accounts do not.
 */
export function toBillsbyFailure(
  err: BillsbyApiError,
  attempt: number,
  backoff: BackoffPolicy,
): ApplicationFailure {
  return connectorFailure('Billsby', err, {
    nextRetryDelay: err.retryAfterMs ?? backoffWithJitter(attempt, backoff),
  });
}
