/** Billsby connector against the Billsby simulator: happy paths, auth, 429/5xx, transport, bad bodies. */
import { BillsbyClient, DEFAULT_RATE_LIMIT_WAIT_MS, MAX_RETRY_AFTER_MS } from '../../connectors/billsby';
import { BillsbySimulator, startBillsbySimulator } from '../../simulators/billsby';
import { clientFor, NOW, rejection } from './billsby-helpers';

let sim: BillsbySimulator;
let billsby: BillsbyClient;

beforeEach(async () => {
  sim = await startBillsbySimulator();
  billsby = clientFor(sim);
});
afterEach(() => sim.close());

describe('happy paths', () => {
  test('getCustomer', async () => {
    const c = await billsby.getCustomer('5VL9JC0NE0');
    expect(c).toMatchObject({
      email: 'madeline.parsons@example.com',
      billingAddress: { city: 'Brighton', postCode: 'BN1 1AA' },
      phoneNumberDialCode: '+1',
      phoneNumberDialCountry: 'US',
    });
    // Fields the product never reads are not passed on.
    expect(c).not.toHaveProperty('additionalEmail');
    expect(c).not.toHaveProperty('totalAmountPaid');
  });

  test('getSubscription and its feature tags', async () => {
    const s = await billsby.getSubscription('6WJYRQ9V3G');
    expect(s).toMatchObject({
      planName: 'Gold',
      productName: 'Gym Membership',
      productId: 17,
      planId: 24,
      cycleId: 35,
      planPricingModel: { frequency: 1, frequencyType: 'Monthly' },
      planIdNext: null,
      cycleIdNext: null,
      nextBillingDate: '2020-12-21T15:59:19.095789',
    });
    expect(await billsby.getSubscriptionFeatureTags('6WJYRQ9V3G')).toEqual({
      planFeatureTags: ['gold', 'water'],
      subscriptionFeatureTags: ['towel'],
    });
    expect(await billsby.getSubscriptionFeatureTags('M6JYJRPV4Q')).toEqual({
      planFeatureTags: [],
      subscriptionFeatureTags: [],
    });
  });

  test('getInvoice (path without companyDomain)', async () => {
    const i = await billsby.getInvoice('5VL9JC0NE0-3');
    expect(i).toMatchObject({
      customerUniqueId: '5VL9JC0NE0',
      customerFirstName: 'Madeline',
      customerLastName: 'Parsons',
      amount: 1289,
      currency: 'GBP',
      status: 'Paid',
      subscriptions: [{ subscriptionUniqueId: '6WJYRQ9V3G', planName: 'Gold' }],
    });
    expect(sim.control.requestLog().at(-1)!.path).toBe('/api/v1/rest/core/invoices/5VL9JC0NE0-3');
  });

  test('records added through the control API are served', async () => {
    sim.control.addCustomer({
      ...sim.control.dataset.customers[0],
      customerUniqueId: 'NEWCUST001',
      email: 'new@example.com',
    });
    expect((await billsby.getCustomer('NEWCUST001')).email).toBe('new@example.com');
    await fetch(`${sim.origin}/__admin/invoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...sim.control.dataset.invoices[0], invoiceNumber: 'NEWCUST001-1' }),
    });
    expect((await billsby.getInvoice('NEWCUST001-1')).customerUniqueId).toBe('5VL9JC0NE0');
    expect(sim.control.requestLog().at(-1)).toMatchObject({
      path: '/api/v1/rest/core/invoices/NEWCUST001-1',
      status: 200,
    });
  });
});

describe('errors', () => {
  test('wrong ApiKey → unauthorized, not retryable, key not in the message', async () => {
    const bad = clientFor(sim, { apiKey: 'wrong-key-123' });
    const err = await rejection(bad.getCustomer('5VL9JC0NE0'));
    expect(err).toMatchObject({ kind: 'unauthorized', status: 401, retryable: false });
    expect(JSON.stringify(err)).not.toContain('wrong-key-123');
    expect(sim.control.requestLog().at(-1)!.authorized).toBe(false);
  });

  test('unknown record → not_found', async () => {
    expect(await rejection(billsby.getSubscription('NOPE'))).toMatchObject({
      kind: 'not_found',
      retryable: false,
    });
  });

  test.each<[string, string | undefined, number]>([
    ['seconds', '7', 7000],
    ['HTTP date', new Date(NOW + 12_000).toUTCString(), 12_000],
    ['missing', undefined, DEFAULT_RATE_LIMIT_WAIT_MS],
    ['malformed', 'soon', DEFAULT_RATE_LIMIT_WAIT_MS],
    ['very long (capped)', '999999', MAX_RETRY_AFTER_MS],
  ])('429 with Retry-After %s → rate_limited, retryable', async (_l, retryAfter, wait) => {
    sim.control.failNext(1, { status: 429, retryAfter });
    expect(await rejection(billsby.getCustomer('5VL9JC0NE0'))).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      retryAfterMs: wait,
    });
    await billsby.getCustomer('5VL9JC0NE0');
  });

  test('5xx → server, retryable (JSON or HTML body)', async () => {
    sim.control.failNext(1, { status: 503 });
    expect(await rejection(billsby.getInvoice('5VL9JC0NE0-3'))).toMatchObject({
      kind: 'server',
      status: 503,
      retryable: true,
    });
    sim.control.failNext(1, { status: 500, body: '<html>oops</html>' });
    expect(await rejection(billsby.getInvoice('5VL9JC0NE0-3'))).toMatchObject({
      kind: 'server',
      retryable: true,
    });
  });

  test('timeout and network failures are retryable', async () => {
    sim.control.setLatency(300);
    const quick = clientFor(sim, { timeoutMs: 50 });
    expect(await rejection(quick.getCustomer('5VL9JC0NE0'))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    const down = clientFor(sim, { baseUrl: 'http://127.0.0.1:1/api/v1/rest', timeoutMs: 1000 });
    expect(await rejection(down.getCustomer('5VL9JC0NE0'))).toMatchObject({
      kind: 'network',
      retryable: true,
    });
  });

  test.each<[string, unknown, string]>([
    ['non-JSON', '<html>maintenance</html>', '(root)'],
    ['an array', [{ email: 'a@b.c' }], '(root)'],
    ['wrong type in a field read', { customerUniqueId: 'X', email: 5 }, 'email'],
    ['nested wrong type', { customerUniqueId: 'X', billingAddress: { city: 1 } }, 'billingAddress.city'],
    ['address not an object', { billingAddress: 'Brighton' }, 'billingAddress'],
  ])('bad customer body (%s) → invalid_response naming the field', async (_l, body, fieldPath) => {
    sim.control.failNext(1, { status: 200, body });
    const err = await rejection(billsby.getCustomer('5VL9JC0NE0'));
    expect(err).toMatchObject({ kind: 'invalid_response', fieldPath, retryable: false });
    expect(err.message).toContain(fieldPath);
  });

  test.each<[string, unknown]>([
    ['a decimal number', 12.89],
    ['a decimal string', '12.89'],
    ['a formatted string', '$12.89'],
    ['a boolean', true],
  ])('invoice amount as %s → invalid_response on amount (minor units are integers)', async (_l, amount) => {
    sim.control.failNext(1, { status: 200, body: { invoiceNumber: 'X-1', amount } });
    expect(await rejection(billsby.getInvoice('X-1'))).toMatchObject({
      kind: 'invalid_response',
      fieldPath: 'amount',
    });
  });

  test('a frequency that is not a number → invalid_response on planPricingModel.frequency', async () => {
    sim.control.failNext(1, {
      status: 200,
      body: { planPricingModel: { frequency: 'monthly', frequencyType: 'Monthly' } },
    });
    expect((await rejection(billsby.getSubscription('6WJYRQ9V3G'))).fieldPath).toBe(
      'planPricingModel.frequency',
    );
  });

  test('tags that are not strings → invalid_response on the tag', async () => {
    sim.control.failNext(1, { status: 200, body: { planFeatureTags: ['gold', { name: 'x' }] } });
    expect((await rejection(billsby.getSubscriptionFeatureTags('6WJYRQ9V3G'))).fieldPath).toBe(
      'planFeatureTags.1',
    );
  });
});
