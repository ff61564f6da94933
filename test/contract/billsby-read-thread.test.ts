/**
 * The worker's Billsby reads run on a thread of their own (connectors/billsby/read-thread.ts): the
 * same answers and the same typed errors as the client on the main thread, against the simulator.
 */
import { BillsbyApiError, createBillsbyClient, type BillsbyClient } from '../../connectors/billsby';
import { BillsbyReadThread } from '../../connectors/billsby/read-thread';
import { startBillsbySimulator, type BillsbySimulator } from '../../simulators/billsby';
import { rejection } from './billsby-helpers';

let sim: BillsbySimulator;
let thread: BillsbyReadThread;
let config: { baseUrl: string; apiKey: string; companyDomain: string; timeoutMs: number };
let billsby: BillsbyClient;

beforeAll(async () => {
  sim = await startBillsbySimulator();
  thread = new BillsbyReadThread();
  config = {
    baseUrl: sim.baseUrl,
    apiKey: sim.control.dataset.apiKey,
    companyDomain: sim.control.dataset.companyDomain,
    timeoutMs: 2000,
  };
  billsby = thread.client('sim', config);
});
afterEach(() => {
  sim.control.clearFaults();
  sim.control.setLatency(0);
});
afterAll(async () => {
  await thread.close();
  await sim.close();
});

test('every read answers what the client on the main thread answers', async () => {
  const direct = createBillsbyClient(config);
  const reads: Array<(c: BillsbyClient) => Promise<unknown>> = [
    (c) => c.getCustomer('5VL9JC0NE0'),
    (c) => c.getSubscription('6WJYRQ9V3G'),
    (c) => c.getSubscriptionFeatureTags('6WJYRQ9V3G'),
    (c) => c.getInvoice('5VL9JC0NE0-3'),
    (c) => c.listCustomers(1, 2),
  ];
  for (const read of reads) expect(await read(billsby)).toEqual(await read(direct));
  expect(await billsby.getCustomer('5VL9JC0NE0')).toMatchObject({ billingAddress: { city: 'Brighton' } });
});

test('errors come back typed, with their kind, status, wait and retryability', async () => {
  sim.control.failNext(1, { status: 429, retryAfter: '7' });
  const limited = await rejection(billsby.getCustomer('5VL9JC0NE0'));
  expect(limited).toBeInstanceOf(BillsbyApiError);
  expect(limited).toMatchObject({
    kind: 'rate_limited',
    status: 429,
    retryAfterMs: 7000,
    retryable: true,
    operation: 'getCustomer',
  });

  expect(await rejection(billsby.getInvoice('NO-SUCH-INVOICE'))).toMatchObject({
    kind: 'not_found',
    status: 404,
    retryable: false,
  });

  const refused = thread.client('wrong-key', { ...config, apiKey: 'not-the-key' });
  expect(await rejection(refused.getCustomer('5VL9JC0NE0'))).toMatchObject({
    kind: 'unauthorized',
    status: 401,
    retryable: false,
  });

  sim.control.failNext(1, { status: 200, body: { planFeatureTags: ['gold', { name: 'x' }] } });
  const invalid = await rejection(billsby.getSubscriptionFeatureTags('6WJYRQ9V3G'));
  expect(invalid).toMatchObject({ kind: 'invalid_response', retryable: false });
  expect(invalid.fieldPath).toBeTruthy();
  // The API key never travels in an error.
  expect(JSON.stringify(invalid.toJSON())).not.toContain(config.apiKey);
});

test('a cancelled read ends at once as network (retryable), and the thread reads on', async () => {
  // Slower than the client's timeout: without the cancel, this read would end as `timeout`.
  sim.control.setLatency(3_000);
  const abort = new AbortController();
  const reading = rejection(billsby.getCustomer('5VL9JC0NE0', { signal: abort.signal }));
  setTimeout(() => abort.abort(), 50);
  const canceled = await reading;
  expect(canceled).toMatchObject({ kind: 'network', retryable: true });
  expect(canceled.message).toContain('request canceled');
  sim.control.setLatency(0);
  expect(await billsby.getCustomer('5VL9JC0NE0')).toMatchObject({ email: 'madeline.parsons@example.com' });
});

test('the thread ending fails the reads in flight as network (retryable); the next read starts a new one', async () => {
  sim.control.setLatency(2_000);
  const inFlight = rejection(billsby.getSubscription('6WJYRQ9V3G'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await thread.close();
  expect(await inFlight).toMatchObject({ kind: 'network', retryable: true });
  sim.control.setLatency(0);
  expect(await billsby.getSubscription('6WJYRQ9V3G')).toMatchObject({ planName: 'Gold' });
});
