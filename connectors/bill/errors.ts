/**
 * Typed BILL errors. Everything here is plain data (no axios objects, no headers) so an activity can
 * turn it into an ApplicationFailure of type `Bill.<kind>` without leaking secrets into history.
 */
import { ApiError, type ApiErrorData, type RetryAfterPolicy } from '../http';

export type BillErrorKind =
  | 'session_expired' // BDC_1109 or a bare 401: sign in again, then retry the step once
  | 'concurrency_limited' // BDC_1322: more than 3 requests in flight for one devKey+organization
  | 'hourly_limit' // BDC_1144: every request fails until the next full hour
  | 'bad_credentials' // BDC_1101, BDC_1102
  | 'bad_request'
  | 'not_found'
  | 'forbidden'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid_response';

export interface BillErrorData extends ApiErrorData<BillErrorKind> {
  operation: string;
  /** BILL's own error code, e.g. `BDC_1109`. */
  code?: string;
  /** invalid_response only: the path of the first offending field, e.g. `results.0.createdTime`. */
  fieldPath?: string;
}

export class BillApiError extends ApiError<BillErrorKind, BillErrorData> {
  override readonly name = 'BillApiError';
  declare readonly operation: string;
  readonly code?: string;
  readonly fieldPath?: string;

  constructor(data: BillErrorData) {
    super(data);
    this.code = data.code;
    this.fieldPath = data.fieldPath;
  }
}

export function isBillApiError(err: unknown): err is BillApiError {
  return err instanceof BillApiError;
}

const CODE_KINDS: Record<string, BillErrorKind> = {
  BDC_1109: 'session_expired',
  BDC_1322: 'concurrency_limited',
  BDC_1144: 'hourly_limit',
  BDC_1101: 'bad_credentials',
  BDC_1102: 'bad_credentials',
};

const RETRYABLE: Record<BillErrorKind, boolean> = {
  // Retrying the same call with the same session cannot help; the caller must sign in again first.
  session_expired: false,
  concurrency_limited: true,
  hourly_limit: true,
  bad_credentials: false,
  bad_request: false,
  not_found: false,
  forbidden: false,
  server: true,
  timeout: true,
  network: true,
  invalid_response: false,
};

export function isRetryableKind(kind: BillErrorKind): boolean {
  return RETRYABLE[kind];
}

export interface BdcErrorItem {
  code?: string;
  message?: string;
}

/** BILL sends an array of `{code, message, …}`; tolerate a single object, `{errors:[…]}` or junk. */
export function parseBdcErrors(body: unknown): BdcErrorItem[] {
  const pick = (x: unknown): BdcErrorItem | undefined => {
    if (!x || typeof x !== 'object') return undefined;
    const o = x as Record<string, unknown>;
    const item: BdcErrorItem = {};
    if (typeof o.code === 'string') item.code = o.code;
    if (typeof o.message === 'string') item.message = o.message;
    return item.code || item.message ? item : undefined;
  };
  let list: unknown[] = [];
  if (Array.isArray(body)) list = body;
  else if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    list = Array.isArray(o.errors) ? o.errors : [body];
  }
  return list.map(pick).filter((x): x is BdcErrorItem => x !== undefined);
}

/** Chooses the kind from the BDC code first (BILL's rate-limit statuses are unknown), then the status. */
export function kindFor(status: number, codes: string[]): BillErrorKind {
  for (const c of codes) {
    const k = CODE_KINDS[c];
    if (k) return k;
  }
  if (status === 401) return 'session_expired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'concurrency_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/**
 * BILL's Retry-After rules: seconds or an HTTP-date, honoured as given; none: the caller decides
 * (the next full hour for BDC_1144, see msUntilNextHour).
 */
export const BILL_RETRY_AFTER: RetryAfterPolicy = { httpDate: true };

/** Milliseconds until the next full UTC hour (BILL's hourly window resets on the hour). */
export function msUntilNextHour(nowMs: number): number {
  const hour = 3_600_000;
  return hour - (nowMs % hour);
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Server messages may echo personal data or secrets back; keep them short and scrubbed. */
export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text.replace(EMAIL, '<email>');
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('<redacted>');
  }
  out = out.replace(/[\r\n\t]+/g, ' ');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}
