/**
 * Billsby's public webhooks as the simulator sends them: the exact shapes (and key orders) of the
 * VERBATIM payloads in reference/billsby-webhooks.md §1, a fresh UUID v4 `Id` per event, POSTed as
 * JSON with the raw secret in a `secret` header. A send never throws: refusals, timeouts and non-2xx
 * answers are reported in the {@link WebhookDelivery}.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { SimCustomer, SimInvoice, SimSubscription } from './seed';
import type { BillsbyWebhookBody, WebhookDelivery, WebhookTarget } from './types';

const stamp = (type: string) => ({ Type: type, Id: randomUUID() });

/** CustomerCreated [S3] key order; CustomerUpdated [S1] lists the same keys in another order. */
export function customerWebhook(
  type: 'CustomerCreated' | 'CustomerUpdated',
  c: SimCustomer,
  subscriptionIds: string[],
): BillsbyWebhookBody {
  return type === 'CustomerCreated'
    ? {
        CustomerUniqueId: c.customerUniqueId,
        Email: c.email,
        LastName: c.lastName,
        FirstName: c.firstName,
        SubscriptionIds: subscriptionIds,
        ...stamp(type),
      }
    : {
        Email: c.email,
        LastName: c.lastName,
        FirstName: c.firstName,
        SubscriptionIds: subscriptionIds,
        CustomerUniqueId: c.customerUniqueId,
        ...stamp(type),
      };
}

/** The article text stops before it; the WordPress plugin reads only `CustomerUniqueId` [S9]. */
export function customerDeletedWebhook(customerUniqueId: string): BillsbyWebhookBody {
  return { CustomerUniqueId: customerUniqueId, ...stamp('CustomerDeleted') };
}

/** SubscriptionCreated [S4] / SubscriptionUpdated [S5] (the latter adds NextBillingDate). */
export function subscriptionWebhook(
  type: 'SubscriptionCreated' | 'SubscriptionUpdated',
  s: SimSubscription,
): BillsbyWebhookBody {
  return {
    SubscriptionUniqueId: s.subscriptionUniqueId,
    CustomerUniqueId: s.customerUniqueId,
    SubscriptionStatus: s.status,
    BillsbyProductId: s.productId,
    BillsbyPlanId: s.planId,
    BillsbyCycleId: s.cycleId,
    Units: s.units,
    ...(type === 'SubscriptionUpdated' ? { NextBillingDate: offsetLessUtc(s.nextBillingDate) } : {}),
    ...stamp(type),
  };
}

/** InvoiceCreated [S6] / InvoiceUpdated [S7]. */
export function invoiceWebhook(type: 'InvoiceCreated' | 'InvoiceUpdated', i: SimInvoice): BillsbyWebhookBody {
  return {
    InvoiceNumber: i.invoiceNumber,
    InvoiceAmount: i.amount,
    CurrencyCode: i.currency,
    InvoiceStatus: i.status,
    Url: `https://app.billsby.com/invoice/${encodeURIComponent(i.invoiceNumber)}`,
    ...stamp(type),
  };
}

const OFFSET_LESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/**
 * A date as Billsby's webhooks write it: UTC without an offset, six fraction digits
 * (`2020-06-22T10:17:42.018276`). An offset-less value is already that and is kept verbatim.
 */
export function offsetLessUtc(value: string): string {
  if (OFFSET_LESS.test(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return `${new Date(ms).toISOString().slice(0, -1)}000`;
}

/**
 * One POST on a fresh connection (no keep-alive pool: a receiver that restarted between two events
 * must see a plain refusal, not a stale socket).
 */
export function sendWebhook(
  target: WebhookTarget | null,
  body: BillsbyWebhookBody,
  timeoutMs: number,
): Promise<WebhookDelivery> {
  if (!target)
    return Promise.resolve({
      body,
      sent: false,
      status: null,
      ok: false,
      response: null,
      error: 'not configured',
    });
  const failed = (error: string): WebhookDelivery => ({
    body,
    sent: true,
    status: null,
    ok: false,
    response: null,
    error,
  });
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': payload.length,
  };
  if (target.secret) headers.secret = target.secret;
  return new Promise<WebhookDelivery>((resolve) => {
    let url: URL;
    try {
      url = new URL(target.url);
    } catch {
      return resolve(failed('invalid url'));
    }
    const request = url.protocol === 'https:' ? https.request : http.request;
    const req = request(url, { method: 'POST', headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => resolve(failed(failureCode(err))));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        let response: unknown = text === '' ? null : text;
        try {
          if (text !== '') response = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        const ok = status >= 200 && status < 300;
        resolve({ body, sent: true, status, ok, response, ...(ok ? {} : { error: `HTTP ${status}` }) });
      });
    });
    const deadline = setTimeout(() => req.destroy(new TimeoutError()), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new TimeoutError()));
    req.on('error', (err) => resolve(failed(failureCode(err))));
    req.end(payload);
  });
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

function failureCode(err: unknown): string {
  if (err instanceof TimeoutError) return 'timeout';
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}
