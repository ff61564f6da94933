/**
 * One place that sends an HTTP request and turns every outcome into either a raw
 * response or a WebexApiError. Axios errors are never rethrown or attached as `cause`:
 * they carry the request config, i.e. the bearer token and form-encoded client secret.
 */
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import {
  createHttpClient,
  exchange,
  isNoResponse,
  isRecord,
  trimBaseUrl,
  tryParseJson,
  type RawResponse,
  type RetryAfterPolicy,
} from '../http';
import { DEFAULT_RETRY_AFTER_POLICY, WebexApiError, parseRetryAfterMs } from './errors';

export type { RawResponse } from '../http';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface TransportOptions {
  baseUrl: string;
  timeoutMs?: number;
  retryAfter?: Partial<RetryAfterPolicy>;
}

export interface Transport {
  baseUrl: string;
  timeoutMs: number;
  retryAfter: RetryAfterPolicy & { defaultMs: number };
  http: AxiosInstance;
}

export interface SendRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Label used in errors, e.g. `GET /rooms/{roomId}`; never contains ids or query values. */
  operation: string;
  headers?: Record<string, string>;
  data?: string;
}

export function createTransport(opts: TransportOptions): Transport {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    baseUrl: trimBaseUrl(opts.baseUrl),
    timeoutMs,
    retryAfter: { ...DEFAULT_RETRY_AFTER_POLICY, ...opts.retryAfter },
    http: createHttpClient({ timeoutMs }),
  };
}

const sideEffecting = (method: string): boolean => method !== 'GET';

export async function send(t: Transport, req: SendRequest): Promise<RawResponse> {
  const res = await exchange(
    t.http,
    { method: req.method, url: req.url, headers: req.headers, data: req.data },
    // Axios' own timeout is a socket-idle timeout; this one bounds the whole exchange.
    { totalTimeoutMs: t.timeoutMs },
  );
  if (!isNoResponse(res)) return res;
  if (res.failed === 'timeout') {
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
    message: `Webex ${req.operation} failed: network error${res.code ? ` (${res.code})` : ''}`,
    retryable: true,
    mayHaveBeenApplied: sideEffecting(req.method) && !res.notSent,
    operation: req.operation,
  });
}

export function trackingIdOf(res: RawResponse, body?: unknown): string | undefined {
  const fromBody = isRecord(body) && typeof body.trackingId === 'string' ? body.trackingId : undefined;
  return res.headers['trackingid'] ?? fromBody;
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
