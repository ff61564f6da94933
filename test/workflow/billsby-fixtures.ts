/**
 * Billsby records for the public-webhook tests, written out in full so each test's expected text
 * follows from what is here (not from the simulator's seed), and public webhooks in Billsby's
 * documented shapes (reference/billsby-webhooks.md §1).
 */
import { randomUUID } from 'node:crypto';
import type { SimCustomer, SimInvoice, SimSubscription } from '../../simulators/billsby';
import { closeTestConnections } from '../harness/temporal';
import { api, eventually, integrationStatus, startWebexApp, type WebexApp } from '../harness/webex-app';

export interface BillsbyStatus {
  counts: Record<string, number>;
  billsby: { state: string; companyDomain: string | null };
  alerts: { code: string }[];
  lastError: string | null;
}

/**
 * One file's app with a Billsby simulator (started before its tests, closed after) and the calls
 * its tests share: a fresh account id, the status, storing the simulator's credentials, waiting for
 * deliveries.
 */
export function billsbyTestApp(prefix: string) {
  let app: WebexApp | undefined;
  beforeAll(async () => {
    app = await startWebexApp({ billsby: {} });
  });
  afterAll(async () => {
    await app?.close();
    await closeTestConnections();
  });
  let counter = 0;
  const kit = {
    get app(): WebexApp {
      return app!;
    },
    sim: () => app!.billsby!,
    newAccount: () => `${prefix}-${Date.now().toString(36)}-${counter++}`,
    statusOf: async (accountId: string) => (await integrationStatus(app!, accountId)).body as BillsbyStatus,
    putCredentials: (accountId: string, apiKey = app!.billsby!.control.dataset.apiKey) =>
      api(app!, `/api/accounts/${accountId}/billsby`, {
        method: 'PUT',
        json: { companyDomain: app!.billsby!.control.dataset.companyDomain, apiKey },
      }),
    delivered: (accountId: string, n: number) =>
      eventually(
        () => kit.statusOf(accountId),
        (s) => (s.counts?.delivered ?? 0) >= n,
      ),
  };
  return kit;
}

/** Ids no other test uses (the simulator is shared by a file's tests). */
export function uniqueIds(tag: string) {
  const n = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.toUpperCase();
  return {
    customer: `C${tag.toUpperCase()}${n}`.slice(0, 24),
    subscription: `S${tag.toUpperCase()}${n}`.slice(0, 24),
    invoice: `C${tag.toUpperCase()}${n}-3`.slice(0, 26),
  };
}

export function publicWebhook<T extends Record<string, unknown>>(type: string, fields: T) {
  return { ...fields, Type: type, Id: randomUUID() };
}

export function madeline(customerUniqueId: string): SimCustomer {
  return {
    customerUniqueId,
    firstName: 'Madeline',
    lastName: 'Parsons',
    email: 'madeline.parsons@example.com',
    additionalEmail: null,
    phoneNumber: '2015552810',
    phoneNumberDialCode: '+44',
    phoneNumberDialCountry: 'GB',
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
  };
}

/** Quarterly (frequency 3, months), next plan 25, tags that repeat across plan and subscription. */
export function goldSubscription(subscriptionUniqueId: string, customerUniqueId: string): SimSubscription {
  return {
    subscriptionUniqueId,
    customerUniqueId,
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
    planPricingModel: { frequency: 3, frequencyType: 'Months' },
    planIdNext: 25,
    cycleIdNext: null,
    planFeatureTags: ['gold', 'water'],
    subscriptionFeatureTags: ['water', 'towel'],
  };
}

/** The invoice names the customer by email only: first and last names come from the customer read. */
export function paidInvoice(
  invoiceNumber: string,
  customerUniqueId: string,
  subscriptionUniqueId: string,
): SimInvoice {
  return {
    invoiceNumber,
    customerUniqueId,
    customerEmail: 'madeline.parsons@example.com',
    customerFirstName: null,
    customerLastName: null,
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
        subscriptionUniqueId,
        planName: 'Gold',
        billingPeriodStart: '2020-06-22T10:17:42.018276',
        billingPeriodEnd: '2020-07-22T10:17:42.018276',
        subscriptionItems: [],
      },
    ],
  };
}
