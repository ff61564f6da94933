/**
 * One place that sends a BILL request and turns every outcome into either validated data or a
 * BillApiError. Axios errors are never rethrown because they carry the request headers (session ids).
 */
import axios, { AxiosInstance } from 'axios';
import { z } from 'zod';
import {
  BillApiError,
  BillErrorKind,
  isRetryableKind,
  kindFor,
  msUntilNextHour,
  parseBdcErrors,
  redact,
} from './errors';
import type { RequestPacer } from './pacer';

export interface RequestSpec<S extends z.ZodTypeAny> {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  params?: Record<string, string | number | undefined>;
  data?: unknown;
  schema: S;
  /** Values to scrub from any message (session ids, keys, usernames). */
  secrets: Array<string | undefined>;
  signal?: AbortSignal;
}

export interface HttpDeps {
  http: AxiosInstance;
  now: () => number;
  /** Every request, retries included, waits for its turn here (BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR). */
  pacer?: RequestPacer;
}

export function createHttp(baseUrl: string, timeoutMs: number): AxiosInstance {
  return axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    timeout: timeoutMs,
    // Parse ourselves so a non-JSON body becomes invalid_response instead of a string slipping through.
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    maxRedirects: 0,
  });
}

function fail(
  spec: { operation: string; secrets: Array<string | undefined> },
  kind: BillErrorKind,
  detail: string,
  extra: { code?: string; status?: number; retryAfterMs?: number; fieldPath?: string } = {},
): BillApiError {
  const parts = [extra.status !== undefined ? `HTTP ${extra.status}` : undefined, extra.code].filter(Boolean);
  const where = parts.length ? ` (${parts.join(', ')})` : '';
  return new BillApiError({
    kind,
    operation: spec.operation,
    retryable: isRetryableKind(kind),
    message: `BILL ${spec.operation} failed: ${kind}${where}${detail ? `: ${redact(detail, spec.secrets)}` : ''}`,
    ...extra,
  });
}

function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length ? path.map(String).join('.') : '(root)';
}

export async function send<S extends z.ZodTypeAny>(
  deps: HttpDeps,
  spec: RequestSpec<S>,
): Promise<z.output<S>> {
  let res;
  const done = deps.pacer ? await deps.pacer.acquire() : undefined;
  try {
    res = await deps.http.request<string>({
      method: spec.method,
      url: spec.path,
      headers: { Accept: 'application/json', ...spec.headers },
      params: spec.params,
      data: spec.data,
      signal: spec.signal,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED')
      return Promise.reject(fail(spec, 'timeout', 'no response in time'));
    if (code === 'ERR_CANCELED') return Promise.reject(fail(spec, 'network', 'request canceled'));
    return Promise.reject(fail(spec, 'network', code ?? 'connection failed'));
  } finally {
    done?.();
  }

  const raw = typeof res.data === 'string' ? res.data : '';
  let body: unknown;
  let jsonOk = true;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    jsonOk = false;
  }

  if (res.status < 200 || res.status >= 300) {
    const items = jsonOk ? parseBdcErrors(body) : [];
    const codes = items.map((i) => i.code).filter((c): c is string => !!c);
    const kind = kindFor(res.status, codes);
    const code = codes.find((c) => kindFor(res.status, [c]) === kind) ?? codes[0];
    const headerWait = parseRetryAfter(res.headers['retry-after'], deps.now());
    let retryAfterMs = headerWait;
    if (kind === 'hourly_limit' && retryAfterMs === undefined) retryAfterMs = msUntilNextHour(deps.now());
    const detail = items.find((i) => i.message)?.message ?? (jsonOk ? '' : 'non-JSON error body');
    return Promise.reject(fail(spec, kind, detail, { code, status: res.status, retryAfterMs }));
  }

  if (!jsonOk || body === undefined) {
    return Promise.reject(
      fail(spec, 'invalid_response', 'field (root): response body is not JSON', {
        status: res.status,
        fieldPath: '(root)',
      }),
    );
  }
  const parsed = spec.schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const fieldPath = issuePath(issue?.path ?? []);
    return Promise.reject(
      fail(spec, 'invalid_response', `field ${fieldPath}: ${issue?.message ?? 'invalid'}`, {
        status: res.status,
        fieldPath,
      }),
    );
  }
  return parsed.data;
}
