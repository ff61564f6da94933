import { ApplicationFailure } from '@temporalio/activity';
import { isWebexApiError } from '../../connectors/webex';

/** How long to wait before the next attempt of a retryable failure without a Retry-After. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** At most a minute between tries: once Webex is back, a long outage costs at most a minute more. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/** Exponential backoff with "equal jitter": half fixed, half random, so retries from many accounts spread out. */
export function backoffWithJitter(attempt: number, policy: BackoffPolicy): number {
  const exp = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

/**
 * Turns a connector error into a Temporal failure whose `type` workflows can branch on
 * (`Webex.<kind>`), that is non-retryable when retrying cannot help, and whose next retry
 * follows the remote's Retry-After or our jittered backoff. Messages carry no secrets.
 */
export function toWebexFailure(err: unknown, attempt: number, backoff: BackoffPolicy): ApplicationFailure {
  if (!isWebexApiError(err)) {
    return ApplicationFailure.create({
      type: 'Webex.unexpected',
      message: `unexpected error: ${(err as Error)?.name ?? 'unknown'}`,
      nextRetryDelay: backoffWithJitter(attempt, backoff),
    });
  }
  const nextRetryDelay = err.retryable
    ? (err.retryAfterMs ?? backoffWithJitter(attempt, backoff))
    : undefined;
  return ApplicationFailure.create({
    type: `Webex.${err.kind}`,
    message: err.message,
    nonRetryable: !err.retryable || err.kind === 'unauthorized',
    nextRetryDelay,
    details: [err.toJSON()],
  });
}
