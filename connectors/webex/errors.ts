/**
 * Typed Webex errors. Activities turn these into Temporal ApplicationFailures
 * (`type = 'Webex.' + kind`), so every field must survive JSON serialisation and
 * nothing secret (tokens, codes, client secrets, emails, message text) may end up here.
 */
import { ApiError, type ApiErrorData, type RetryAfterPolicy } from '../http';

export { parseRetryAfterMs } from '../http';
export type { RetryAfterPolicy } from '../http';

export type WebexErrorKind =
  | 'rate_limited'
  | 'unauthorized'
  | 'not_found'
  | 'bad_request'
  | 'invalid_grant'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid_response';

export interface WebexApiErrorData extends ApiErrorData<WebexErrorKind> {
  /** Whether repeating the same request later can succeed (for 401: only after a token refresh). */
  retryable: boolean;
  /**
   * True when the remote may have carried out a side-effecting request although we saw a failure.
   * Delivery reads it: a post that surely did not land needs no read-back on its retry
   * (`provenNotPosted`, activities/webex/post-with-readback.ts).
   */
  mayHaveBeenApplied: boolean;
  trackingId?: string;
  /** RFC 6749 `error` code from the token endpoint (e.g. `invalid_client`); safe to log. */
  oauthError?: string;
}

export class WebexApiError extends ApiError<WebexErrorKind, WebexApiErrorData> implements WebexApiErrorData {
  override readonly name = 'WebexApiError';
  readonly mayHaveBeenApplied: boolean;
  readonly trackingId?: string;
  readonly oauthError?: string;

  constructor(data: WebexApiErrorData) {
    super(data);
    this.mayHaveBeenApplied = data.mayHaveBeenApplied;
    this.trackingId = data.trackingId;
    this.oauthError = data.oauthError;
  }
}

export function isWebexApiError(e: unknown): e is WebexApiError {
  return e instanceof WebexApiError;
}

/** Webex's Retry-After rules: plain seconds only; missing or garbage → 10 s; at least 1 s, at most 1 h. */
export const DEFAULT_RETRY_AFTER_POLICY = {
  defaultMs: 10_000,
  minMs: 1_000,
  maxMs: 3_600_000,
} satisfies RetryAfterPolicy;
