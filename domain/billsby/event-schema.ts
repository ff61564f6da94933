/**
 * The Billsby event contract (DESIGN §4.3): one flat JSON object per event, `Type` selecting
 * one of five shapes. Parsed objects keep the input's values unchanged (dates stay the text
 * Billsby sent; the message templates render them), so an event can be re-validated after it
 * has travelled through Temporal. Unknown fields are stripped, not rejected: Billsby adds fields
 * over time (e.g. `Units`, `SubscriptionIds`) and such an event is still deliverable.
 */
import { z } from 'zod';
import { isIsoDateTime } from './iso-date';

export const EVENT_TYPES = [
  'CustomerCreated',
  'CustomerUpdated',
  'SubscriptionCreated',
  'SubscriptionUpdated',
  'PaymentSucceeded',
] as const;
export type BillsbyEventType = (typeof EVENT_TYPES)[number];

/** Longest accepted string value, so every `Key: value` line fits in one Webex message. */
export const MAX_STRING_LENGTH = 1000;
/** Longest accepted list (tags, invoice subscriptions): a sanity bound, not a Billsby rule. */
export const MAX_LIST_LENGTH = 1000;

/**
 * `Id` becomes part of the Temporal workflow id `webex-delivery:<accountId>:<eventId>`, so it
 * is restricted to 1..128 of `A-Z a-z 0-9 . _ -` (a UUID fits). `:` is excluded on purpose so
 * that workflow id splits unambiguously back into its parts.
 */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

const text = () =>
  z.string().max(MAX_STRING_LENGTH, { error: `expected at most ${MAX_STRING_LENGTH} characters` });
const optionalText = () => text().nullish();
const requiredId = () => text().min(1, { error: 'expected a non-empty string' });
/** Billsby's numeric ids (`BillsbyProductId`, …) are JSON integers. */
const optionalInteger = () => z.int().nullish();
/** Amounts are integers in the currency's minor units (1289 GBP = 12.89). */
const amount = () => z.int();
const optionalDate = () =>
  text()
    .refine(isIsoDateTime, {
      error: 'expected a valid ISO-8601 date or date-time, e.g. 2026-07-22 or 2026-07-22T10:17:42.018Z',
    })
    .nullish();
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(MAX_LIST_LENGTH, { error: `expected at most ${MAX_LIST_LENGTH} items` })
    .nullish();

const eventId = z.string().regex(EVENT_ID_PATTERN, {
  error: 'expected 1 to 128 characters, each a letter, digit, ".", "_" or "-"',
});

export const BillingAddressSchema = z.object({
  AddressLine1: optionalText(),
  AddressLine2: optionalText(),
  City: optionalText(),
  Country: optionalText(),
  State: optionalText(),
  Postcode: optionalText(),
});

export const CustomerDetailsSchema = z.object({
  Email: optionalText(),
  FirstName: optionalText(),
  LastName: optionalText(),
  PhoneNumber: optionalText(),
  PhoneNumberDialCode: optionalText(),
  PhoneNumberCountry: optionalText(),
  BillingAddress: BillingAddressSchema.nullish(),
});

/** A payment carries only the customer's name and email (DESIGN §4.3). */
export const PaymentCustomerDetailsSchema = z.object({
  Email: optionalText(),
  FirstName: optionalText(),
  LastName: optionalText(),
});

export const InvoiceSubscriptionSchema = z.object({
  PlanName: optionalText(),
  ProductName: optionalText(),
  BillingPeriodStart: optionalDate(),
  BillingPeriodEnd: optionalDate(),
  SubscriptionUniqueId: optionalText(),
});

const eventBase = { Id: eventId, CustomerUniqueId: requiredId() };

export const CustomerCreatedSchema = z.object({
  ...eventBase,
  Type: z.literal('CustomerCreated'),
  CustomerDetails: CustomerDetailsSchema.nullish(),
});

export const CustomerUpdatedSchema = z.object({
  ...eventBase,
  Type: z.literal('CustomerUpdated'),
  OldDetails: CustomerDetailsSchema.nullish(),
  NewDetails: CustomerDetailsSchema.nullish(),
});

export const SubscriptionCreatedSchema = z.object({
  ...eventBase,
  Type: z.literal('SubscriptionCreated'),
  SubscriptionUniqueId: requiredId(),
  // Names, not ids: the message shows `BillsbyProduct: [PopulatedProduct]`.
  BillsbyProduct: optionalText(),
  BillsbyPlan: optionalText(),
  BillsbyCycle: optionalText(),
});

export const SubscriptionUpdatedSchema = z.object({
  ...eventBase,
  Type: z.literal('SubscriptionUpdated'),
  SubscriptionUniqueId: requiredId(),
  BillsbyProductId: optionalInteger(),
  BillsbyPlanId: optionalInteger(),
  BillsbyCycleId: optionalInteger(),
  SubscriptionStatus: optionalText(),
  NextBillsbyPlanId: optionalInteger(),
  NextBillsbyCycleId: optionalInteger(),
  NextBillingDate: optionalDate(),
  SubscriptionFeatureTags: list(text()),
});

export const PaymentSucceededSchema = z.object({
  ...eventBase,
  Type: z.literal('PaymentSucceeded'),
  AmountPaid: amount(),
  AmountPaidInUsd: amount().nullish(),
  PaidOn: optionalDate(),
  // Shape only: an unknown but well-formed code is still rendered (with 2 minor digits).
  CurrencyCode: z.string().regex(/^[A-Z]{3}$/, { error: 'expected a 3-letter ISO 4217 code such as GBP' }),
  CustomerDetails: PaymentCustomerDetailsSchema.nullish(),
  InvoiceCodeNumber: optionalText(),
  InvoiceSubscriptions: list(InvoiceSubscriptionSchema),
});

export const BillsbyEventSchema = z.discriminatedUnion('Type', [
  CustomerCreatedSchema,
  CustomerUpdatedSchema,
  SubscriptionCreatedSchema,
  SubscriptionUpdatedSchema,
  PaymentSucceededSchema,
]);

export const EVENT_SCHEMAS = {
  CustomerCreated: CustomerCreatedSchema,
  CustomerUpdated: CustomerUpdatedSchema,
  SubscriptionCreated: SubscriptionCreatedSchema,
  SubscriptionUpdated: SubscriptionUpdatedSchema,
  PaymentSucceeded: PaymentSucceededSchema,
} as const satisfies Record<BillsbyEventType, z.ZodType>;

export type BillingAddress = z.infer<typeof BillingAddressSchema>;
export type CustomerDetails = z.infer<typeof CustomerDetailsSchema>;
export type PaymentCustomerDetails = z.infer<typeof PaymentCustomerDetailsSchema>;
export type InvoiceSubscription = z.infer<typeof InvoiceSubscriptionSchema>;
export type CustomerCreatedEvent = z.infer<typeof CustomerCreatedSchema>;
export type CustomerUpdatedEvent = z.infer<typeof CustomerUpdatedSchema>;
export type SubscriptionCreatedEvent = z.infer<typeof SubscriptionCreatedSchema>;
export type SubscriptionUpdatedEvent = z.infer<typeof SubscriptionUpdatedSchema>;
export type PaymentSucceededEvent = z.infer<typeof PaymentSucceededSchema>;
export type BillsbyEvent = z.infer<typeof BillsbyEventSchema>;
