/**
 * One place that sends a BILL request and turns every outcome into either validated data or a
 * BillApiError. Axios errors are never rethrown because they carry the request headers (session ids).
 */
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { checkBody, exchange, isNoResponse, isSuccess, parseRetryAfterMs, tryParseJson } from '../http';
import {
  BILL_RETRY_AFTER,
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

export async function send<S extends z.ZodTypeAny>(
  deps: HttpDeps,
  spec: RequestSpec<S>,
): Promise<z.output<S>> {
  const done = deps.pacer ? await deps.pacer.acquire() : undefined;
  let res;
  try {
    res = await exchange(deps.http, {
      method: spec.method,
      url: spec.path,
      headers: { Accept: 'application/json', ...spec.headers },
      params: spec.params,
      data: spec.data,
      signal: spec.signal,
    });
  } finally {
    done?.();
  }
  if (isNoResponse(res)) {
    if (res.failed === 'timeout') throw fail(spec, 'timeout', 'no response in time');
    throw fail(
      spec,
      'network',
      res.failed === 'canceled' ? 'request canceled' : res.code || 'connection failed',
    );
  }

  const body = tryParseJson(res.body);
  if (!isSuccess(res.status)) {
    const notJson = body === undefined && res.body !== '';
    const items = parseBdcErrors(body);
    const codes = items.map((i) => i.code).filter((c): c is string => !!c);
    const kind = kindFor(res.status, codes);
    const code = codes.find((c) => kindFor(res.status, [c]) === kind) ?? codes[0];
    let retryAfterMs = parseRetryAfterMs(res.headers['retry-after'], BILL_RETRY_AFTER, deps.now());
    if (kind === 'hourly_limit' && retryAfterMs === undefined) retryAfterMs = msUntilNextHour(deps.now());
    const detail = items.find((i) => i.message)?.message ?? (notJson ? 'non-JSON error body' : '');
    throw fail(spec, kind, detail, { code, status: res.status, retryAfterMs });
  }

  const checked = checkBody(spec.schema, body);
  if (!checked.ok) {
    throw fail(spec, 'invalid_response', checked.detail, {
      status: res.status,
      fieldPath: checked.fieldPath,
    });
  }
  return checked.data;
}
