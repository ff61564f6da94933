/**
 * What a batch's Billsby reads hand on to the batches after it (activities/webex/billsby-fill/
 * reads.ts): a read started ahead is taken over, in flight or answered, never repeated; a batch's
 * own read still in flight is not (the batch's end cancels it); an old answer or a failed read is
 * read again. The client here is the connector's interface, answering when the test says so.
 */
import { BillsbyApiError, type BillsbyClient } from '../../connectors/billsby';
import { BatchReads, PREFETCH_TTL_MS, type ReadStore } from '../../activities/webex/billsby-fill/reads';
import { Semaphore } from '../../activities/webex/billsby-fill/semaphore';
import type { PublicBillsbyEvent } from '../../domain/billsby/public-event';

interface Request {
  id: string;
  answer: (value: unknown) => void;
  fail: (err: unknown) => void;
}

function billsby() {
  const requests: Request[] = [];
  const read = (id: string) =>
    new Promise<never>((answer, fail) => requests.push({ id, answer: answer as Request['answer'], fail }));
  const client = {
    getCustomer: read,
    getSubscription: read,
    getSubscriptionFeatureTags: read,
    getInvoice: read,
    listCustomers: () => Promise.reject(new Error('not read here')),
  } as unknown as BillsbyClient;
  return { client, requests };
}

const bounds = () => ({ account: new Semaphore(8), process: new Semaphore(8) });
const customerEvent = (id: string) =>
  ({ Type: 'CustomerCreated', Id: `e-${id}`, CustomerUniqueId: id }) as unknown as PublicBillsbyEvent;
const madeline = { email: 'madeline@example.com', firstName: 'Madeline' };
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A read ahead (no abort signal), as a batch starts them for the batches after it. */
const ahead = (client: BillsbyClient, from?: ReadStore) =>
  new BatchReads(client, bounds(), undefined, undefined, from);

afterEach(() => jest.useRealTimers());

test('a read started ahead and still in flight is taken over by the next read-ahead: one request', async () => {
  const { client, requests } = billsby();
  const first = ahead(client);
  const firstReady = first.prepare(customerEvent('c1'));
  await settle();
  const second = ahead(client, first.reads);
  const secondReady = second.prepare(customerEvent('c1'));
  await settle();
  expect(requests.map((r) => r.id)).toEqual(['c1']);
  requests[0]!.answer(madeline);
  await Promise.all([firstReady, secondReady]);
  expect(second.customer('c1')).toEqual(madeline);
  // And on again, answered this time: still the one request.
  const third = ahead(client, second.reads);
  await third.prepare(customerEvent('c1'));
  expect(third.customer('c1')).toEqual(madeline);
  expect(requests).toHaveLength(1);
});

test('only what the events ahead need is handed on', async () => {
  const { client, requests } = billsby();
  const first = ahead(client);
  const ready = Promise.all([first.prepare(customerEvent('c1')), first.prepare(customerEvent('c2'))]);
  await settle();
  for (const r of requests) r.answer({ ...madeline, email: `${r.id}@example.com` });
  await ready;
  const second = ahead(client, first.reads);
  await second.prepare(customerEvent('c2'));
  expect([...second.reads.done.keys()]).toEqual(['customer\0c2']);
  expect(second.customer('c1')).toBeNull();
  expect(requests).toHaveLength(2);
});

test("a batch's own read still in flight is read again by a read-ahead (the batch's end cancels it)", async () => {
  const { client, requests } = billsby();
  const own = new BatchReads(client, bounds(), new AbortController().signal);
  void own.prepare(customerEvent('c1'));
  await settle();
  void ahead(client, own.reads).prepare(customerEvent('c1'));
  await settle();
  expect(requests.map((r) => r.id)).toEqual(['c1', 'c1']);
});

test('an answer is handed on only while younger than the prefetch bound; then it is read again', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const { client, requests } = billsby();
  const first = ahead(client);
  const ready = first.prepare(customerEvent('c1'));
  await settle();
  requests[0]!.answer(madeline);
  await ready;
  jest.setSystemTime(Date.now() + PREFETCH_TTL_MS - 1_000);
  const young = ahead(client, first.reads);
  await young.prepare(customerEvent('c1'));
  expect(requests).toHaveLength(1);
  // The age is the first read's, carried along: two hand-ons do not make it young again.
  jest.setSystemTime(Date.now() + 2_000);
  void ahead(client, young.reads).prepare(customerEvent('c1'));
  await settle();
  expect(requests).toHaveLength(2);
});

test('a read that failed is not handed on: the next one asks Billsby again', async () => {
  const { client, requests } = billsby();
  const first = ahead(client);
  const failed = first.prepare(customerEvent('c1')).catch((err: unknown) => err);
  await settle();
  requests[0]!.fail(
    new BillsbyApiError({ kind: 'server', operation: 'getCustomer', message: 'x', status: 503 }),
  );
  expect(await failed).toMatchObject({ kind: 'server' });
  const second = ahead(client, first.reads);
  const ready = second.prepare(customerEvent('c1'));
  await settle();
  expect(requests).toHaveLength(2);
  requests[1]!.answer(madeline);
  await ready;
  expect(second.customer('c1')).toEqual(madeline);
});
