/**
 * Billsby REST client for enriching public webhooks. Auth is the `ApiKey` header. Paths follow the
 * reference: customers and subscriptions live under `/core/{companyDomain}`, invoices under `/core/invoices`.
 */
import { z } from 'zod';
import {
  checkBody,
  createHttpClient,
  exchange,
  isNoResponse,
  isSuccess,
  parseRetryAfterMs,
  tryParseJson,
} from '../http';
import {
  BILLSBY_RETRY_AFTER,
  BillsbyApiError,
  BillsbyErrorKind,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  kindForStatus,
} from './errors';
import {
  BillsbyCustomer,
  BillsbyCustomerPage,
  BillsbyFeatureTags,
  BillsbyInvoice,
  BillsbySubscription,
  customerPageSchema,
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
  /**
   * One page of the company's customers (`page` as Billsby takes it, `pageSize` 1–100). The product
   * reads `listCustomers(1, 1)` only to check an account's credentials and company domain.
   */
  listCustomers(page: number, pageSize: number, call?: CallOptions): Promise<BillsbyCustomerPage>;
  getCustomer(customerUniqueId: string, call?: CallOptions): Promise<BillsbyCustomer>;
  getSubscription(subscriptionUniqueId: string, call?: CallOptions): Promise<BillsbySubscription>;
  getSubscriptionFeatureTags(subscriptionUniqueId: string, call?: CallOptions): Promise<BillsbyFeatureTags>;
  getInvoice(invoiceNumber: string, call?: CallOptions): Promise<BillsbyInvoice>;
}

export function createBillsbyClient(config: BillsbyClientConfig): BillsbyClient {
  const now = config.now ?? Date.now;
  const http = createHttpClient({ baseUrl: config.baseUrl, timeoutMs: config.timeoutMs });
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
    const res = await exchange(http, {
      method: 'GET',
      url: path,
      headers: { ApiKey: config.apiKey, Accept: 'application/json' },
      signal: call?.signal,
    });
    if (isNoResponse(res)) {
      if (res.failed === 'timeout') throw fail(operation, 'timeout', 'no response in time');
      throw fail(
        operation,
        'network',
        res.failed === 'canceled' ? 'request canceled' : res.code || 'connection failed',
      );
    }
    if (!isSuccess(res.status)) {
      const kind = kindForStatus(res.status);
      let retryAfterMs = parseRetryAfterMs(res.headers['retry-after'], BILLSBY_RETRY_AFTER, now());
      if (kind === 'rate_limited' && retryAfterMs === undefined) retryAfterMs = DEFAULT_RATE_LIMIT_WAIT_MS;
      // The error body format is undocumented and may echo personal data, so it is not quoted.
      throw fail(operation, kind, '', { status: res.status, retryAfterMs });
    }
    const checked = checkBody(schema, tryParseJson(res.body));
    if (!checked.ok) {
      throw fail(operation, 'invalid_response', checked.detail, {
        status: res.status,
        fieldPath: checked.fieldPath,
      });
    }
    return checked.data;
  }

  const id = (v: string) => encodeURIComponent(v);
  return {
    listCustomers: (page, pageSize, call) =>
      get(
        'listCustomers',
        `/core/${cd}/customers?page=${encodeURIComponent(page)}&pageSize=${encodeURIComponent(pageSize)}`,
        customerPageSchema,
        call,
      ),
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
