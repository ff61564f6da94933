/** The Billsby simulator's options and control API (implementation: index.ts, operations.ts, admin.ts). */
import type { BillsbyDataset, SimCustomer, SimInvoice, SimSubscription } from './seed';

export interface BillsbySimulatorOptions {
  port?: number;
  host?: string;
  dataset?: BillsbyDataset;
  latencyMs?: number;
  /** Replaces the dataset's ApiKey (the seed's is `sim-billsby-api-key`). */
  apiKey?: string;
  /** Replaces the dataset's company domain (the seed's is `widgets`). */
  companyDomain?: string;
  /** Where Billsby's public webhooks go; none: operations change data and send nothing. */
  webhook?: WebhookTarget;
  /** How long one webhook send may take before it counts as failed (default 10 s). */
  webhookTimeoutMs?: number;
}

export interface WebhookTarget {
  url: string;
  /** Sent raw in the `secret` header (Billsby's "Secret Key"); none or empty: no header. */
  secret?: string;
}

export interface BillsbyFault {
  status: number;
  /** Sent verbatim as the Retry-After header (seconds, an HTTP date, or junk). */
  retryAfter?: string;
  /** Raw body; a string is sent as text/html, anything else as JSON. */
  body?: unknown;
  /** Only requests whose path contains this. */
  path?: string;
}

export interface BillsbyRequestLogEntry {
  seq: number;
  method: string;
  /** Without the query string. */
  path: string;
  /** The query string without `?`, '' when none. */
  query: string;
  status: number;
  authorized: boolean;
  /** When the request arrived and when its answer was sent (ms since the epoch; 0 until answered). */
  arrivedAt: number;
  answeredAt: number;
}

/** A public webhook body: flat, PascalCase, `Type` and `Id` last (reference §1). */
export type BillsbyWebhookBody = Record<string, unknown> & { Type: string; Id: string };

/** What one webhook send did. Sends never throw: every failure is reported here. */
export interface WebhookDelivery {
  body: BillsbyWebhookBody;
  /** False when no webhook URL is configured (nothing was sent). */
  sent: boolean;
  /** The receiver's HTTP status; null when none came back (not sent, refused, timed out). */
  status: number | null;
  /** A 2xx came back. */
  ok: boolean;
  /** The receiver's answer (parsed JSON, else text); null without one. */
  response: unknown;
  /** Why it failed: `not configured`, a socket error code, `timeout`, or `HTTP <status>`. */
  error?: string;
}

export type CustomerInput = Partial<SimCustomer> & Pick<SimCustomer, 'email' | 'firstName' | 'lastName'>;
export type CustomerPatch = Partial<Omit<SimCustomer, 'customerUniqueId'>>;
export type SubscriptionInput = Partial<SimSubscription> & Pick<SimSubscription, 'customerUniqueId'>;
export type SubscriptionPatch = Partial<Omit<SimSubscription, 'subscriptionUniqueId' | 'customerUniqueId'>>;
export type InvoiceInput = Partial<SimInvoice> & Pick<SimInvoice, 'customerUniqueId' | 'amount' | 'currency'>;
export type InvoicePatch = Partial<Omit<SimInvoice, 'invoiceNumber'>>;

/** An operation named an object the simulator does not have (admin HTTP: 404). */
export class UnknownRecordError extends Error {
  override readonly name = 'UnknownRecordError';
}

export interface BillsbySimulatorControl {
  readonly dataset: BillsbyDataset;

  // Seeding: data only, no webhook.
  addCustomer(c: SimCustomer): void;
  addSubscription(s: SimSubscription): void;
  addInvoice(i: SimInvoice): void;

  // Changes that Billsby announces with a public webhook (sent when a URL is configured).
  /** Missing id: a new 10-character one. Sends CustomerCreated. */
  createCustomer(c: CustomerInput): Promise<WebhookDelivery>;
  /** Sends CustomerUpdated. */
  updateCustomer(customerUniqueId: string, patch: CustomerPatch): Promise<WebhookDelivery>;
  /** Removes the customer (its REST read then 404s). Sends CustomerDeleted. */
  deleteCustomer(customerUniqueId: string): Promise<WebhookDelivery>;
  /** Missing fields get defaults (customer email/name from the customer). Sends SubscriptionCreated. */
  createSubscription(s: SubscriptionInput): Promise<WebhookDelivery>;
  /** Sends SubscriptionUpdated with NextBillingDate offset-less with microseconds. */
  updateSubscription(subscriptionUniqueId: string, patch: SubscriptionPatch): Promise<WebhookDelivery>;
  /** Missing number: `<customerUniqueId>-<n>`; status Pending unless given. Sends InvoiceCreated. */
  createInvoice(i: InvoiceInput): Promise<WebhookDelivery>;
  /** Sends InvoiceUpdated with the invoice's status after the patch. */
  updateInvoice(invoiceNumber: string, patch: InvoicePatch): Promise<WebhookDelivery>;
  /** Status Paid, then InvoiceUpdated `InvoiceStatus: "Paid"` (again on every call, as Billsby may). */
  payInvoice(invoiceNumber: string): Promise<WebhookDelivery>;
  /** Sends the last body sent again, same Id (a Billsby retry). Rejects when nothing was sent yet. */
  resendLast(): Promise<WebhookDelivery>;
  /** Sends this body verbatim (any shape: tests use it for Billsby's mixed types and unknown Types). */
  resend(body: BillsbyWebhookBody): Promise<WebhookDelivery>;
  /** Every send so far, in order. */
  webhookLog(): WebhookDelivery[];

  /** null: stop sending. */
  setWebhook(target: WebhookTarget | null): void;
  /** Only this key is accepted from now on (the old one gets 401: credentials revoked mid-run). */
  setApiKey(apiKey: string): void;

  /** The next `count` matching requests get this response instead of the real one. */
  failNext(count: number, fault: BillsbyFault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  requestLog(): BillsbyRequestLogEntry[];
  /** REST requests per path (no query string), since the start or the last clearRequestLog(). */
  requestCounts(): Record<string, number>;
  clearRequestLog(): void;
}

export interface BillsbySimulator {
  /** Base URL for the client, including `/api/v1/rest`. */
  baseUrl: string;
  /** Origin of the server, where `/__admin` lives. */
  origin: string;
  port: number;
  control: BillsbySimulatorControl;
  close(): Promise<void>;
}
