/**
 * Metrics hooks around the connectors' clients, so the connectors depend on no metrics library and
 * need no change: every client call is reported once, with how it ended. What a call reports is
 * taken from the connectors' typed errors (status, kind, BILL code, Retry-After), never a URL, an
 * id, a token or a body.
 */
export interface ObservedCall {
  /** The client method, e.g. `postMessage`, `refreshToken`, `listUsers`. */
  operation: string;
  /** ok: a 2xx answer the connector accepted; error: an answer it turned into an error. */
  outcome: 'ok' | 'error' | 'timeout' | 'network';
  /** The HTTP status of an error answer, when there was one. */
  status?: number;
  /** BILL's error code (`BDC_nnnn`) of an error answer. */
  code?: string;
  /** The wait the remote asked for (Retry-After, as the connector honours it), in seconds. */
  retryAfterSeconds?: number;
}

/** Told of every call; must not throw (a throw is swallowed: metrics never break a call). */
export type CallObserver = (call: ObservedCall) => void;

interface ConnectorErrorFields {
  kind?: unknown;
  status?: unknown;
  code?: unknown;
  retryAfterMs?: unknown;
}

export function describeCallError(operation: string, err: unknown): ObservedCall {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ConnectorErrorFields;
  const outcome = e.kind === 'timeout' ? 'timeout' : e.kind === 'network' ? 'network' : 'error';
  return {
    operation,
    outcome,
    ...(typeof e.status === 'number' ? { status: e.status } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.retryAfterMs === 'number' &&
    (e.kind === 'rate_limited' ||
      e.status === 429 ||
      e.status === 423 ||
      (typeof e.status === 'number' && e.status >= 500))
      ? { retryAfterSeconds: e.retryAfterMs / 1000 }
      : {}),
  };
}

function tell(observer: CallObserver, call: ObservedCall): void {
  try {
    observer(call);
  } catch {
    // Metrics never break a call.
  }
}

/** Runs one call and reports how it ended. */
export async function observeCall<T>(
  observer: CallObserver | undefined,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  if (!observer) return call();
  try {
    const result = await call();
    tell(observer, { operation, outcome: 'ok' });
    return result;
  } catch (err) {
    tell(observer, describeCallError(operation, err));
    throw err;
  }
}

/** The client with every method reported (the method's name is the operation). */
export function observeClient<T extends object>(client: T, observer: CallObserver | undefined): T {
  if (!observer) return client;
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) =>
        observeCall(observer, property, () =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
        );
    },
  });
}
