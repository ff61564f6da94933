/** Typed Billsby errors: plain data, no axios objects, no API key, no personal data in messages. */

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

export interface BillsbyErrorData {
  kind: BillsbyErrorKind;
  message: string;
  operation: string;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
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

export class BillsbyApiError extends Error {
  readonly kind: BillsbyErrorKind;
  readonly operation: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly fieldPath?: string;

  constructor(data: Omit<BillsbyErrorData, 'retryable'> & { retryable?: boolean }) {
    super(data.message);
    this.name = 'BillsbyApiError';
    this.kind = data.kind;
    this.operation = data.operation;
    this.retryable = data.retryable ?? RETRYABLE[data.kind];
    this.status = data.status;
    this.retryAfterMs = data.retryAfterMs;
    this.fieldPath = data.fieldPath;
  }

  get failureType(): string {
    return `Billsby.${this.kind}`;
  }

  toJSON(): BillsbyErrorData {
    const out: BillsbyErrorData = {
      kind: this.kind,
      message: this.message,
      operation: this.operation,
      retryable: this.retryable,
    };
    if (this.status !== undefined) out.status = this.status;
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    if (this.fieldPath !== undefined) out.fieldPath = this.fieldPath;
    return out;
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

export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const v = value.trim();
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Math.ceil(Number(v) * 1000);
  else {
    const at = Date.parse(v);
    if (Number.isFinite(at)) ms = Math.max(0, at - nowMs);
  }
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}
