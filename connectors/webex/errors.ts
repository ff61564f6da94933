/**
 * Typed Webex errors. Activities turn these into Temporal ApplicationFailures
 * (`type = 'Webex.' + kind`), so every field must survive JSON serialisation and
 * nothing secret (tokens, codes, client secrets, emails, message text) may end up here.
 */

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

export interface WebexApiErrorData {
  kind: WebexErrorKind;
  message: string;
  /** Whether repeating the same request later can succeed (for 401: only after a token refresh). */
  retryable: boolean;
  /** Delay the remote asked for (429/423, or 5xx carrying Retry-After). */
  retryAfterMs?: number;
  /** True when the remote may have carried out a side-effecting request although we saw a failure. */
  mayHaveBeenApplied: boolean;
  status?: number;
  trackingId?: string;
  /** RFC 6749 `error` code from the token endpoint (e.g. `invalid_client`); safe to log. */
  oauthError?: string;
  /** e.g. `POST /messages`; ids are replaced by placeholders. */
  operation?: string;
}

export class WebexApiError extends Error implements WebexApiErrorData {
  override readonly name = 'WebexApiError';
  readonly kind: WebexErrorKind;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly mayHaveBeenApplied: boolean;
  readonly status?: number;
  readonly trackingId?: string;
  readonly oauthError?: string;
  readonly operation?: string;

  constructor(data: WebexApiErrorData) {
    super(data.message);
    this.kind = data.kind;
    this.retryable = data.retryable;
    this.mayHaveBeenApplied = data.mayHaveBeenApplied;
    // Only set optional fields that exist, so toJSON() carries no `undefined` keys.
    if (data.retryAfterMs !== undefined) this.retryAfterMs = data.retryAfterMs;
    if (data.status !== undefined) this.status = data.status;
    if (data.trackingId !== undefined) this.trackingId = data.trackingId;
    if (data.oauthError !== undefined) this.oauthError = data.oauthError;
    if (data.operation !== undefined) this.operation = data.operation;
  }

  toJSON(): WebexApiErrorData {
    const out: WebexApiErrorData = {
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      mayHaveBeenApplied: this.mayHaveBeenApplied,
    };
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    if (this.status !== undefined) out.status = this.status;
    if (this.trackingId !== undefined) out.trackingId = this.trackingId;
    if (this.oauthError !== undefined) out.oauthError = this.oauthError;
    if (this.operation !== undefined) out.operation = this.operation;
    return out;
  }
}

export function isWebexApiError(e: unknown): e is WebexApiError {
  return e instanceof WebexApiError;
}

export interface RetryAfterPolicy {
  /** Used when Retry-After is missing, malformed, negative or not in seconds. */
  defaultMs: number;
  /** Floor so that `Retry-After: 0` does not turn into a hot retry loop. */
  minMs: number;
  /** Cap for absurd values; values up to the cap are honoured as given. */
  maxMs: number;
}

export const DEFAULT_RETRY_AFTER_POLICY: RetryAfterPolicy = {
  defaultMs: 10_000,
  minMs: 1_000,
  maxMs: 3_600_000,
};

/**
 * Webex sends delta-seconds. Production has sent garbage such as `rand(30),add(30)`,
 * so anything that is not a plain non-negative number falls back to the default.
 */
export function parseRetryAfterMs(
  header: string | undefined,
  policy: RetryAfterPolicy = DEFAULT_RETRY_AFTER_POLICY,
): number {
  const value = header?.trim();
  const ms = value && /^\d+(\.\d+)?$/.test(value) ? Math.ceil(Number(value) * 1000) : NaN;
  const chosen = Number.isFinite(ms) ? ms : policy.defaultMs;
  return Math.min(policy.maxMs, Math.max(policy.minMs, chosen));
}
