/** Typed Billsby errors: plain data, no axios objects, no API key, no personal data in messages. */
import { ApiError, type ApiErrorData, type RetryAfterPolicy } from '../http';

export type BillsbyErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'bad_request'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid_response';

export interface BillsbyErrorData extends ApiErrorData<BillsbyErrorKind> {
  operation: string;
  /** invalid_response only: the path of the first offending field. */
  fieldPath?: string;
}

const RETRYABLE: Record<BillsbyErrorKind, boolean> = {
  unauthorized: false,
  forbidden: false,
  not_found: false,
  rate_limited: true,
  bad_request: false,
  server: true,
  timeout: true,
  network: true,
  invalid_response: false,
};

export class BillsbyApiError extends ApiError<BillsbyErrorKind, BillsbyErrorData> {
  override readonly name = 'BillsbyApiError';
  declare readonly operation: string;
  readonly fieldPath?: string;

  constructor(data: Omit<BillsbyErrorData, 'retryable'> & { retryable?: boolean }) {
    super({ ...data, retryable: data.retryable ?? RETRYABLE[data.kind] });
    this.fieldPath = data.fieldPath;
  }
}

export function isBillsbyApiError(err: unknown): err is BillsbyApiError {
  return err instanceof BillsbyApiError;
}

export function kindForStatus(status: number): BillsbyErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** Billsby documents no rate limits; a 429 without a usable Retry-After waits this long. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 5_000;
/** An absurd Retry-After must not park a workflow for days. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Billsby's Retry-After rules: seconds or an HTTP-date, capped; none or garbage: no wait given. */
export const BILLSBY_RETRY_AFTER: RetryAfterPolicy = { httpDate: true, maxMs: MAX_RETRY_AFTER_MS };
