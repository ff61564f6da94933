/**
 * The HTTP core every connector shares: one axios setup, one exchange that turns every outcome into
 * a plain response or a plain "no response" (never an axios error: it carries the request headers,
 * i.e. credentials), and the body helpers. What a status means stays with each connector.
 */
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import type { z } from 'zod';

export interface HttpClientOptions {
  /** With a base URL, requests name paths; without, full URLs. */
  baseUrl?: string;
  /** Axios' socket-idle timeout. */
  timeoutMs: number;
}

export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function createHttpClient(opts: HttpClientOptions): AxiosInstance {
  return axios.create({
    ...(opts.baseUrl !== undefined ? { baseURL: trimBaseUrl(opts.baseUrl) } : {}),
    timeout: opts.timeoutMs,
    // Statuses are mapped by the connector; bodies are parsed by it, so a non-JSON body becomes a typed error.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    maxRedirects: 0,
    maxContentLength: 10 * 1024 * 1024,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });
}

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/** No response: why, and whether the request can have reached the server. */
export interface NoResponse {
  failed: 'timeout' | 'canceled' | 'network';
  /** The socket or axios error code (e.g. `ECONNRESET`), or '' when there is none. */
  code: string;
  /** True when the request never reached the server, so it cannot have been carried out. */
  notSent: boolean;
}

/** Codes that mean the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_INVALID_URL',
  'ERR_BAD_OPTION_VALUE',
]);

export function isNoResponse(r: RawResponse | NoResponse): r is NoResponse {
  return 'failed' in r;
}

/**
 * Sends one request. `totalTimeoutMs` bounds the whole exchange (axios' own timeout only bounds
 * socket idleness); the caller's `signal` cancels it (`canceled`).
 */
export async function exchange(
  http: AxiosInstance,
  req: AxiosRequestConfig,
  opts: { totalTimeoutMs?: number } = {},
): Promise<RawResponse | NoResponse> {
  const deadline = opts.totalTimeoutMs !== undefined ? AbortSignal.timeout(opts.totalTimeoutMs) : undefined;
  const callerSignal = req.signal as AbortSignal | undefined;
  const signal =
    deadline && callerSignal ? AbortSignal.any([deadline, callerSignal]) : (deadline ?? callerSignal);
  try {
    const res = await http.request<string>({ ...req, signal });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers ?? {})) {
      if (v !== undefined && v !== null)
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    return { status: res.status, headers, body: typeof res.data === 'string' ? res.data : '' };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const timedOut =
      code === 'ETIMEDOUT' || code === 'ECONNABORTED' || (code === 'ERR_CANCELED' && !!deadline?.aborted);
    const failed = timedOut ? 'timeout' : code === 'ERR_CANCELED' ? 'canceled' : 'network';
    return { failed, code, notSent: NOT_SENT_CODES.has(code) };
  }
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a JSON body, or answers undefined (empty, or not JSON: error bodies may be HTML). */
export function tryParseJson(body: string): unknown {
  try {
    return body.trim() === '' ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** A zod issue path as `results.0.createdTime`; `(root)` for the body itself. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length ? path.map(String).join('.') : '(root)';
}

export type CheckedBody<T> = { ok: true; data: T } | { ok: false; fieldPath: string; detail: string };

/** Validates a parsed 2xx body (undefined: it was not JSON), naming the first offending field. */
export function checkBody<S extends z.ZodTypeAny>(schema: S, body: unknown): CheckedBody<z.output<S>> {
  if (body === undefined)
    return { ok: false, fieldPath: '(root)', detail: 'field (root): response body is not JSON' };
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const fieldPath = issuePath(issue?.path ?? []);
  return { ok: false, fieldPath, detail: `field ${fieldPath}: ${issue?.message ?? 'invalid'}` };
}
