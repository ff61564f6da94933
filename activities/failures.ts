/**
 * Connector errors as Temporal failures, for every connector alike: the type names the service and
 * the error kind (`Webex.rate_limited`, see temporal/failures.ts), the next attempt waits as long as
 * the remote asked or our jittered backoff says, and expected throttling is marked BENIGN so that it
 * is not logged or counted as an error. Messages carry no secrets.
 */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { ApiError } from '../connectors/http';
import { isThrottling, type FailureType } from '../temporal/failures';

/** How long to wait before the next attempt of a retryable failure without a Retry-After. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** "Equal jitter": half of `ms` fixed, half random, so retries from many runs spread out. */
export function withJitter(ms: number): number {
  return Math.round(ms / 2 + Math.random() * (ms / 2));
}

/** Exponential backoff (attempt 1 waits about `initialMs`, doubling up to `maxMs`), with equal jitter. */
export function backoffWithJitter(attempt: number, policy: BackoffPolicy): number {
  return withJitter(Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1)));
}

export type ServiceName = 'Webex' | 'Bill' | 'Billsby';

/**
 * A connector error as a failure typed `<service>.<kind>`. `nonRetryable` defaults to "the error
 * says retrying cannot help"; `nextRetryDelay` applies to retryable ones only.
 */
export function connectorFailure(
  service: ServiceName,
  err: ApiError,
  opts: { nextRetryDelay?: number; nonRetryable?: boolean; message?: string } = {},
): ApplicationFailure {
  const nonRetryable = opts.nonRetryable ?? !err.retryable;
  return ApplicationFailure.create({
    type: `${service}.${err.kind}`,
    message: opts.message ?? err.message,
    nonRetryable,
    nextRetryDelay: nonRetryable ? undefined : opts.nextRetryDelay,
    details: [err.toJSON()],
    ...(isThrottling(err.kind) ? { category: ApplicationFailureCategory.BENIGN } : {}),
  });
}

/** Anything that is not a connector error: retried with backoff, named by its class only. */
export function unexpectedFailure(
  type: Extract<FailureType, `${ServiceName}.unexpected`>,
  err: unknown,
  nextRetryDelay: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message: `unexpected error: ${(err as Error)?.name ?? 'unknown'}`,
    nextRetryDelay,
  });
}
