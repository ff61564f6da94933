/**
 * Billsby's public webhooks as the simulator sends them: the exact shapes (and key orders) of the
 * VERBATIM payloads in reference/billsby-webhooks.md §1, a fresh UUID v4 `Id` per event, POSTed as
 * JSON with the raw secret in a `secret` header. A send never throws: refusals, timeouts and non-2xx
 * answers are reported in the {@link WebhookDelivery}.
 */
import { randomUUID } from 'node:crypto';
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

export async function sendWebhook(
  target: WebhookTarget | null,
  body: BillsbyWebhookBody,
  timeoutMs: number,
): Promise<WebhookDelivery> {
  if (!target) return { body, sent: false, status: null, ok: false, response: null, error: 'not configured' };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.secret) headers.secret = target.secret;
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let response: unknown = text;
    try {
      response = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const ok = res.status >= 200 && res.status < 300;
    return {
      body,
      sent: true,
      status: res.status,
      ok,
      response,
      ...(ok ? {} : { error: `HTTP ${res.status}` }),
    };
  } catch (err) {
    return { body, sent: true, status: null, ok: false, response: null, error: failureCode(err) };
  }
}

function failureCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? String((err as Error)?.message ?? err);
}
