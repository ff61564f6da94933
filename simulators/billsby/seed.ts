/**
 * Billsby records in the REST API's camelCase shapes (reference §4). Amounts are minor units; dates
 * mix `…Z` and offset-less UTC exactly as the real API does, so consumers must normalise them.
 */

export interface SimCustomer {
  customerUniqueId: string;
  firstName: string;
  lastName: string;
  email: string;
  additionalEmail?: string | null;
  phoneNumber?: string;
  phoneNumberDialCode?: string;
  phoneNumberDialCountry?: string;
  billingAddress?: {
    addressLine1: string;
    addressLine2: string;
    city: string;
    state: string;
    country: string;
    postCode: string;
  };
  createdOn: string;
  status: string;
  totalAmountPaid: number;
  companyCurrency: string;
}

export interface SimSubscription {
  subscriptionUniqueId: string;
  customerUniqueId: string;
  customerEmail: string;
  customerFullname: string;
  productId: number;
  productName: string;
  planId: number;
  planName: string;
  cycleId: number;
  status: 'Active' | 'InTrial' | 'Suspended' | 'Cancelled';
  currency: string;
  nextBillingAmount: number;
  nextBillingAmountFormatted: string;
  nextBillingDate: string;
  totalRevenue: number;
  units: number;
  planPricingModel: { frequency: number; frequencyType: string };
  /** The plan and cycle the subscription moves to at its next renewal; served as null when absent. */
  planIdNext?: number | null;
  cycleIdNext?: number | null;
  /** Served by …/tags/split; not part of the subscription body. */
  planFeatureTags: string[];
  subscriptionFeatureTags: string[];
}

export interface SimInvoice {
  invoiceNumber: string;
  customerUniqueId: string;
  customerEmail: string;
  /** Served as null when absent (the invoice then names its customer by email only). */
  customerFirstName?: string | null;
  customerLastName?: string | null;
  amount: number;
  formattedAmount: string;
  currency: string;
  status: string;
  invoiceType: 'Renewal' | 'OneTimeCharge' | 'Refund' | 'OneTimeCredit';
  subTotal: number;
  taxTotal: number;
  createdOn: string;
  subscriptions: Array<{
    subscriptionUniqueId: string;
    planName: string;
    billingPeriodStart: string;
    billingPeriodEnd: string;
    subscriptionItems: unknown[];
  }>;
}

export interface BillsbyDataset {
  companyDomain: string;
  apiKey: string;
  customers: SimCustomer[];
  subscriptions: SimSubscription[];
  invoices: SimInvoice[];
}

export function billsbySeed(): BillsbyDataset {
  return {
    companyDomain: 'widgets',
    apiKey: 'sim-billsby-api-key',
    customers: [
      {
        customerUniqueId: '5VL9JC0NE0',
        firstName: 'Madeline',
        lastName: 'Parsons',
        email: 'madeline.parsons@example.com',
        additionalEmail: null,
        phoneNumber: '2015552810',
        phoneNumberDialCode: '+1',
        phoneNumberDialCountry: 'US',
        billingAddress: {
          addressLine1: '23 Turnabout Road',
          addressLine2: '',
          city: 'Brighton',
          state: 'East Sussex',
          country: 'GBR',
          postCode: 'BN1 1AA',
        },
        createdOn: '2020-04-29T10:08:39.320Z',
        status: 'Active',
        totalAmountPaid: 1289,
        companyCurrency: 'GBP',
      },
      {
        customerUniqueId: 'QV4WNSL7E6',
        firstName: 'Kenji',
        lastName: 'Sato',
        email: 'kenji.sato@example.com',
        createdOn: '2020-05-02T08:00:00.000Z',
        status: 'Active',
        totalAmountPaid: 500,
        companyCurrency: 'JPY',
      },
    ],
    subscriptions: [
      {
        subscriptionUniqueId: '6WJYRQ9V3G',
        customerUniqueId: '5VL9JC0NE0',
        customerEmail: 'madeline.parsons@example.com',
        customerFullname: 'Madeline Parsons',
        productId: 17,
        productName: 'Gym Membership',
        planId: 24,
        planName: 'Gold',
        cycleId: 35,
        status: 'Active',
        currency: 'GBP',
        nextBillingAmount: 1289,
        nextBillingAmountFormatted: '£12.89',
        nextBillingDate: '2020-12-21T15:59:19.095789',
        totalRevenue: 1289,
        units: 1,
        planPricingModel: { frequency: 1, frequencyType: 'Monthly' },
        planIdNext: null,
        cycleIdNext: null,
        planFeatureTags: ['gold', 'water'],
        subscriptionFeatureTags: ['towel'],
      },
      {
        subscriptionUniqueId: 'M6JYJRPV4Q',
        customerUniqueId: 'QV4WNSL7E6',
        customerEmail: 'kenji.sato@example.com',
        customerFullname: 'Kenji Sato',
        productId: 50,
        productName: 'Streaming',
        planId: 155,
        planName: 'Basic',
        cycleId: 217,
        status: 'InTrial',
        currency: 'JPY',
        nextBillingAmount: 500,
        nextBillingAmountFormatted: '¥500',
        nextBillingDate: '2020-06-22T10:17:42.018276',
        totalRevenue: 500,
        units: 1,
        planPricingModel: { frequency: 1, frequencyType: 'Monthly' },
        planFeatureTags: [],
        subscriptionFeatureTags: [],
      },
    ],
    invoices: [
      {
        invoiceNumber: '5VL9JC0NE0-3',
        customerUniqueId: '5VL9JC0NE0',
        customerEmail: 'madeline.parsons@example.com',
        customerFirstName: 'Madeline',
        customerLastName: 'Parsons',
        amount: 1289,
        formattedAmount: '12.89',
        currency: 'GBP',
        status: 'Paid',
        invoiceType: 'Renewal',
        subTotal: 1074,
        taxTotal: 215,
        createdOn: '2020-06-22T10:17:42.018276',
        subscriptions: [
          {
            subscriptionUniqueId: '6WJYRQ9V3G',
            planName: 'Gold',
            billingPeriodStart: '2020-06-22T10:17:42.018276',
            billingPeriodEnd: '2020-07-22T10:17:42.018276',
            subscriptionItems: [],
          },
        ],
      },
    ],
  };
}
