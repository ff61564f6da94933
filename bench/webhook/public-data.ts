/**
 * The `public` section's data: per customer, the Billsby records the simulator serves (customer,
 * subscription with plan and subscription feature tags, a paid invoice), the four thin public
 * webhooks a checkout sends about them (reference/billsby-webhooks.md §1: CustomerCreated,
 * SubscriptionCreated, SubscriptionUpdated, InvoiceUpdated Paid), and the same four events in the
 * rich contract (DESIGN §4.3), written out with what filling should find. Every customer's objects
 * are its own (ids, city, tags), so nothing is shared between customers.
 */
import type { SimCustomer, SimInvoice, SimSubscription } from '../../simulators/billsby';
import type { BillsbyRecords } from './billsby';

const CITIES = ['Brighton', 'Leeds', 'Bristol', 'Glasgow', 'Cardiff', 'York', 'Bath', 'Norwich'];
const NEXT_BILLING = '2026-12-21T15:59:19.095789';
const PERIOD_START = '2026-11-21T15:59:19.095789';

export interface PublicCustomer {
  index: number;
  customerId: string;
  subscriptionId: string;
  invoiceNumber: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  street: string;
  city: string;
  tag: string;
}

/** The n-th customer of a run; ids carry the run's suffix, so runs never share an object. */
export function publicCustomer(suffix: string, index: number): PublicCustomer {
  const customerId = `PB${suffix}C${index}`.toUpperCase();
  return {
    index,
    customerId,
    subscriptionId: `PB${suffix}S${index}`.toUpperCase(),
    invoiceNumber: `${customerId}-1`,
    email: `customer${index}@example.com`,
    firstName: `First${index}`,
    lastName: `Last${index}`,
    phone: `7700${String(900_000 + index).padStart(6, '0')}`,
    street: `${index + 1} Turnabout Road`,
    city: CITIES[index % CITIES.length]!,
    tag: `locker-${index}`,
  };
}

/** The customer's records in Billsby: the customer, its subscription, its paid invoice. */
export function billsbyRecords(c: PublicCustomer): BillsbyRecords {
  const customer: SimCustomer = {
    customerUniqueId: c.customerId,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    additionalEmail: null,
    phoneNumber: c.phone,
    phoneNumberDialCode: '+44',
    phoneNumberDialCountry: 'GB',
    billingAddress: {
      addressLine1: c.street,
      addressLine2: '',
      city: c.city,
      state: 'East Sussex',
      country: 'GBR',
      postCode: 'BN1 1AA',
    },
    createdOn: '2026-11-21T15:59:19.320Z',
    status: 'Active',
    totalAmountPaid: 1289,
    companyCurrency: 'GBP',
  };
  const subscription: SimSubscription = {
    subscriptionUniqueId: c.subscriptionId,
    customerUniqueId: c.customerId,
    customerEmail: c.email,
    customerFullname: `${c.firstName} ${c.lastName}`,
    productId: 17,
    productName: 'Gym Membership',
    planId: 24,
    planName: 'Gold',
    cycleId: 35,
    status: 'Active',
    currency: 'GBP',
    nextBillingAmount: 1289,
    nextBillingAmountFormatted: '£12.89',
    nextBillingDate: NEXT_BILLING,
    totalRevenue: 1289,
    units: 1,
    planPricingModel: { frequency: 1, frequencyType: 'Monthly' },
    planIdNext: 25,
    cycleIdNext: 36,
    planFeatureTags: ['gold', 'water'],
    subscriptionFeatureTags: ['water', c.tag],
  };
  // Names the customer by email only: the names come from the customer read (as Billsby's invoices do).
  const invoice: SimInvoice = {
    invoiceNumber: c.invoiceNumber,
    customerUniqueId: c.customerId,
    customerEmail: c.email,
    customerFirstName: null,
    customerLastName: null,
    amount: 1289,
    formattedAmount: '12.89',
    currency: 'GBP',
    status: 'Paid',
    invoiceType: 'Renewal',
    subTotal: 1074,
    taxTotal: 215,
    createdOn: PERIOD_START,
    subscriptions: [
      {
        subscriptionUniqueId: c.subscriptionId,
        planName: 'Gold',
        billingPeriodStart: PERIOD_START,
        billingPeriodEnd: NEXT_BILLING,
        subscriptionItems: [],
      },
    ],
  };
  return { customer, subscription, invoice };
}

export type PublicKind = 'customer' | 'subscriptionCreated' | 'subscriptionUpdated' | 'payment';
export const PUBLIC_KINDS: readonly PublicKind[] = [
  'customer',
  'subscriptionCreated',
  'subscriptionUpdated',
  'payment',
];

const SUBSCRIPTION_IDS = (c: PublicCustomer) => ({
  SubscriptionUniqueId: c.subscriptionId,
  CustomerUniqueId: c.customerId,
  SubscriptionStatus: 'Active',
  BillsbyProductId: 17,
  BillsbyPlanId: 24,
  BillsbyCycleId: 35,
});

/** The thin webhook Billsby sends (its documented keys, `Units`, `SubscriptionIds` and `Url` included). */
export function thinEvent(kind: PublicKind, c: PublicCustomer, id: string): object {
  switch (kind) {
    case 'customer':
      return {
        CustomerUniqueId: c.customerId,
        Email: c.email,
        FirstName: c.firstName,
        LastName: c.lastName,
        SubscriptionIds: [c.subscriptionId],
        Type: 'CustomerCreated',
        Id: id,
      };
    case 'subscriptionCreated':
      return { ...SUBSCRIPTION_IDS(c), Units: 1, Type: 'SubscriptionCreated', Id: id };
    case 'subscriptionUpdated':
      return {
        ...SUBSCRIPTION_IDS(c),
        Units: 1,
        NextBillingDate: NEXT_BILLING,
        Type: 'SubscriptionUpdated',
        Id: id,
      };
    case 'payment':
      return {
        InvoiceNumber: c.invoiceNumber,
        InvoiceAmount: 1289,
        CurrencyCode: 'GBP',
        InvoiceStatus: 'Paid',
        Url: `https://app.billsby.com/invoice/${c.invoiceNumber}`,
        Type: 'InvoiceUpdated',
        Id: id,
      };
  }
}

/** The same event in the rich contract: what filling the thin one from the API should give. */
export function richEvent(kind: PublicKind, c: PublicCustomer, id: string, paidOn: string): object {
  switch (kind) {
    case 'customer':
      return {
        Id: id,
        Type: 'CustomerCreated',
        CustomerUniqueId: c.customerId,
        CustomerDetails: {
          Email: c.email,
          FirstName: c.firstName,
          LastName: c.lastName,
          PhoneNumber: c.phone,
          PhoneNumberDialCode: '+44',
          PhoneNumberCountry: 'GB',
          BillingAddress: {
            AddressLine1: c.street,
            AddressLine2: '',
            City: c.city,
            Country: 'GBR',
            State: 'East Sussex',
            Postcode: 'BN1 1AA',
          },
        },
      };
    case 'subscriptionCreated':
      return {
        Id: id,
        Type: 'SubscriptionCreated',
        CustomerUniqueId: c.customerId,
        SubscriptionUniqueId: c.subscriptionId,
        BillsbyProduct: 'Gym Membership',
        BillsbyPlan: 'Gold',
        BillsbyCycle: 'Monthly',
      };
    case 'subscriptionUpdated':
      return {
        Id: id,
        Type: 'SubscriptionUpdated',
        ...SUBSCRIPTION_IDS(c),
        NextBillsbyPlanId: 25,
        NextBillsbyCycleId: 36,
        NextBillingDate: NEXT_BILLING,
        SubscriptionFeatureTags: ['gold', 'water', c.tag],
      };
    case 'payment':
      return {
        Id: id,
        Type: 'PaymentSucceeded',
        CustomerUniqueId: c.customerId,
        AmountPaid: 1289,
        AmountPaidInUsd: null,
        PaidOn: paidOn,
        CurrencyCode: 'GBP',
        CustomerDetails: { Email: c.email, FirstName: c.firstName, LastName: c.lastName },
        InvoiceCodeNumber: c.invoiceNumber,
        InvoiceSubscriptions: [
          {
            PlanName: 'Gold',
            ProductName: 'Gym Membership',
            BillingPeriodStart: PERIOD_START,
            BillingPeriodEnd: NEXT_BILLING,
            SubscriptionUniqueId: c.subscriptionId,
          },
        ],
      };
  }
}

/** Which object a message is about: its trigger line and the id that names it (thin and rich alike). */
export function messageKey(text: string): string | undefined {
  const lines = text.split('\n');
  const field = (key: string) => lines.find((l) => l.startsWith(`${key}: `))?.slice(key.length + 2);
  const id =
    lines[0] === 'Customer created'
      ? field('CustomerUniqueId')
      : lines[0] === 'Subscription created' || lines[0] === 'Subscription updated'
        ? field('SubscriptionUniqueId')
        : lines[0] === 'Successful payment'
          ? field('InvoiceCodeNumber')
          : undefined;
  return id === undefined ? undefined : `${lines[0]}|${id}`;
}
