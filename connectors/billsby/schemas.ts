/**
 * zod schemas for the Billsby REST responses the enrichment adapter reads. Amounts are integers in
 * minor units; dates stay strings (Billsby mixes `…Z` and offset-less UTC) for the domain to normalise.
 */
import { z } from 'zod';

const str = z.string().nullish();
const minor = z.number().int().nullish();

export const customerSchema = z.object({
  customerUniqueId: z.string().min(1),
  firstName: str,
  lastName: str,
  email: str,
  additionalEmail: str,
  phoneNumber: str,
  phoneNumberDialCode: str,
  phoneNumberDialCountry: str,
  billingAddress: z
    .object({ addressLine1: str, addressLine2: str, city: str, state: str, country: str, postCode: str })
    .nullish(),
  createdOn: str,
  status: str,
  totalAmountPaid: z.number().nullish(),
  companyCurrency: str,
});
export type BillsbyCustomer = z.output<typeof customerSchema>;

export const subscriptionSchema = z.object({
  subscriptionUniqueId: z.string().min(1),
  customerUniqueId: str,
  customerEmail: str,
  customerFullname: str,
  productId: z.number().int().nullish(),
  productName: str,
  planId: z.number().int().nullish(),
  planName: str,
  cycleId: z.number().int().nullish(),
  status: str,
  currency: str,
  nextBillingAmount: minor,
  nextBillingAmountFormatted: str,
  nextBillingDate: str,
  totalRevenue: z.number().nullish(),
  units: z.number().nullish(),
  planPricingModel: z.object({ frequency: z.number().nullish(), frequencyType: str }).nullish(),
});
export type BillsbySubscription = z.output<typeof subscriptionSchema>;

export const invoiceSchema = z.object({
  invoiceNumber: z.string().min(1),
  customerUniqueId: str,
  customerEmail: str,
  amount: minor,
  formattedAmount: str,
  currency: str,
  status: str,
  invoiceType: str,
  subTotal: minor,
  taxTotal: minor,
  createdOn: str,
  subscriptions: z
    .array(
      z.object({
        subscriptionUniqueId: str,
        planName: str,
        productName: str,
        billingPeriodStart: str,
        billingPeriodEnd: str,
      }),
    )
    .nullish(),
});
export type BillsbyInvoice = z.output<typeof invoiceSchema>;

export const featureTagsSplitSchema = z.object({
  planFeatureTags: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  subscriptionFeatureTags: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
});
export type BillsbyFeatureTags = z.output<typeof featureTagsSplitSchema>;
