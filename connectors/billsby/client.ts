/**
 * Billsby REST client for enriching public webhooks. Auth is the `ApiKey` header. Paths follow the
 * reference: customers and subscriptions live under `/core/{companyDomain}`, invoices under `/core/invoices`.
 */
import axios from 'axios';
import { z } from 'zod';
import {
  BillsbyApiError,
  BillsbyErrorKind,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  kindForStatus,
  parseRetryAfter,
} from './errors';
import {
  BillsbyCustomer,
  BillsbyFeatureTags,
  BillsbyInvoice,
  BillsbySubscription,
  customerSchema,
  featureTagsSplitSchema,
  invoiceSchema,
  subscriptionSchema,
} from './schemas';

export interface BillsbyClientConfig {
  /** e.g. `https://public.billsby.com/api/v1/rest` */
  baseUrl: string;
  apiKey: string;
  /** The account's login subdomain (`widgets` for widgets.billsby.com). */
  companyDomain: string;
  timeoutMs: number;
  now?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface BillsbyClient {
  getCustomer(customerUniqueId: string, call?: CallOptions): Promise<BillsbyCustomer>;
  getSubscription(subscriptionUniqueId: string, call?: CallOptions): Promise<BillsbySubscription>;
  getSubscriptionFeatureTags(subscriptionUniqueId: string, call?: CallOptions): Promise<BillsbyFeatureTags>;
  getInvoice(invoiceNumber: string, call?: CallOptions): Promise<BillsbyInvoice>;
}

export function createBillsbyClient(config: BillsbyClientConfig): BillsbyClient {
  const now = config.now ?? Date.now;
  const http = axios.create({
    baseURL: config.baseUrl.replace(/\/+$/, ''),
    timeout: config.timeoutMs,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    maxRedirects: 0,
  });
  const cd = encodeURIComponent(config.companyDomain);

  const fail = (
    operation: string,
    kind: BillsbyErrorKind,
    detail: string,
    extra: Partial<BillsbyApiError> = {},
  ) =>
    new BillsbyApiError({
      kind,
      operation,
      message: `Billsby ${operation} failed: ${kind}${extra.status ? ` (HTTP ${extra.status})` : ''}${detail ? `: ${detail}` : ''}`,
      status: extra.status,
      retryAfterMs: extra.retryAfterMs,
      fieldPath: extra.fieldPath,
    });

  async function get<S extends z.ZodTypeAny>(
    operation: string,
    path: string,
    schema: S,
    call?: CallOptions,
  ): Promise<z.output<S>> {
    let res;
    try {
      res = await http.get<string>(path, {
        headers: { ApiKey: config.apiKey, Accept: 'application/json' },
        signal: call?.signal,
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ETIMEDOUT' || code === 'ECONNABORTED')
        throw fail(operation, 'timeout', 'no response in time');
      throw fail(
        operation,
        'network',
        code === 'ERR_CANCELED' ? 'request canceled' : (code ?? 'connection failed'),
      );
    }
    if (res.status < 200 || res.status >= 300) {
      const kind = kindForStatus(res.status);
      let retryAfterMs = parseRetryAfter(res.headers['retry-after'], now());
      if (kind === 'rate_limited' && retryAfterMs === undefined) retryAfterMs = DEFAULT_RATE_LIMIT_WAIT_MS;
      // The error body format is undocumented and may echo personal data, so it is not quoted.
      throw fail(operation, kind, '', { status: res.status, retryAfterMs });
    }
    let body: unknown;
    try {
      body = JSON.parse(typeof res.data === 'string' ? res.data : '');
    } catch {
      throw fail(operation, 'invalid_response', 'field (root): response body is not JSON', {
        status: res.status,
        fieldPath: '(root)',
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const fieldPath = issue?.path.length ? issue.path.map(String).join('.') : '(root)';
      throw fail(operation, 'invalid_response', `field ${fieldPath}: ${issue?.message ?? 'invalid'}`, {
        status: res.status,
        fieldPath,
      });
    }
    return parsed.data;
  }

  const id = (v: string) => encodeURIComponent(v);
  return {
    getCustomer: (cid, call) => get('getCustomer', `/core/${cd}/customers/${id(cid)}`, customerSchema, call),
    getSubscription: (sid, call) =>
      get('getSubscription', `/core/${cd}/subscriptions/${id(sid)}`, subscriptionSchema, call),
    getSubscriptionFeatureTags: (sid, call) =>
      get(
        'getSubscriptionFeatureTags',
        `/core/${cd}/subscriptions/${id(sid)}/tags/split`,
        featureTagsSplitSchema,
        call,
      ),
    getInvoice: (n, call) => get('getInvoice', `/core/invoices/${id(n)}`, invoiceSchema, call),
  };
}
