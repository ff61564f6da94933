/**
 * The simulator's data changes that Billsby announces with a public webhook. Each changes the data
 * first and then sends, so the receiver's REST reads while handling the webhook already see the
 * change (the REST answers agree with what was sent).
 */
import { randomBytes } from 'node:crypto';
import type { BillsbyDataset, SimCustomer, SimInvoice, SimSubscription } from './seed';
import {
  UnknownRecordError,
  type BillsbySimulatorControl,
  type BillsbyWebhookBody,
  type WebhookDelivery,
  type WebhookTarget,
} from './types';
import {
  customerDeletedWebhook,
  customerWebhook,
  invoiceWebhook,
  sendWebhook,
  subscriptionWebhook,
} from './webhooks';

export interface WebhookState {
  target: WebhookTarget | null;
  timeoutMs: number;
  log: WebhookDelivery[];
}

type Operations = Pick<
  BillsbySimulatorControl,
  | 'createCustomer'
  | 'updateCustomer'
  | 'deleteCustomer'
  | 'createSubscription'
  | 'updateSubscription'
  | 'createInvoice'
  | 'updateInvoice'
  | 'payInvoice'
  | 'resendLast'
  | 'resend'
  | 'webhookLog'
>;

/** Billsby-style unique ids: 10 upper-case letters and digits (`5VL9JC0NE0`). */
export function newUniqueId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function createOperations(data: BillsbyDataset, state: WebhookState): Operations {
  const send = async (body: BillsbyWebhookBody) => {
    const delivery = await sendWebhook(state.target, body, state.timeoutMs);
    state.log.push(delivery);
    return delivery;
  };
  const customer = (id: string) => {
    const c = data.customers.find((x) => x.customerUniqueId === id);
    if (!c) throw new UnknownRecordError(`no customer ${id}`);
    return c;
  };
  const subscription = (id: string) => {
    const s = data.subscriptions.find((x) => x.subscriptionUniqueId === id);
    if (!s) throw new UnknownRecordError(`no subscription ${id}`);
    return s;
  };
  const invoice = (n: string) => {
    const i = data.invoices.find((x) => x.invoiceNumber === n);
    if (!i) throw new UnknownRecordError(`no invoice ${n}`);
    return i;
  };
  const subscriptionIds = (customerUniqueId: string) =>
    data.subscriptions
      .filter((s) => s.customerUniqueId === customerUniqueId)
      .map((s) => s.subscriptionUniqueId);
  const isTaken = <T>(list: T[], pick: (x: T) => string, id: string, what: string) => {
    if (list.some((x) => pick(x) === id)) throw new Error(`${what} ${id} already exists`);
  };

  return {
    async createCustomer(input) {
      const c: SimCustomer = {
        createdOn: new Date().toISOString(),
        status: 'Active',
        totalAmountPaid: 0,
        companyCurrency: 'USD',
        ...input,
        customerUniqueId: input.customerUniqueId ?? newUniqueId(),
      };
      isTaken(data.customers, (x) => x.customerUniqueId, c.customerUniqueId, 'customer');
      data.customers.push(c);
      return send(customerWebhook('CustomerCreated', c, subscriptionIds(c.customerUniqueId)));
    },
    async updateCustomer(id, patch) {
      const c = customer(id);
      Object.assign(c, patch, { customerUniqueId: id });
      return send(customerWebhook('CustomerUpdated', c, subscriptionIds(id)));
    },
    async deleteCustomer(id) {
      const c = customer(id);
      data.customers.splice(data.customers.indexOf(c), 1);
      return send(customerDeletedWebhook(id));
    },
    async createSubscription(input) {
      const owner = data.customers.find((x) => x.customerUniqueId === input.customerUniqueId);
      const s: SimSubscription = {
        subscriptionUniqueId: newUniqueId(),
        customerEmail: owner?.email ?? '',
        customerFullname: owner ? `${owner.firstName} ${owner.lastName}` : '',
        productId: 1,
        productName: 'Product',
        planId: 1,
        planName: 'Plan',
        cycleId: 1,
        status: 'Active',
        currency: owner?.companyCurrency ?? 'USD',
        nextBillingAmount: 0,
        nextBillingAmountFormatted: '0',
        nextBillingDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        totalRevenue: 0,
        units: 1,
        planPricingModel: { frequency: 1, frequencyType: 'Monthly' },
        planIdNext: null,
        cycleIdNext: null,
        planFeatureTags: [],
        subscriptionFeatureTags: [],
        ...input,
      };
      isTaken(data.subscriptions, (x) => x.subscriptionUniqueId, s.subscriptionUniqueId, 'subscription');
      data.subscriptions.push(s);
      return send(subscriptionWebhook('SubscriptionCreated', s));
    },
    async updateSubscription(id, patch) {
      const s = subscription(id);
      Object.assign(s, patch, { subscriptionUniqueId: id, customerUniqueId: s.customerUniqueId });
      return send(subscriptionWebhook('SubscriptionUpdated', s));
    },
    async createInvoice(input) {
      const owner = data.customers.find((x) => x.customerUniqueId === input.customerUniqueId);
      const n = data.invoices.filter((x) => x.customerUniqueId === input.customerUniqueId).length + 1;
      const i: SimInvoice = {
        invoiceNumber: `${input.customerUniqueId}-${n}`,
        customerEmail: owner?.email ?? '',
        customerFirstName: owner?.firstName ?? null,
        customerLastName: owner?.lastName ?? null,
        formattedAmount: (input.amount / 100).toFixed(2),
        status: 'Pending',
        invoiceType: 'OneTimeCharge',
        subTotal: input.amount,
        taxTotal: 0,
        createdOn: new Date().toISOString(),
        subscriptions: [],
        ...input,
      };
      isTaken(data.invoices, (x) => x.invoiceNumber, i.invoiceNumber, 'invoice');
      data.invoices.push(i);
      return send(invoiceWebhook('InvoiceCreated', i));
    },
    async updateInvoice(n, patch) {
      const i = invoice(n);
      Object.assign(i, patch, { invoiceNumber: n });
      return send(invoiceWebhook('InvoiceUpdated', i));
    },
    async payInvoice(n) {
      const i = invoice(n);
      i.status = 'Paid';
      return send(invoiceWebhook('InvoiceUpdated', i));
    },
    async resendLast() {
      const last = state.log.at(-1);
      if (!last) throw new Error('no webhook was sent yet');
      return send(last.body);
    },
    resend: (body) => send(body),
    webhookLog: () => state.log.map((d) => ({ ...d })),
  };
}
