/**
 * The "hardcoded message" of each trigger (DESIGN §4.4, seed 000): the trigger name, then one
 * `Key: value` line per field in the seed's order and with the seed's spelling — including its
 * oddities `AmountPaidinUsd`, `currencyCode` and `BilllingPeriodEnd`, which customers may
 * already parse. The seed's `LastName:[PopulatedName]` (no space) is a typo in the doc; DESIGN
 * fixes the separator to `": "` for every line.
 *
 * Every line is always present; a missing or null value renders as `Key: ` (with the space).
 * Consequences, chosen deliberately:
 * - `CustomerUpdated` without `OldDetails` (or `NewDetails`) still renders all 12 of its
 *   `OldDetails_*` lines, each empty, so every Customer updated message has the same shape.
 * - A list that is missing, null or empty renders just its header line (`InvoiceSubscriptions:`
 *   or `SubscriptionFeatureTags:`, no trailing space, as in the seed); the seed's `1:` block
 *   describes an item, and inventing an empty item would claim a subscription that does not
 *   exist.
 * - An empty tag renders `1: `.
 */
import { formatMinorUnits } from './currency-minor-units';
import type {
  BillsbyEvent,
  BillsbyEventType,
  CustomerDetails,
  InvoiceSubscription,
  PaymentSucceededEvent,
  SubscriptionUpdatedEvent,
} from './event-schema';
import { formatIsoDateTime } from './iso-date';
import { sanitiseValue } from './message-text';

const TRIGGER_NAMES: Record<BillsbyEventType, string> = {
  CustomerCreated: 'Customer created',
  CustomerUpdated: 'Customer updated',
  SubscriptionCreated: 'Subscription created',
  SubscriptionUpdated: 'Subscription updated',
  PaymentSucceeded: 'Successful payment',
};

/** The first line of every message of this type (`Successful payment` for `PaymentSucceeded`). */
export function triggerName(type: BillsbyEventType): string {
  return TRIGGER_NAMES[type];
}

type Value = string | number | null | undefined;

/** One `Key: value` line; the value is sanitised so it can neither add nor break a line. */
function line(key: string, value: Value): string {
  return `${key}: ${value === null || value === undefined ? '' : sanitiseValue(String(value))}`;
}

/** Valid dates as `toISOString()`; anything else (only reachable with unvalidated input) as sent. */
function date(value: string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : (formatIsoDateTime(value) ?? value);
}

function amount(minorUnits: number | null | undefined, currencyCode: string): string | undefined {
  return minorUnits === null || minorUnits === undefined
    ? undefined
    : formatMinorUnits(minorUnits, currencyCode);
}

/** Full customer details under `prefix` (`CustomerDetails`, `OldDetails`, `NewDetails`). */
function customerDetailsLines(prefix: string, details: CustomerDetails | null | undefined): string[] {
  const address = details?.BillingAddress;
  return [
    line(`${prefix}_Email`, details?.Email),
    line(`${prefix}_FirstName`, details?.FirstName),
    line(`${prefix}_LastName`, details?.LastName),
    line(`${prefix}_PhoneNumber`, details?.PhoneNumber),
    line(`${prefix}_PhoneNumberDialCode`, details?.PhoneNumberDialCode),
    line(`${prefix}_PhoneNumberCountry`, details?.PhoneNumberCountry),
    line(`${prefix}_BillingAddress_AddressLine1`, address?.AddressLine1),
    line(`${prefix}_BillingAddress_AddressLine2`, address?.AddressLine2),
    line(`${prefix}_BillingAddress_City`, address?.City),
    line(`${prefix}_BillingAddress_Country`, address?.Country),
    line(`${prefix}_BillingAddress_State`, address?.State),
    line(`${prefix}_BillingAddress_Postcode`, address?.Postcode),
  ];
}

function featureTagLines(tags: SubscriptionUpdatedEvent['SubscriptionFeatureTags']): string[] {
  return ['SubscriptionFeatureTags:', ...(tags ?? []).map((tag, i) => line(String(i + 1), tag))];
}

function invoiceSubscriptionLines(items: readonly InvoiceSubscription[] | null | undefined): string[] {
  return [
    'InvoiceSubscriptions:',
    ...(items ?? []).flatMap((item, i) => [
      `${i + 1}:`,
      line('PlanName', item.PlanName),
      line('ProductName', item.ProductName),
      line('BillingPeriodStart', date(item.BillingPeriodStart)),
      line('BilllingPeriodEnd', date(item.BillingPeriodEnd)), // sic: the seed's spelling
      line('SubscriptionUniqueId', item.SubscriptionUniqueId),
    ]),
  ];
}

function paymentLines(event: PaymentSucceededEvent): string[] {
  return [
    line('CustomerUniqueId', event.CustomerUniqueId),
    line('AmountPaid', amount(event.AmountPaid, event.CurrencyCode)),
    line('AmountPaidinUsd', amount(event.AmountPaidInUsd, 'USD')), // sic: lower-case "in"
    line('PaidOn', date(event.PaidOn)),
    line('currencyCode', event.CurrencyCode), // sic: lower-case "c"
    line('CustomerDetails_Email', event.CustomerDetails?.Email),
    line('CustomerDetails_FirstName', event.CustomerDetails?.FirstName),
    line('CustomerDetails_LastName', event.CustomerDetails?.LastName),
    line('InvoiceCodeNumber', event.InvoiceCodeNumber),
    ...invoiceSubscriptionLines(event.InvoiceSubscriptions),
  ];
}

/** All lines of the event's message, the trigger name first, before any splitting. */
export function messageLines(event: BillsbyEvent): string[] {
  return [triggerName(event.Type), ...fieldLines(event)];
}

function fieldLines(event: BillsbyEvent): string[] {
  switch (event.Type) {
    case 'CustomerCreated':
      return [
        line('CustomerUniqueId', event.CustomerUniqueId),
        ...customerDetailsLines('CustomerDetails', event.CustomerDetails),
      ];
    case 'CustomerUpdated':
      return [
        line('CustomerUniqueId', event.CustomerUniqueId),
        ...customerDetailsLines('OldDetails', event.OldDetails),
        ...customerDetailsLines('NewDetails', event.NewDetails),
      ];
    case 'SubscriptionCreated':
      return [
        line('CustomerUniqueId', event.CustomerUniqueId),
        line('SubscriptionUniqueId', event.SubscriptionUniqueId),
        line('BillsbyProduct', event.BillsbyProduct),
        line('BillsbyPlan', event.BillsbyPlan),
        line('BillsbyCycle', event.BillsbyCycle),
      ];
    case 'SubscriptionUpdated':
      return [
        line('CustomerUniqueId', event.CustomerUniqueId),
        line('SubscriptionUniqueId', event.SubscriptionUniqueId),
        line('BillsbyProductId', event.BillsbyProductId),
        line('BillsbyPlanId', event.BillsbyPlanId),
        line('BillsbyCycleId', event.BillsbyCycleId),
        line('SubscriptionStatus', event.SubscriptionStatus),
        line('NextBillsbyPlanId', event.NextBillsbyPlanId),
        line('NextBillsbyCycleId', event.NextBillsbyCycleId),
        line('NextBillingDate', date(event.NextBillingDate)),
        ...featureTagLines(event.SubscriptionFeatureTags),
      ];
    case 'PaymentSucceeded':
      return paymentLines(event);
  }
}
