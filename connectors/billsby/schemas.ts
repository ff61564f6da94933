/**
 * zod schemas for the Billsby REST responses the enrichment adapter reads.
 *
 * Tolerant by design (reference/billsby-webhooks.md §4, "Shapes to tolerate"): only the fields the
 * product reads are validated, and everything else is dropped without being looked at, so a
 * response that differs in a field we never read (`totalAmountPaid: "440"`, a new object, an array
 * where a number was) cannot fail a delivery. For the fields that are read:
 * - strings accept null or absence;
 * - numbers (ids, frequency, amounts) accept an integer or a string of digits (Billsby's examples
 *   mix both), and come out as numbers; amounts stay minor units, so `12.89` or `"12.89"` is refused;
 * - dates stay strings (Billsby mixes `…Z` and offset-less UTC) for the domain to normalise.
 */
import { z } from 'zod';

/** A string the product reads: null or absent means "not known". */
const str = z.string().nullish();

/** An integer, or a string of digits (at most 15, so it stays a safe integer), as a number. */
const int = z
  .union([z.number().int(), z.string().regex(/^-?\d{1,15}$/, 'expected an integer or a string of digits')])
  .transform((v) => (typeof v === 'string' ? Number(v) : v))
  .nullish();

/** A list the product reads: null or absent reads as empty. */
const list = <T extends z.ZodTypeAny>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

const billingAddressSchema = z.object({
  addressLine1: str,
  addressLine2: str,
  city: str,
  state: str,
  country: str,
  postCode: str,
});

/**
 * `GET /core/{companyDomain}/customers/{customerUniqueId}`. Billsby's details example names the
 * dial-code country `phoneNumberDialCountry`, its list example `phoneNumberDialCodeCountry`: the
 * latter is accepted when the former is missing, and comes out as `phoneNumberDialCountry`.
 */
export const customerSchema = z
  .object({
    email: str,
    firstName: str,
    lastName: str,
    phoneNumber: str,
    phoneNumberDialCode: str,
    phoneNumberDialCountry: str,
    phoneNumberDialCodeCountry: str,
    billingAddress: billingAddressSchema.nullish(),
  })
  .transform(({ phoneNumberDialCodeCountry, ...c }) => ({
    ...c,
    phoneNumberDialCountry: c.phoneNumberDialCountry ?? phoneNumberDialCodeCountry,
  }));
export type BillsbyCustomer = z.output<typeof customerSchema>;

/**
 * `GET /core/{companyDomain}/customers?page&pageSize`: read only to check credentials, so nothing in
 * the rows is validated. Billsby's example starts at `currentPage: 0`.
 */
export const customerPageSchema = z.object({
  currentPage: int,
  pageCount: int,
  pageSize: int,
  rowCount: int,
  results: list(z.unknown()),
});
export type BillsbyCustomerPage = z.output<typeof customerPageSchema>;

/** `GET /core/{companyDomain}/subscriptions/{subscriptionUniqueId}`. */
export const subscriptionSchema = z.object({
  productId: int,
  productName: str,
  planId: int,
  planName: str,
  cycleId: int,
  /** Active, InTrial, Suspended, Cancelled. */
  status: str,
  nextBillingDate: str,
  planPricingModel: z.object({ frequency: int, frequencyType: str }).nullish(),
  /** The plan and cycle the subscription moves to at its next renewal; null when none is due. */
  planIdNext: int,
  cycleIdNext: int,
});
export type BillsbySubscription = z.output<typeof subscriptionSchema>;

/** `GET /core/invoices/{invoiceNumber}` (no companyDomain in the documented path). */
export const invoiceSchema = z.object({
  customerUniqueId: str,
  customerEmail: str,
  customerFirstName: str,
  customerLastName: str,
  amount: int,
  currency: str,
  status: str,
  subscriptions: list(
    z.object({
      subscriptionUniqueId: str,
      planName: str,
      billingPeriodStart: str,
      billingPeriodEnd: str,
    }),
  ),
});
export type BillsbyInvoice = z.output<typeof invoiceSchema>;

/** `GET /core/{companyDomain}/subscriptions/{id}/tags/split`: plan tags, then the subscription's own. */
export const featureTagsSplitSchema = z.object({
  planFeatureTags: list(z.string()),
  subscriptionFeatureTags: list(z.string()),
});
export type BillsbyFeatureTags = z.output<typeof featureTagsSplitSchema>;
