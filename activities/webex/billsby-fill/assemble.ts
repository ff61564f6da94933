/**
 * Filling a public Billsby webhook (DESIGN §4.3.1): the webhook's own values win, the other §4.4
 * lines come from Billsby's REST reads, and the result is a rich {@link BillsbyEvent} that the
 * message templates render like any other. Pure: the reads are done (activities/webex/billsby-fill/
 * reads.ts) and passed in; a read that found nothing (404, or no credentials) is null and its lines
 * stay empty.
 *
 * Values from the API are made safe for the rich contract: strings longer than the contract allows
 * are cut (every line must fit in one message), dates that are not ISO-8601 are left empty (a
 * message never shows a date it cannot render as toISOString()).
 */
import type {
  BillsbyCustomer,
  BillsbyFeatureTags,
  BillsbyInvoice,
  BillsbySubscription,
} from '../../../connectors/billsby';
import {
  MAX_STRING_LENGTH,
  type BillsbyEvent,
  type CustomerDetails,
  type InvoiceSubscription,
} from '../../../domain/billsby/event-schema';
import { isIsoDateTime } from '../../../domain/billsby/iso-date';
import type {
  PublicBillsbyEvent,
  PublicCustomerEvent,
  PublicInvoicePaidEvent,
  PublicSubscriptionEvent,
} from '../../../domain/billsby/public-event';

/** The reads one public event's filling may use; absent: not read or not found. */
export interface FillReads {
  customer(id: string): BillsbyCustomer | null;
  subscription(id: string): BillsbySubscription | null;
  tags(subscriptionId: string): BillsbyFeatureTags | null;
  invoice(number: string): BillsbyInvoice | null;
}

export interface Filled {
  event: BillsbyEvent;
  /** The customer details this message shows (customer events only). */
  lastKnown?: { customerUniqueId: string; details: CustomerDetails };
}

/**
 * @param lastKnown the account's last-known details of the event's customer (a CustomerUpdated's
 * OldDetails), as they stand just before this event in delivery order.
 */
export function assembleFilled(
  event: PublicBillsbyEvent,
  reads: FillReads,
  lastKnown: (customerUniqueId: string) => CustomerDetails | undefined,
): Filled {
  switch (event.Type) {
    case 'CustomerCreated':
    case 'CustomerUpdated':
      return assembleCustomer(event, reads, lastKnown);
    case 'SubscriptionCreated':
    case 'SubscriptionUpdated':
      return { event: assembleSubscription(event, reads) };
    case 'InvoiceUpdated':
      return { event: assemblePayment(event, reads) };
  }
}

function assembleCustomer(
  event: PublicCustomerEvent,
  reads: FillReads,
  lastKnown: (customerUniqueId: string) => CustomerDetails | undefined,
): Filled {
  const c = reads.customer(event.CustomerUniqueId);
  const address = c?.billingAddress;
  const details: CustomerDetails = {
    Email: first(event.Email, c?.email),
    FirstName: first(event.FirstName, c?.firstName),
    LastName: first(event.LastName, c?.lastName),
    PhoneNumber: text(c?.phoneNumber),
    PhoneNumberDialCode: text(c?.phoneNumberDialCode),
    PhoneNumberCountry: text(c?.phoneNumberDialCountry),
    BillingAddress: {
      AddressLine1: text(address?.addressLine1),
      AddressLine2: text(address?.addressLine2),
      City: text(address?.city),
      Country: text(address?.country),
      State: text(address?.state),
      Postcode: text(address?.postCode),
    },
  };
  const base = { Id: event.Id, CustomerUniqueId: event.CustomerUniqueId };
  const filled: BillsbyEvent =
    event.Type === 'CustomerCreated'
      ? { ...base, Type: 'CustomerCreated', CustomerDetails: details }
      : {
          ...base,
          Type: 'CustomerUpdated',
          OldDetails: lastKnown(event.CustomerUniqueId) ?? null,
          NewDetails: details,
        };
  return { event: filled, lastKnown: { customerUniqueId: event.CustomerUniqueId, details } };
}

function assembleSubscription(event: PublicSubscriptionEvent, reads: FillReads): BillsbyEvent {
  const s = reads.subscription(event.SubscriptionUniqueId);
  const base = {
    Id: event.Id,
    CustomerUniqueId: event.CustomerUniqueId,
    SubscriptionUniqueId: event.SubscriptionUniqueId,
  };
  if (event.Type === 'SubscriptionCreated') {
    return {
      ...base,
      Type: 'SubscriptionCreated',
      BillsbyProduct: text(s?.productName),
      BillsbyPlan: text(s?.planName),
      BillsbyCycle: cycleName(s?.planPricingModel),
    };
  }
  const tags = reads.tags(event.SubscriptionUniqueId);
  return {
    ...base,
    Type: 'SubscriptionUpdated',
    BillsbyProductId: event.BillsbyProductId ?? integer(s?.productId),
    BillsbyPlanId: event.BillsbyPlanId ?? integer(s?.planId),
    BillsbyCycleId: event.BillsbyCycleId ?? integer(s?.cycleId),
    SubscriptionStatus: first(event.SubscriptionStatus, s?.status),
    NextBillsbyPlanId: integer(s?.planIdNext),
    NextBillsbyCycleId: integer(s?.cycleIdNext),
    NextBillingDate: event.NextBillingDate ?? date(s?.nextBillingDate),
    SubscriptionFeatureTags: tags
      ? distinct([...tags.planFeatureTags, ...tags.subscriptionFeatureTags])
      : null,
  };
}

function assemblePayment(event: PublicInvoicePaidEvent, reads: FillReads): BillsbyEvent {
  const invoice = reads.invoice(event.InvoiceNumber);
  const customerId = text(invoice?.customerUniqueId);
  // The customer is read only for what the invoice lacks (reads.ts asks for it only then).
  const customer = customerId ? reads.customer(customerId) : null;
  const items: InvoiceSubscription[] = (invoice?.subscriptions ?? []).map((line) => {
    const id = text(line.subscriptionUniqueId);
    return {
      PlanName: text(line.planName),
      // Invoice lines carry no product: it comes from that subscription's read.
      ProductName: id ? text(reads.subscription(id)?.productName) : null,
      BillingPeriodStart: date(line.billingPeriodStart),
      BillingPeriodEnd: date(line.billingPeriodEnd),
      SubscriptionUniqueId: id,
    };
  });
  return {
    Id: event.Id,
    Type: 'PaymentSucceeded',
    // Unknown when Billsby no longer has the invoice: the line stays empty.
    CustomerUniqueId: customerId ?? '',
    AmountPaid: event.InvoiceAmount,
    AmountPaidInUsd: event.CurrencyCode === 'USD' ? event.InvoiceAmount : null,
    PaidOn: event.PaidOn,
    CurrencyCode: event.CurrencyCode,
    CustomerDetails: {
      Email: first(invoice?.customerEmail, customer?.email),
      FirstName: first(invoice?.customerFirstName, customer?.firstName),
      LastName: first(invoice?.customerLastName, customer?.lastName),
    },
    InvoiceCodeNumber: event.InvoiceNumber,
    InvoiceSubscriptions: items,
  };
}

/** Does a payment's invoice leave customer lines to read from the customer? */
export function invoiceLacksCustomerNames(invoice: BillsbyInvoice): boolean {
  return !invoice.customerEmail || !invoice.customerFirstName || !invoice.customerLastName;
}

const UNITS: Record<string, [single: string, plural: string]> = {
  day: ['Daily', 'days'],
  week: ['Weekly', 'weeks'],
  month: ['Monthly', 'months'],
  year: ['Yearly', 'years'],
};

/**
 * `planPricingModel` → the message's BillsbyCycle: frequency 1 → Daily/Weekly/Monthly/Yearly,
 * n > 1 → `Every n days|weeks|months|years`. Billsby's frequencyType spelling is not documented
 * (Days, Monthly, month…): it is matched by its stem, any case; an unknown one leaves the line empty.
 */
export function cycleName(
  model: { frequency?: number | null; frequencyType?: string | null } | null | undefined,
): string | null {
  const frequency = model?.frequency;
  const type = model?.frequencyType?.toLowerCase() ?? '';
  const unit = Object.keys(UNITS).find(
    (stem) => type.startsWith(stem) || (stem === 'day' && type === 'daily'),
  );
  if (!unit || typeof frequency !== 'number' || !Number.isInteger(frequency) || frequency < 1) return null;
  const [single, plural] = UNITS[unit]!;
  return frequency === 1 ? single : `Every ${frequency} ${plural}`;
}

/** Tags in order, each once (plan tags first, then the subscription's own). */
function distinct(tags: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const t = text(tag);
    if (t !== null) seen.add(t);
  }
  return [...seen];
}

/** The webhook's value when it carries one, else the API's. */
function first(fromWebhook: string | null | undefined, fromApi: unknown): string | null {
  return fromWebhook ?? text(fromApi);
}

function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  return value.length > MAX_STRING_LENGTH ? value.slice(0, MAX_STRING_LENGTH) : value;
}

function integer(value: unknown): number | null {
  const n = typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}

function date(value: unknown): string | null {
  return typeof value === 'string' && value.length <= MAX_STRING_LENGTH && isIsoDateTime(value)
    ? value
    : null;
}
