/**
 * listCustomers (the product's credential check: `GET /core/{cd}/customers?page=1&pageSize=1`),
 * simulators run with other credentials, and credentials revoked mid-run.
 */
import { BillsbySimulator, startBillsbySimulator } from '../../simulators/billsby';
import { clientFor, rejection } from './billsby-helpers';

let sim: BillsbySimulator;
afterEach(() => sim?.close());

describe('listCustomers', () => {
  beforeEach(async () => {
    sim = await startBillsbySimulator();
  });

  test('page=1&pageSize=1: one customer and the paging counts, sent with the ApiKey header', async () => {
    const page = await clientFor(sim).listCustomers(1, 1);
    expect(page).toMatchObject({ currentPage: 1, pageCount: 2, pageSize: 1, rowCount: 2 });
    expect(page.results).toHaveLength(1);
    expect(page.results[0]).toMatchObject({ customerUniqueId: '5VL9JC0NE0' });
    expect(sim.control.requestLog().at(-1)).toMatchObject({
      method: 'GET',
      path: '/api/v1/rest/core/widgets/customers',
      query: 'page=1&pageSize=1',
      status: 200,
      authorized: true,
    });
  });

  test('pages follow on; page 0 is the first page too; rows use the list example’s field names', async () => {
    const second = await clientFor(sim).listCustomers(2, 1);
    expect(second.results).toEqual([expect.objectContaining({ customerUniqueId: 'QV4WNSL7E6' })]);
    const zero = await clientFor(sim).listCustomers(0, 100);
    expect(zero).toMatchObject({ currentPage: 0, pageCount: 1, rowCount: 2 });
    expect(zero.results).toHaveLength(2);
    expect(zero.results[0]).toMatchObject({ phoneNumberDialCodeCountry: 'US' });
    expect(zero.results[0]).not.toHaveProperty('phoneNumberDialCountry');
    expect((await clientFor(sim).listCustomers(3, 1)).results).toEqual([]);
  });

  test('pageSize above 100 (or 0) → 400 bad_request', async () => {
    expect(await rejection(clientFor(sim).listCustomers(1, 101))).toMatchObject({
      kind: 'bad_request',
      status: 400,
      retryable: false,
    });
    expect(await rejection(clientFor(sim).listCustomers(1, 0))).toMatchObject({ kind: 'bad_request' });
  });

  test('page and pageSize are required', async () => {
    const { apiKey } = sim.control.dataset;
    const res = await fetch(`${sim.baseUrl}/core/widgets/customers`, { headers: { ApiKey: apiKey } });
    expect(res.status).toBe(400);
    const ok = await fetch(`${sim.baseUrl}/core/widgets/customers?page=1&pageSize=1`, {
      headers: { ApiKey: apiKey },
    });
    expect(ok.status).toBe(200);
  });

  test('wrong key → unauthorized (401), not retryable, the key not in the error', async () => {
    const err = await rejection(clientFor(sim, { apiKey: 'not-the-key-987' }).listCustomers(1, 1));
    expect(err).toMatchObject({
      kind: 'unauthorized',
      status: 401,
      retryable: false,
      operation: 'listCustomers',
    });
    expect(JSON.stringify(err) + err.message).not.toContain('not-the-key-987');
  });

  test('wrong company domain → not_found (404); the key is checked first', async () => {
    expect(await rejection(clientFor(sim, { companyDomain: 'gadgets' }).listCustomers(1, 1))).toMatchObject({
      kind: 'not_found',
      status: 404,
    });
    expect(
      await rejection(clientFor(sim, { companyDomain: 'gadgets', apiKey: 'nope' }).listCustomers(1, 1)),
    ).toMatchObject({ kind: 'unauthorized' });
  });

  test('429 with Retry-After "2" → rate_limited, retryAfterMs 2000; the next call succeeds', async () => {
    sim.control.failNext(1, { status: 429, retryAfter: '2', path: '/customers' });
    expect(await rejection(clientFor(sim).listCustomers(1, 1))).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 2000,
    });
    expect((await clientFor(sim).listCustomers(1, 1)).rowCount).toBe(2);
  });

  test('a list body that is not a page object → invalid_response; odd row contents do not matter', async () => {
    sim.control.failNext(1, { status: 200, body: [] });
    expect(await rejection(clientFor(sim).listCustomers(1, 1))).toMatchObject({ kind: 'invalid_response' });
    sim.control.failNext(1, {
      status: 200,
      body: {
        currentPage: '0',
        pageCount: 1,
        pageSize: '1',
        rowCount: 1,
        results: [{ totalAmountPaid: '440' }, 7],
      },
    });
    expect(await clientFor(sim).listCustomers(1, 1)).toMatchObject({
      currentPage: 0,
      pageSize: 1,
      rowCount: 1,
    });
  });
});

describe('credentials of the simulator', () => {
  test('options apiKey and companyDomain replace the seed’s', async () => {
    sim = await startBillsbySimulator({ apiKey: 'other-key-1', companyDomain: 'gadgets' });
    expect(sim.control.dataset).toMatchObject({ apiKey: 'other-key-1', companyDomain: 'gadgets' });
    const ok = clientFor(sim, { apiKey: 'other-key-1', companyDomain: 'gadgets' });
    expect((await ok.getCustomer('5VL9JC0NE0')).email).toBe('madeline.parsons@example.com');
    expect(
      await rejection(
        clientFor(sim, { apiKey: 'sim-billsby-api-key', companyDomain: 'gadgets' }).getCustomer('5VL9JC0NE0'),
      ),
    ).toMatchObject({ kind: 'unauthorized' });
    expect(
      await rejection(
        clientFor(sim, { apiKey: 'other-key-1', companyDomain: 'widgets' }).listCustomers(1, 1),
      ),
    ).toMatchObject({ kind: 'not_found' });
  });

  test('setApiKey mid-run: every read with the old key → unauthorized; the new key works', async () => {
    sim = await startBillsbySimulator();
    const old = clientFor(sim);
    expect((await old.getSubscription('6WJYRQ9V3G')).planName).toBe('Gold');
    sim.control.setApiKey('rotated-key-2');
    for (const read of [
      () => old.listCustomers(1, 1),
      () => old.getCustomer('5VL9JC0NE0'),
      () => old.getSubscription('6WJYRQ9V3G'),
      () => old.getSubscriptionFeatureTags('6WJYRQ9V3G'),
      () => old.getInvoice('5VL9JC0NE0-3'),
    ]) {
      expect(await rejection(read())).toMatchObject({ kind: 'unauthorized', status: 401, retryable: false });
    }
    expect(
      sim.control
        .requestLog()
        .slice(-5)
        .map((e) => e.authorized),
    ).toEqual([false, false, false, false, false]);
    expect((await clientFor(sim, { apiKey: 'rotated-key-2' }).getInvoice('5VL9JC0NE0-3')).amount).toBe(1289);
  });

  test('admin POST /__admin/api-key rotates the key; a bad body is refused', async () => {
    sim = await startBillsbySimulator();
    const post = (body: unknown) =>
      fetch(`${sim.origin}/__admin/api-key`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ apiKey: '' })).status).toBe(400);
    expect((await clientFor(sim).listCustomers(1, 1)).rowCount).toBe(2);
    expect((await post({ apiKey: 'admin-rotated' })).status).toBe(200);
    expect(
      await rejection(clientFor(sim, { apiKey: 'sim-billsby-api-key' }).listCustomers(1, 1)),
    ).toMatchObject({
      kind: 'unauthorized',
    });
    expect((await clientFor(sim, { apiKey: 'admin-rotated' }).listCustomers(1, 1)).rowCount).toBe(2);
  });
});

test('request counts per path: what was read how often, reset by clearRequestLog', async () => {
  sim = await startBillsbySimulator();
  const c = clientFor(sim);
  await c.getCustomer('5VL9JC0NE0');
  await c.getCustomer('5VL9JC0NE0');
  await c.getSubscription('6WJYRQ9V3G');
  await c.listCustomers(1, 1);
  await rejection(c.getCustomer('NOPE'));
  expect(sim.control.requestCounts()).toEqual({
    '/api/v1/rest/core/widgets/customers/5VL9JC0NE0': 2,
    '/api/v1/rest/core/widgets/subscriptions/6WJYRQ9V3G': 1,
    '/api/v1/rest/core/widgets/customers': 1,
    '/api/v1/rest/core/widgets/customers/NOPE': 1,
  });
  const viaAdmin = await (await fetch(`${sim.origin}/__admin/requests/counts`)).json();
  expect(viaAdmin).toEqual(sim.control.requestCounts());
  sim.control.clearRequestLog();
  expect(sim.control.requestCounts()).toEqual({});
  expect(sim.control.requestLog()).toEqual([]);
});
