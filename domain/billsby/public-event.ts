/**
 * Billsby's public webhooks (DESIGN §4.3.1, reference/billsby-webhooks.md §1): the thin shapes a
 * real Billsby account sends, every type to the one URL. They carry ids and top-level names only;
 * the delivery activity fills the rest of the §4.4 lines from Billsby's REST API before the first
 * post (activities/webex/fill-*.ts) and stores the filled event, a rich {@link BillsbyEvent},
 * in place of this one.
 *
 * Parsed tolerantly, as Billsby's own examples mix types: ids and amounts may be integers or
 * digit strings, currency codes any case. Fields the product never reads (`SubscriptionIds`,
 * `Units`, `Url`) are stripped. Every public event carries `Form: "public"`, which no rich event
 * has: that is how a stored payload says it still needs filling.
 */
import { z } from 'zod';
import { EVENT_ID_PATTERN, MAX_STRING_LENGTH } from './event-schema';
import { isIsoDateTime } from './iso-date';

export const PUBLIC_FORM = 'public';

const text = () =>
  z.string().max(MAX_STRING_LENGTH, { error: `expected at most ${MAX_STRING_LENGTH} characters` });
const optionalText = () => text().nullish();
const requiredId = () => text().min(1, { error: 'expected a non-empty string' });
/** An integer, or the same integer as a digit string (Billsby's examples do both). */
const looseInteger = () =>
  z
    .union([z.int(), z.string().regex(/^-?\d{1,15}$/, { error: 'expected an integer' })])
    .transform((v) => (typeof v === 'string' ? Number(v) : v));
const optionalDate = () =>
  text()
    .refine(isIsoDateTime, {
      error: 'expected a valid ISO-8601 date or date-time, e.g. 2026-07-22 or 2026-07-22T10:17:42.018Z',
    })
    .nullish();
const eventId = z.string().regex(EVENT_ID_PATTERN, {
  error: 'expected 1 to 128 characters, each a letter, digit, ".", "_" or "-"',
});

export const PublicCustomerEventSchema = z.object({
  Id: eventId,
  Type: z.enum(['CustomerCreated', 'CustomerUpdated']),
  CustomerUniqueId: requiredId(),
  Email: optionalText(),
  FirstName: optionalText(),
  LastName: optionalText(),
});

export const PublicSubscriptionEventSchema = z.object({
  Id: eventId,
  Type: z.enum(['SubscriptionCreated', 'SubscriptionUpdated']),
  SubscriptionUniqueId: requiredId(),
  CustomerUniqueId: requiredId(),
  SubscriptionStatus: optionalText(),
  BillsbyProductId: looseInteger().nullish(),
  BillsbyPlanId: looseInteger().nullish(),
  BillsbyCycleId: looseInteger().nullish(),
  NextBillingDate: optionalDate(),
});

/** `InvoiceUpdated` with `InvoiceStatus: "Paid"`: Billsby's only successful-payment signal. */
export const PublicInvoicePaidSchema = z.object({
  Id: eventId,
  Type: z.literal('InvoiceUpdated'),
  InvoiceNumber: requiredId(),
  /** Minor units, like every Billsby amount (1289 GBP = 12.89). */
  InvoiceAmount: looseInteger(),
  CurrencyCode: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { error: 'expected a 3-letter ISO 4217 code such as GBP' })
    .transform((c) => c.toUpperCase()),
});

export type PublicCustomerEvent = z.output<typeof PublicCustomerEventSchema> & { Form: 'public' };
export type PublicSubscriptionEvent = z.output<typeof PublicSubscriptionEventSchema> & { Form: 'public' };
/** `PaidOn`: when the gateway accepted the webhook (the message's PaidOn, §4.3.1). */
export type PublicInvoicePaidEvent = z.output<typeof PublicInvoicePaidSchema> & {
  Form: 'public';
  PaidOn: string;
};
export type PublicBillsbyEvent = PublicCustomerEvent | PublicSubscriptionEvent | PublicInvoicePaidEvent;

export function isPublicEvent(event: object): event is PublicBillsbyEvent {
  return (event as { Form?: unknown }).Form === PUBLIC_FORM;
}

/**
 * The key that makes a payment announce once: a further `Paid` update of the same invoice is
 * ignored (§4.3.1). null for every other event.
 */
export function onceKeyOf(event: object): string | null {
  return isPublicEvent(event) && event.Type === 'InvoiceUpdated' ? `invoice:${event.InvoiceNumber}` : null;
}

/**
 * Keys only the rich contract (§4.3) has, per type: a body with any of them is the rich form; a
 * body with none is Billsby's public form, filled from its API (an event carrying only ids
 * renders the same either way when no credentials are configured).
 */
export const RICH_ONLY_KEYS: Record<string, readonly string[]> = {
  CustomerCreated: ['CustomerDetails'],
  CustomerUpdated: ['OldDetails', 'NewDetails'],
  SubscriptionCreated: ['BillsbyProduct', 'BillsbyPlan', 'BillsbyCycle'],
  SubscriptionUpdated: ['NextBillsbyPlanId', 'NextBillsbyCycleId', 'SubscriptionFeatureTags'],
};
