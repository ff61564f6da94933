/**
 * One place that sends an HTTP request and turns every outcome into either a raw
 * response or a WebexApiError. Axios errors are never rethrown or attached as `cause`:
 * they carry the request config, i.e. the bearer token and form-encoded client secret.
 */
import axios, { AxiosInstance } from 'axios';
import { z } from 'zod';
import { DEFAULT_RETRY_AFTER_POLICY, RetryAfterPolicy, WebexApiError, parseRetryAfterMs } from './errors';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface TransportOptions {
  baseUrl: string;
  timeoutMs?: number;
  retryAfter?: Partial<RetryAfterPolicy>;
}

export interface Transport {
  baseUrl: string;
  timeoutMs: number;
  retryAfter: RetryAfterPolicy;
  http: AxiosInstance;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SendRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Label used in errors, e.g. `GET /rooms/{roomId}`; never contains ids or query values. */
  operation: string;
  headers?: Record<string, string>;
  data?: string;
}

export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function createTransport(opts: TransportOptions): Transport {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const http = axios.create({
    timeout: timeoutMs,
    // Statuses are mapped by us; bodies are parsed by us so non-JSON bodies become typed errors.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    maxRedirects: 0,
    maxContentLength: 10 * 1024 * 1024,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });
  return {
    baseUrl: trimBaseUrl(opts.baseUrl),
    timeoutMs,
    retryAfter: { ...DEFAULT_RETRY_AFTER_POLICY, ...opts.retryAfter },
    http,
  };
}

/** Codes that mean the request never reached the server, so it cannot have been applied. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_INVALID_URL',
  'ERR_BAD_OPTION_VALUE',
]);

const sideEffecting = (method: string): boolean => method !== 'GET';

export async function send(t: Transport, req: SendRequest): Promise<RawResponse> {
  try {
    const res = await t.http.request<string>({
      method: req.method,
      url: req.url,
      headers: req.headers,
      data: req.data,
      // Axios' own timeout is a socket-idle timeout; this one bounds the whole exchange.
      signal: AbortSignal.timeout(t.timeoutMs),
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers ?? {})) {
      if (v !== undefined && v !== null)
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    return { status: res.status, headers, body: typeof res.data === 'string' ? res.data : '' };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const isTimeout = code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ERR_CANCELED';
    if (isTimeout) {
      throw new WebexApiError({
        kind: 'timeout',
        message: `Webex ${req.operation} timed out after ${t.timeoutMs} ms`,
        retryable: true,
        mayHaveBeenApplied: sideEffecting(req.method),
        operation: req.operation,
      });
    }
    throw new WebexApiError({
      kind: 'network',
      message: `Webex ${req.operation} failed: network error${code ? ` (${code})` : ''}`,
      retryable: true,
      mayHaveBeenApplied: sideEffecting(req.method) && !NOT_SENT_CODES.has(code),
      operation: req.operation,
    });
  }
}

export function trackingIdOf(res: RawResponse, body?: unknown): string | undefined {
  const fromBody = isRecord(body) && typeof body.trackingId === 'string' ? body.trackingId : undefined;
  return res.headers['trackingid'] ?? fromBody;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a JSON body or returns undefined (error bodies may be HTML, e.g. on 429). */
export function tryParseJson(body: string): unknown {
  try {
    return body.trim() === '' ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Maps a non-2xx status of a normal API call (not the token endpoint) to a typed error. */
export function errorFromStatus(t: Transport, req: SendRequest, res: RawResponse): WebexApiError {
  const body = tryParseJson(res.body);
  const base = {
    status: res.status,
    trackingId: trackingIdOf(res, body),
    operation: req.operation,
  };
  const msg = (kind: string) => `Webex ${req.operation} failed: HTTP ${res.status} (${kind})`;
  const s = res.status;
  if (s === 429 || s === 423) {
    return new WebexApiError({
      ...base,
      kind: 'rate_limited',
      message: msg('rate_limited'),
      retryable: true,
      retryAfterMs: parseRetryAfterMs(res.headers['retry-after'], t.retryAfter),
      mayHaveBeenApplied: false,
    });
  }
  if (s >= 500 || s === 408) {
    const ra = res.headers['retry-after'];
    return new WebexApiError({
      ...base,
      kind: 'server',
      message: msg('server'),
      retryable: true,
      ...(ra !== undefined ? { retryAfterMs: parseRetryAfterMs(ra, t.retryAfter) } : {}),
      // POST is not idempotent on Webex: a 5xx does not prove the room/message was not created.
      mayHaveBeenApplied: req.method === 'POST',
    });
  }
  const kind =
    s === 401 ? 'unauthorized' : s === 404 ? 'not_found' : s >= 400 ? 'bad_request' : 'invalid_response';
  return new WebexApiError({
    ...base,
    kind,
    message: msg(kind),
    retryable: false,
    mayHaveBeenApplied: false,
  });
}

/** Validates a 2xx body; any mismatch names the field path, never the value. */
export function parseBody<T>(schema: z.ZodType<T>, req: SendRequest, res: RawResponse): T {
  const invalid = (detail: string) =>
    new WebexApiError({
      kind: 'invalid_response',
      message: `Webex ${req.operation}: invalid response: ${detail}`,
      // Retrying will not fix a contract mismatch; a 2xx on POST means it was applied.
      retryable: false,
      mayHaveBeenApplied: sideEffecting(req.method),
      status: res.status,
      trackingId: res.headers['trackingid'],
      operation: req.operation,
    });
  let data: unknown;
  try {
    data = JSON.parse(res.body);
  } catch {
    throw invalid('body: not JSON');
  }
  const result = schema.safeParse(data);
  if (!result.success) throw invalid(describeIssues(result.error, data));
  return result.data;
}

function describeIssues(error: z.ZodError, data: unknown): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
      if (issue.code === 'invalid_type') {
        const got = valueAt(data, issue.path);
        return got === undefined
          ? `${path}: expected ${issue.expected}, missing`
          : `${path}: expected ${issue.expected}, got ${typeName(got)}`;
      }
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
