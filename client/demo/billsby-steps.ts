/**
 * The path a real Billsby account takes (DESIGN §4.3.1): its API credentials stored through the
 * gateway, its webhook pointed at the gateway, then changes made in Billsby (the simulator), each
 * announced by Billsby's own thin webhook, which the worker fills from Billsby's REST API.
 */
import type { BillsbySimulator, WebhookDelivery } from '../../simulators/billsby';
import { newUniqueId } from '../../simulators/billsby/operations';
import type { StatusResult } from '../../gateway/integration/service';
import { auth, DEMO_ACCOUNT, settledEvent, status, totals, type Print } from './common';
import { request } from './http';

const account = DEMO_ACCOUNT;

/** What the demo shows in place of the Billsby API key: never the key itself. */
export const HIDDEN_KEY = '(from the Billsby simulator, not shown)';

export interface BillsbyChange {
  type: string;
  id: string;
  /** The gateway's answer: accepted (posted once filled) or ignored (kept without its payload). */
  answer: 'accepted' | 'ignored';
}

/** Billsby's answers never hold the key; should one ever, the demo still does not print it. */
function redact(text: string, key: string): string {
  return key ? text.split(key).join('(not shown)') : text;
}

/** `PUT /api/accounts/demo/billsby`: the product checks the key with one read, then stores it sealed. */
export async function storeBillsbyCredentials(
  billsby: BillsbySimulator,
  base: string,
  apiKey: string,
  print: Print,
): Promise<void> {
  const { companyDomain, apiKey: billsbyKey } = billsby.control.dataset;
  const seqBefore = billsby.control.requestLog().at(-1)?.seq ?? 0;
  const res = await request(`${base}/api/accounts/${account}/billsby`, {
    method: 'PUT',
    json: { companyDomain, apiKey: billsbyKey },
    headers: auth(apiKey),
  });
  const answer = redact(res.text, billsbyKey);
  print(`  PUT /api/accounts/${account}/billsby (API key)`);
  print(`      {"companyDomain": "${companyDomain}", "apiKey": ${HIDDEN_KEY}}`);
  for (const r of billsby.control.requestLog().filter((e) => e.seq > seqBefore)) {
    print(
      `    the gateway checks it with one read of Billsby's API: ${r.method} ${apiPath(billsby, r.path)}?${r.query} → ${r.status}`,
    );
  }
  print(`    → ${res.status} ${answer}`);
  const state = (res.body as { state?: string } | null)?.state;
  if (res.status !== 200 || state !== 'ok') {
    throw new Error(`storing the Billsby credentials answered ${res.status}: ${answer.slice(0, 300)}`);
  }
  print('    stored sealed in the event log; GET …/billsby and the status show its state, never the key');
}

/** A REST path without the simulator's `/api/v1/rest` prefix (as DESIGN §4.3.1 writes them). */
function apiPath(billsby: BillsbySimulator, path: string): string {
  const prefix = new URL(billsby.baseUrl).pathname;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

const addMonths = (date: Date, months: number) => {
  const d = new Date(date);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
};

/**
 * Points the simulator's webhook at the gateway and makes seven changes in Billsby. Each accepted
 * webhook is waited for until posted before the next change, as changes in a real account come
 * apart: so each message is filled with Billsby's data as of its own change (a customer's later
 * move does not leak into its earlier "Customer created").
 */
export async function driveBillsbyChanges(
  billsby: BillsbySimulator,
  opts: { base: string; apiKey: string; secret: string; webhookUrl: string; before: StatusResult },
  print: Print,
): Promise<BillsbyChange[]> {
  const { base, apiKey } = opts;
  const sim = billsby.control;
  sim.setWebhook({ url: opts.webhookUrl, secret: opts.secret });
  print(
    `  Billsby (simulator, company "${sim.dataset.companyDomain}") > Settings > Configuration > webhooks:`,
  );
  print(`    URL ${opts.webhookUrl}, Secret Key: the account's webhook secret (sent in header "secret")`);
  const seqBefore = sim.requestLog().at(-1)?.seq ?? 0;

  const changes: BillsbyChange[] = [];
  const change = async (
    label: string,
    expected: BillsbyChange['answer'],
    act: () => Promise<WebhookDelivery>,
  ) => {
    print(`  ${label}`);
    const d = await act();
    const { Type: type, Id: id } = d.body;
    const answer = (d.response as { status?: string } | null)?.status;
    if (d.status !== 202 || answer !== expected) {
      throw new Error(
        `Billsby's ${type} webhook: the gateway answered ${d.status ?? d.error} ` +
          `${JSON.stringify(d.response)?.slice(0, 300)}, expected 202 ${expected}`,
      );
    }
    const lookup = await settledEvent(base, apiKey, id);
    const head = `    → ${type.padEnd(19)} Id ${id} → 202 ${answer}`;
    if (expected === 'accepted') {
      if (lookup.state !== 'delivered')
        throw new Error(`${type} ${id} ended ${lookup.state}: ${lookup.lastError ?? ''}`);
      print(`${head}, filled and posted`);
    } else {
      print(head);
      print(`      (kept without its payload: ${lookup.lastError ?? 'no message for this type'})`);
    }
    changes.push({ type, id, answer: expected });
  };

  const start = new Date();
  const grace = {
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'grace.hopper@example.com',
    phoneNumber: '2079460018',
    phoneNumberDialCode: '+44',
    phoneNumberDialCountry: 'GB',
    billingAddress: {
      addressLine1: "12 St James's Square",
      addressLine2: '',
      city: 'London',
      state: 'Greater London',
      country: 'GBR',
      postCode: 'SW1Y 4JH',
    },
    companyCurrency: 'GBP',
  };
  let customerId = '';
  await change('create customer Grace Hopper (London, +44 2079460018)', 'accepted', async () => {
    const d = await sim.createCustomer(grace);
    customerId = String(d.body.CustomerUniqueId);
    return d;
  });
  let subscriptionId = '';
  await change(
    'create her subscription: Gym Membership, plan Gold, every 3 months; tags gold, water (plan) + towel (hers)',
    'accepted',
    async () => {
      const d = await sim.createSubscription({
        customerUniqueId: customerId,
        productId: 17,
        productName: 'Gym Membership',
        planId: 24,
        planName: 'Gold',
        cycleId: 35,
        currency: 'GBP',
        nextBillingAmount: 3867,
        nextBillingAmountFormatted: '£38.67',
        nextBillingDate: addMonths(start, 3).toISOString(),
        planPricingModel: { frequency: 3, frequencyType: 'Monthly' },
        planFeatureTags: ['gold', 'water'],
        subscriptionFeatureTags: ['towel'],
      });
      subscriptionId = String(d.body.SubscriptionUniqueId);
      return d;
    },
  );
  await change(
    'update the subscription: plan 25 / cycle 36 from the next renewal; tag locker added',
    'accepted',
    () =>
      sim.updateSubscription(subscriptionId, {
        planIdNext: 25,
        cycleIdNext: 36,
        subscriptionFeatureTags: ['towel', 'locker'],
      }),
  );
  await change('update the customer: she moved to Manchester, new phone +44 1614960321', 'accepted', () =>
    sim.updateCustomer(customerId, {
      phoneNumber: '1614960321',
      billingAddress: {
        addressLine1: '4 Deansgate',
        addressLine2: 'Flat 2',
        city: 'Manchester',
        state: 'Greater Manchester',
        country: 'GBR',
        postCode: 'M3 2BW',
      },
    }),
  );
  let invoiceNumber = '';
  await change('create her invoice: 38.67 GBP for the Gold plan, first 3 months', 'ignored', async () => {
    const d = await sim.createInvoice({
      customerUniqueId: customerId,
      amount: 3867,
      currency: 'GBP',
      invoiceType: 'Renewal',
      subTotal: 3223,
      taxTotal: 644,
      subscriptions: [
        {
          subscriptionUniqueId: subscriptionId,
          planName: 'Gold',
          billingPeriodStart: start.toISOString(),
          billingPeriodEnd: addMonths(start, 3).toISOString(),
          subscriptionItems: [],
        },
      ],
    });
    invoiceNumber = String(d.body.InvoiceNumber);
    return d;
  });
  await change(`she pays invoice ${invoiceNumber}`, 'accepted', () => sim.payInvoice(invoiceNumber));
  // A customer already in Billsby before the integration (seeded: no webhook) leaves.
  const leaving = {
    customerUniqueId: newUniqueId(),
    firstName: 'Sam',
    lastName: 'Carter',
    email: 'sam.carter@example.com',
    createdOn: '2024-01-15T09:30:00.000Z',
    status: 'Active',
    totalAmountPaid: 0,
    companyCurrency: 'GBP',
  };
  sim.addCustomer(leaving);
  await change(
    `delete customer Sam Carter (${leaving.customerUniqueId}), who was in Billsby before the integration`,
    'ignored',
    () => sim.deleteCustomer(leaving.customerUniqueId),
  );

  const accepted = changes.filter((c) => c.answer === 'accepted').length;
  const ignored = changes.length - accepted;
  const after = await status(base, apiKey);
  const posted = after.counts.delivered - opts.before.counts.delivered;
  const newlyIgnored = after.counts.ignored - opts.before.counts.ignored;
  print(
    `  ${posted} of ${accepted} accepted webhooks posted, ${newlyIgnored} of ${ignored} ignored (${totals(after)})`,
  );
  if (posted < accepted || newlyIgnored < ignored) {
    throw new Error(`expected ${accepted} posted and ${ignored} ignored; the status says ${totals(after)}`);
  }
  const reads = sim.requestLog().filter((e) => e.seq > seqBefore);
  const byPath = new Map<string, number[]>();
  for (const r of reads) {
    const key = `${r.method} ${apiPath(billsby, r.path)}`;
    byPath.set(key, [...(byPath.get(key) ?? []), r.status]);
  }
  print(`  the worker read Billsby's API ${reads.length} times to fill them (header ApiKey):`);
  for (const [path, statuses] of byPath) {
    const times = statuses.length > 1 ? ` (${statuses.length} reads)` : '';
    print(`    ${path}${times} → ${[...new Set(statuses)].join(', ')}`);
  }
  return changes;
}
