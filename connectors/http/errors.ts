/**
 * The error base of every connector. Connectors throw only these: plain data, never an axios error
 * (which carries the request's headers, i.e. tokens, keys and session ids), so an activity can put
 * `toJSON()` into a failure's details and nothing secret reaches history.
 */

export interface ApiErrorData<K extends string = string> {
  kind: K;
  message: string;
  /** Whether repeating the same request later can succeed. */
  retryable: boolean;
  /** e.g. `POST /messages` or `listUsers`; never ids, query values or secrets. */
  operation?: string;
  status?: number;
  /** The wait the remote asked for (Retry-After), or the connector's rule for this kind. */
  retryAfterMs?: number;
}

export class ApiError<K extends string = string, D extends ApiErrorData<K> = ApiErrorData<K>> extends Error {
  readonly kind: K;
  readonly retryable: boolean;
  readonly operation?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(data: D) {
    super(data.message);
    this.kind = data.kind;
    this.retryable = data.retryable;
    this.operation = data.operation;
    this.status = data.status;
    this.retryAfterMs = data.retryAfterMs;
  }

  /** The error's data fields (subclasses' included), without `undefined` keys. */
  toJSON(): D {
    const out: Record<string, unknown> = { message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (value !== undefined && key !== 'name') out[key] = value;
    }
    return out as D;
  }
}
