/** Billsby connector against the Billsby simulator: happy paths, auth, 429/5xx, transport, bad bodies. */
import {
  BillsbyApiError,
  BillsbyClient,
  createBillsbyClient,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  MAX_RETRY_AFTER_MS,
} from '../../connectors/billsby';
import { BillsbySimulator, startBillsbySimulator } from '../../simulators/billsby';

let sim: BillsbySimulator;
let billsby: BillsbyClient;
const NOW = Date.parse('2026-11-01T12:00:00.000Z');

async function rejection(p: Promise<unknown>): Promise<BillsbyApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BillsbyApiError);
    return err as BillsbyApiError;
  }
  throw new Error('expected a rejection');
}

beforeEach(async () => {
  sim = await startBillsbySimulator();
  const { apiKey, companyDomain } = sim.control.dataset;
  billsby = createBillsbyClient({
    baseUrl: sim.baseUrl,
    apiKey,
    companyDomain,
    timeoutMs: 2000,
    now: () => NOW,
  });
});
afterEach(() => sim.close());

describe('happy paths', () => {
  test('getCustomer', async () => {
    const c = await billsby.getCustomer('5VL9JC0NE0');
    expect(c).toMatchObject({
      customerUniqueId: '5VL9JC0NE0',
      email: 'madeline.parsons@example.com',
      billingAddress: { city: 'Brighton', postCode: 'BN1 1AA' },
      phoneNumberDialCode: '+1',
    });
    expect(c.additionalEmail).toBeNull();
  });

  test('getSubscription and its feature tags', async () => {
    const s = await billsby.getSubscription('6WJYRQ9V3G');
    expect(s).toMatchObject({
      planName: 'Gold',
      nextBillingAmount: 1289,
      currency: 'GBP',
      productId: 17,
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
    expect((await billsby.getInvoice('NEWCUST001-1')).invoiceNumber).toBe('NEWCUST001-1');
  });
});

describe('errors', () => {
  test('wrong ApiKey → unauthorized, not retryable, key not in the message', async () => {
    const bad = createBillsbyClient({
      baseUrl: sim.baseUrl,
      apiKey: 'wrong-key-123',
      companyDomain: 'widgets',
      timeoutMs: 2000,
    });
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
    const quick = createBillsbyClient({
      baseUrl: sim.baseUrl,
      apiKey: sim.control.dataset.apiKey,
      companyDomain: 'widgets',
      timeoutMs: 50,
    });
    expect(await rejection(quick.getCustomer('5VL9JC0NE0'))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    const down = createBillsbyClient({
      baseUrl: 'http://127.0.0.1:1/api/v1/rest',
      apiKey: 'k',
      companyDomain: 'widgets',
      timeoutMs: 1000,
    });
    expect(await rejection(down.getCustomer('5VL9JC0NE0'))).toMatchObject({
      kind: 'network',
      retryable: true,
    });
  });

  test.each<[string, unknown, string]>([
    ['non-JSON', '<html>maintenance</html>', '(root)'],
    ['missing id', { firstName: 'A' }, 'customerUniqueId'],
    ['wrong type', { customerUniqueId: 'X', email: 5 }, 'email'],
    ['nested wrong type', { customerUniqueId: 'X', billingAddress: { city: 1 } }, 'billingAddress.city'],
  ])('bad customer body (%s) → invalid_response naming the field', async (_l, body, fieldPath) => {
    sim.control.failNext(1, { status: 200, body });
    const err = await rejection(billsby.getCustomer('5VL9JC0NE0'));
    expect(err).toMatchObject({ kind: 'invalid_response', fieldPath, retryable: false });
    expect(err.message).toContain(fieldPath);
  });

  test('non-integer amount on an invoice → invalid_response', async () => {
    sim.control.failNext(1, { status: 200, body: { invoiceNumber: 'X-1', amount: 12.89 } });
    expect((await rejection(billsby.getInvoice('X-1'))).fieldPath).toBe('amount');
  });
});
