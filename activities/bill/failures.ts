import { ApplicationFailure } from '@temporalio/common';
import { isBillApiError, msUntilNextHour, type BillErrorKind } from '../../connectors/bill';
import { backoffWithJitter, connectorFailure, unexpectedFailure, withJitter } from '../failures';

/** Retry pacing for BILL failures; tests shrink these so faults cost milliseconds, not an hour. */
export interface BillRetryPolicy {
  /** BDC_1322: one of our own requests will finish soon, so the wait is short. */
  concurrencyBaseMs: number;
  /** 5xx, timeouts, network: exponential from here, capped at maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** BDC_1144 waits for the next hour; this caps the wait (tests). Default: no cap. */
  maxHourlyWaitMs?: number;
}

export const DEFAULT_BILL_RETRY: BillRetryPolicy = {
  concurrencyBaseMs: 500,
  initialBackoffMs: 1_000,
  maxBackoffMs: 2 * 60_000,
};

/** How long to wait before the next attempt, following BILL's word for each kind. */
export function retryDelayMs(
  kind: BillErrorKind,
  attempt: number,
  policy: BillRetryPolicy,
  retryAfterMs: number | undefined,
  nowMs: number,
): number {
  if (kind === 'concurrency_limited') {
    return withJitter(Math.min(policy.maxBackoffMs, policy.concurrencyBaseMs * Math.min(8, attempt)));
  }
  if (kind === 'hourly_limit') {
    // Every request fails until the hour turns; spread restarts over a few seconds past the hour.
    const untilHour = (retryAfterMs ?? msUntilNextHour(nowMs)) + Math.round(Math.random() * 5_000);
    return Math.min(untilHour, policy.maxHourlyWaitMs ?? Number.POSITIVE_INFINITY);
  }
  return backoffWithJitter(attempt, { initialMs: policy.initialBackoffMs, maxMs: policy.maxBackoffMs });
}

/**
 * A connector error as a Temporal failure typed `Bill.<kind>`. `session_expired` is non-retryable:
 * the same session can never succeed, so the workflow signs in again and retries the step.
 */
export function toBillFailure(err: unknown, attempt: number, policy: BillRetryPolicy): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (!isBillApiError(err)) {
    return unexpectedFailure(
      'Bill.unexpected',
      err,
      retryDelayMs('server', attempt, policy, undefined, Date.now()),
    );
  }
  const message =
    err.kind === 'bad_credentials'
      ? `${err.message.replace(/\.+$/, '')}. Check BILL_USERNAME, BILL_PASSWORD, BILL_APP_KEY and BILL_DEV_KEY on the worker`
      : err.message;
  return connectorFailure('Bill', err, {
    message,
    nextRetryDelay: retryDelayMs(err.kind, attempt, policy, err.retryAfterMs, Date.now()),
  });
}
