/**
 * The simulator's public webhooks: the exact shapes of reference/billsby-webhooks.md §1 (flat,
 * PascalCase, `Type` and a fresh UUID v4 `Id`, POST JSON, raw secret in a `secret` header), sent after
 * the data changed, so the REST reads while handling and after agree with what was sent.
 */
import { BillsbyClient } from '../../connectors/billsby';
import { BillsbySimulator, startBillsbySimulator, type WebhookDelivery } from '../../simulators/billsby';
import { clientFor, Receiver, rejection, startReceiver, UUID_V4 } from './billsby-helpers';

const SECRET = 'whsec-sim-123';
let sim: BillsbySimulator;
let receiver: Receiver;
let billsby: BillsbyClient;

beforeEach(async () => {
  receiver = await startReceiver();
  sim = await startBillsbySimulator();
  sim.control.setWebhook({ url: receiver.url, secret: SECRET });
  billsby = clientFor(sim);
});
afterEach(async () => {
  await sim.close();
  await receiver.close();
});

const last = () => receiver.received.at(-1)!;
const OFFSET_LESS_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/** What every delivered webhook shares: one POST of JSON, the secret header, the body as reported. */
function expectDelivered(d: WebhookDelivery, type: string) {
  expect(d).toMatchObject({ sent: true, status: 202, ok: true });
  expect(d.error).toBeUndefined();
  expect(d.response).toEqual({ eventId: d.body.Id, status: 'accepted' });
  const got = last();
  expect(got.method).toBe('POST');
  expect(got.url).toBe('/webhooks/billsby/acct-1');
  expect(got.headers['content-type']).toMatch(/^application\/json/);
  expect(got.headers.secret).toBe(SECRET);
  expect(got.body).toEqual(d.body);
  expect(got.body.Type).toBe(type);
  expect(got.body.Id).toMatch(UUID_V4);
  // Flat: no nested objects (arrays of ids only).
  for (const v of Object.values(got.body))
    expect(typeof v === 'object' && v !== null && !Array.isArray(v)).toBe(false);
}

describe('customers', () => {
  test('createCustomer → CustomerCreated with the documented keys in order; readable while handled', async () => {
    receiver.onRequest = (b) => billsby.getCustomer(String(b.CustomerUniqueId));
    const d = await sim.control.createCustomer({
      customerUniqueId: 'NEWCUST0A1',
      email: 'ines@example.com',
      firstName: 'Inês',
      lastName: 'Moreira',
      phoneNumber: '912345678',
      phoneNumberDialCode: '+351',
      phoneNumberDialCountry: 'PT',
    });
    expectDelivered(d, 'CustomerCreated');
    expect(Object.keys(last().body)).toEqual([
      'CustomerUniqueId',
      'Email',
      'LastName',
      'FirstName',
      'SubscriptionIds',
      'Type',
      'Id',
    ]);
    expect(last().body).toMatchObject({
      CustomerUniqueId: 'NEWCUST0A1',
      Email: 'ines@example.com',
      FirstName: 'Inês',
      LastName: 'Moreira',
      SubscriptionIds: [],
    });
    expect(last().seen).toMatchObject({ email: 'ines@example.com', phoneNumberDialCountry: 'PT' });
    expect((await billsby.getCustomer('NEWCUST0A1')).lastName).toBe('Moreira');
  });

  test('createCustomer without an id gets a Billsby-style one; the same id reads back', async () => {
    const d = await sim.control.createCustomer({ email: 'x@example.com', firstName: 'X', lastName: 'Y' });
    const id = String(d.body.CustomerUniqueId);
    expect(id).toMatch(/^[A-Z0-9]{10}$/);
    expect((await billsby.getCustomer(id)).email).toBe('x@example.com');
    await expect(
      sim.control.createCustomer({ customerUniqueId: id, email: 'e', firstName: 'f', lastName: 'l' }),
    ).rejects.toThrow(/already exists/);
  });

  test('updateCustomer → CustomerUpdated (S1 key order, subscription ids, no old values)', async () => {
    receiver.onRequest = (b) => billsby.getCustomer(String(b.CustomerUniqueId));
    const d = await sim.control.updateCustomer('5VL9JC0NE0', {
      email: 'maddy@example.com',
      lastName: 'Parsons-Lee',
    });
    expectDelivered(d, 'CustomerUpdated');
    expect(Object.keys(last().body)).toEqual([
      'Email',
      'LastName',
      'FirstName',
      'SubscriptionIds',
      'CustomerUniqueId',
      'Type',
      'Id',
    ]);
    expect(last().body).toMatchObject({
      Email: 'maddy@example.com',
      LastName: 'Parsons-Lee',
      FirstName: 'Madeline',
      SubscriptionIds: ['6WJYRQ9V3G'],
      CustomerUniqueId: '5VL9JC0NE0',
    });
    expect(last().seen).toMatchObject({ email: 'maddy@example.com', lastName: 'Parsons-Lee' });
    await expect(sim.control.updateCustomer('NOPE', { email: 'a' })).rejects.toThrow(/no customer NOPE/);
  });

  test('deleteCustomer → CustomerDeleted {CustomerUniqueId, Type, Id}; the REST read is then 404', async () => {
    receiver.onRequest = (b) => billsby.getCustomer(String(b.CustomerUniqueId)).catch((e: Error) => e);
    const d = await sim.control.deleteCustomer('QV4WNSL7E6');
    expectDelivered(d, 'CustomerDeleted');
    expect(Object.keys(last().body)).toEqual(['CustomerUniqueId', 'Type', 'Id']);
    expect(last().body.CustomerUniqueId).toBe('QV4WNSL7E6');
    expect(last().seen).toMatchObject({ kind: 'not_found' });
    expect(await rejection(billsby.getCustomer('QV4WNSL7E6'))).toMatchObject({ kind: 'not_found' });
  });
});

describe('subscriptions', () => {
  test('createSubscription → SubscriptionCreated; ids agree with the REST read; the customer lists it', async () => {
    receiver.onRequest = (b) => billsby.getSubscription(String(b.SubscriptionUniqueId));
    const d = await sim.control.createSubscription({
      subscriptionUniqueId: 'NEWSUB0001',
      customerUniqueId: '5VL9JC0NE0',
      productId: 50,
      productName: 'Streaming',
      planId: 155,
      planName: 'Basic',
      cycleId: 217,
      units: 3,
      status: 'InTrial',
      planPricingModel: { frequency: 2, frequencyType: 'Weekly' },
      planFeatureTags: ['hd'],
    });
    expectDelivered(d, 'SubscriptionCreated');
    expect(last().body).toEqual({
      SubscriptionUniqueId: 'NEWSUB0001',
      CustomerUniqueId: '5VL9JC0NE0',
      SubscriptionStatus: 'InTrial',
      BillsbyProductId: 50,
      BillsbyPlanId: 155,
      BillsbyCycleId: 217,
      Units: 3,
      Type: 'SubscriptionCreated',
      Id: d.body.Id,
    });
    expect(Object.keys(last().body).slice(-2)).toEqual(['Type', 'Id']);
    expect(last().seen).toMatchObject({
      productId: 50,
      planId: 155,
      cycleId: 217,
      status: 'InTrial',
      planPricingModel: { frequency: 2, frequencyType: 'Weekly' },
      planIdNext: null,
      cycleIdNext: null,
    });
    expect((await billsby.getSubscriptionFeatureTags('NEWSUB0001')).planFeatureTags).toEqual(['hd']);
    const upd = await sim.control.updateCustomer('5VL9JC0NE0', {});
    expect(upd.body.SubscriptionIds).toEqual(['6WJYRQ9V3G', 'NEWSUB0001']);
  });

  test('updateSubscription → SubscriptionUpdated with NextBillingDate offset-less with microseconds', async () => {
    receiver.onRequest = (b) => billsby.getSubscription(String(b.SubscriptionUniqueId));
    const d = await sim.control.updateSubscription('M6JYJRPV4Q', {
      status: 'Active',
      planIdNext: 156,
      cycleIdNext: 218,
    });
    expectDelivered(d, 'SubscriptionUpdated');
    expect(Object.keys(last().body)).toEqual([
      'SubscriptionUniqueId',
      'CustomerUniqueId',
      'SubscriptionStatus',
      'BillsbyProductId',
      'BillsbyPlanId',
      'BillsbyCycleId',
      'Units',
      'NextBillingDate',
      'Type',
      'Id',
    ]);
    expect(last().body).toMatchObject({
      SubscriptionUniqueId: 'M6JYJRPV4Q',
      CustomerUniqueId: 'QV4WNSL7E6',
      SubscriptionStatus: 'Active',
      BillsbyPlanId: 155,
      NextBillingDate: '2020-06-22T10:17:42.018276',
    });
    expect(last().seen).toMatchObject({ status: 'Active', planIdNext: 156, cycleIdNext: 218 });
  });

  test('a next billing date set with an offset is sent offset-less (UTC) and reads as the same instant', async () => {
    const d = await sim.control.updateSubscription('6WJYRQ9V3G', {
      nextBillingDate: '2026-12-01T09:30:00.250+01:00',
    });
    expect(d.body.NextBillingDate).toMatch(OFFSET_LESS_MICROS);
    expect(d.body.NextBillingDate).toBe('2026-12-01T08:30:00.250000');
    const read = (await billsby.getSubscription('6WJYRQ9V3G')).nextBillingDate!;
    expect(Date.parse(read)).toBe(Date.parse(`${String(d.body.NextBillingDate)}Z`));
    await expect(sim.control.updateSubscription('NOPE', {})).rejects.toThrow(/no subscription/);
  });
});

describe('invoices', () => {
  test('createInvoice → InvoiceCreated Pending; the REST read agrees (number, amount, names)', async () => {
    receiver.onRequest = (b) => billsby.getInvoice(String(b.InvoiceNumber));
    const d = await sim.control.createInvoice({
      customerUniqueId: '5VL9JC0NE0',
      amount: 4999,
      currency: 'GBP',
    });
    expectDelivered(d, 'InvoiceCreated');
    expect(last().body).toEqual({
      InvoiceNumber: '5VL9JC0NE0-2',
      InvoiceAmount: 4999,
      CurrencyCode: 'GBP',
      InvoiceStatus: 'Pending',
      Url: 'https://app.billsby.com/invoice/5VL9JC0NE0-2',
      Type: 'InvoiceCreated',
      Id: d.body.Id,
    });
    expect(Object.keys(last().body).slice(-2)).toEqual(['Type', 'Id']);
    expect(last().seen).toMatchObject({
      customerUniqueId: '5VL9JC0NE0',
      customerFirstName: 'Madeline',
      customerLastName: 'Parsons',
      amount: 4999,
      status: 'Pending',
    });
  });

  test('payInvoice → InvoiceUpdated Paid (same number and amount); the invoice then reads Paid', async () => {
    const created = await sim.control.createInvoice({
      customerUniqueId: 'QV4WNSL7E6',
      amount: 500,
      currency: 'JPY',
      customerFirstName: null,
    });
    const number = String(created.body.InvoiceNumber);
    receiver.onRequest = (b) => billsby.getInvoice(String(b.InvoiceNumber));
    const d = await sim.control.payInvoice(number);
    expectDelivered(d, 'InvoiceUpdated');
    expect(Object.keys(last().body)).toEqual([
      'InvoiceNumber',
      'InvoiceAmount',
      'CurrencyCode',
      'InvoiceStatus',
      'Url',
      'Type',
      'Id',
    ]);
    expect(last().body).toMatchObject({
      InvoiceNumber: number,
      InvoiceAmount: 500,
      CurrencyCode: 'JPY',
      InvoiceStatus: 'Paid',
    });
    expect(d.body.Id).not.toBe(created.body.Id);
    expect(last().seen).toMatchObject({ status: 'Paid', customerFirstName: null, customerLastName: 'Sato' });
    expect((await billsby.getInvoice(number)).status).toBe('Paid');
    await expect(sim.control.payInvoice('NOPE-1')).rejects.toThrow(/no invoice/);
  });

  test('updateInvoice sends InvoiceUpdated with the status after the patch', async () => {
    const d = await sim.control.updateInvoice('5VL9JC0NE0-3', { status: 'Unpaid' });
    expect(d.body).toMatchObject({
      Type: 'InvoiceUpdated',
      InvoiceStatus: 'Unpaid',
      InvoiceNumber: '5VL9JC0NE0-3',
    });
    expect((await billsby.getInvoice('5VL9JC0NE0-3')).status).toBe('Unpaid');
  });
});

describe('re-sends, ids, configuration and failures', () => {
  test('every event gets a fresh Id; resendLast sends the same body, same Id; resend sends any body verbatim', async () => {
    const a = await sim.control.updateCustomer('5VL9JC0NE0', {});
    const b = await sim.control.updateCustomer('5VL9JC0NE0', {});
    expect(a.body.Id).not.toBe(b.body.Id);
    const again = await sim.control.resendLast();
    expect(again.body).toEqual(b.body);
    expect(receiver.received.at(-1)!.raw).toBe(receiver.received.at(-2)!.raw);
    const odd = {
      InvoiceNumber: 'X-1',
      InvoiceAmount: '1289',
      CurrencyCode: 'gbp',
      InvoiceStatus: 'Paid',
      Type: 'InvoiceUpdated',
      Id: 'fixed-id',
    };
    const sent = await sim.control.resend(odd);
    expect(sent.ok).toBe(true);
    expect(last().raw).toBe(JSON.stringify(odd));
    expect(last().headers.secret).toBe(SECRET);
    expect(sim.control.webhookLog().map((d) => d.body.Id)).toEqual([
      a.body.Id,
      b.body.Id,
      b.body.Id,
      'fixed-id',
    ]);
  });

  test('no webhook configured: the data changes, nothing is sent, the delivery says so', async () => {
    sim.control.setWebhook(null);
    const d = await sim.control.createCustomer({
      customerUniqueId: 'QUIET00001',
      email: 'q@example.com',
      firstName: 'Q',
      lastName: 'R',
    });
    expect(d).toMatchObject({ sent: false, status: null, ok: false, error: 'not configured' });
    expect(d.body.Type).toBe('CustomerCreated');
    expect(receiver.received).toHaveLength(0);
    expect((await billsby.getCustomer('QUIET00001')).email).toBe('q@example.com');
  });

  test('no secret: no secret header', async () => {
    sim.control.setWebhook({ url: receiver.url });
    await sim.control.payInvoice('5VL9JC0NE0-3');
    expect(last().headers).not.toHaveProperty('secret');
  });

  test('a non-2xx answer or a refused connection is reported, never thrown', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      receiver.status = 500;
      const d = await sim.control.payInvoice('5VL9JC0NE0-3');
      expect(d).toMatchObject({ sent: true, status: 500, ok: false, error: 'HTTP 500' });
      expect((await billsby.getInvoice('5VL9JC0NE0-3')).status).toBe('Paid');
      await receiver.close();
      const refused = await sim.control.updateCustomer('5VL9JC0NE0', { firstName: 'Maddy' });
      expect(refused).toMatchObject({ sent: true, status: null, ok: false, error: 'ECONNREFUSED' });
      expect((await billsby.getCustomer('5VL9JC0NE0')).firstName).toBe('Maddy');
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      receiver = await startReceiver(); // afterEach closes it
    }
  });

  test('a receiver slower than webhookTimeoutMs → error timeout', async () => {
    const slowSim = await startBillsbySimulator({
      webhook: { url: receiver.url, secret: SECRET },
      webhookTimeoutMs: 100,
    });
    try {
      receiver.onRequest = () => new Promise((r) => setTimeout(r, 400));
      const d = await slowSim.control.payInvoice('5VL9JC0NE0-3');
      expect(d).toMatchObject({ sent: true, status: null, ok: false, error: 'timeout' });
    } finally {
      await slowSim.close();
    }
  });

  test('the webhook option at start sends from the first change', async () => {
    const other = await startBillsbySimulator({ webhook: { url: receiver.url, secret: 'opt-secret' } });
    try {
      await other.control.updateSubscription('6WJYRQ9V3G', { units: 2 });
      expect(last().headers.secret).toBe('opt-secret');
      expect(last().body).toMatchObject({ Type: 'SubscriptionUpdated', Units: 2 });
    } finally {
      await other.close();
    }
  });
});

describe('admin HTTP', () => {
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.origin}/__admin${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('webhook target, each operation and the re-send answer the delivery', async () => {
    sim.control.setWebhook(null);
    expect((await admin('POST', '/webhook', { url: 42 })).status).toBe(400);
    expect((await admin('POST', '/webhook', { url: receiver.url, secret: 'admin-secret' })).status).toBe(200);

    const created = await admin('POST', '/ops/customers', {
      customerUniqueId: 'ADMINC0001',
      email: 'a@example.com',
      firstName: 'A',
      lastName: 'B',
    });
    expect(created).toMatchObject({
      status: 200,
      body: {
        sent: true,
        status: 202,
        ok: true,
        body: { Type: 'CustomerCreated', CustomerUniqueId: 'ADMINC0001' },
      },
    });
    expect(last().headers.secret).toBe('admin-secret');

    expect((await admin('PATCH', '/ops/customers/ADMINC0001', { firstName: 'Al' })).body).toMatchObject({
      body: { Type: 'CustomerUpdated', FirstName: 'Al' },
    });
    const sub = await admin('POST', '/ops/subscriptions', {
      customerUniqueId: 'ADMINC0001',
      subscriptionUniqueId: 'ADMINS0001',
    });
    expect(sub.body).toMatchObject({
      body: { Type: 'SubscriptionCreated', SubscriptionUniqueId: 'ADMINS0001', Units: 1 },
    });
    const upd = await admin('PATCH', '/ops/subscriptions/ADMINS0001', { status: 'Cancelled' });
    expect(upd.body).toMatchObject({
      body: { Type: 'SubscriptionUpdated', SubscriptionStatus: 'Cancelled' },
    });
    const inv = await admin('POST', '/ops/invoices', {
      customerUniqueId: 'ADMINC0001',
      amount: 100,
      currency: 'USD',
    });
    expect(inv.body).toMatchObject({
      body: { Type: 'InvoiceCreated', InvoiceNumber: 'ADMINC0001-1', InvoiceStatus: 'Pending' },
    });
    const paid = await admin('POST', '/ops/invoices/ADMINC0001-1/pay');
    expect(paid.body).toMatchObject({ body: { Type: 'InvoiceUpdated', InvoiceStatus: 'Paid' } });
    expect((await billsby.getInvoice('ADMINC0001-1')).status).toBe('Paid');

    const again = await admin('POST', '/webhook/resend-last');
    expect((again.body.body as Record<string, unknown>).Id).toBe(
      (paid.body.body as Record<string, unknown>).Id,
    );
    expect((await admin('POST', '/webhook/resend', { nope: 1 })).status).toBe(400);
    expect((await admin('POST', '/webhook/resend', { Type: 'Future', Id: 'x-1' })).body).toMatchObject({
      ok: true,
      body: { Type: 'Future', Id: 'x-1' },
    });
    expect((await admin('DELETE', '/ops/customers/ADMINC0001')).body).toMatchObject({
      body: { Type: 'CustomerDeleted' },
    });

    const log = await fetch(`${sim.origin}/__admin/webhooks`).then(
      (r) => r.json() as Promise<WebhookDelivery[]>,
    );
    expect(log.map((d) => d.body.Type)).toEqual([
      'CustomerCreated',
      'CustomerUpdated',
      'SubscriptionCreated',
      'SubscriptionUpdated',
      'InvoiceCreated',
      'InvoiceUpdated',
      'InvoiceUpdated',
      'Future',
      'CustomerDeleted',
    ]);
    expect(receiver.received.map((r) => r.body.Type)).toEqual(log.map((d) => d.body.Type));
  });

  test('unknown records → 404; setting the url to null stops the sends', async () => {
    expect((await admin('PATCH', '/ops/customers/NOPE', {})).status).toBe(404);
    expect((await admin('DELETE', '/ops/customers/NOPE')).status).toBe(404);
    expect((await admin('PATCH', '/ops/subscriptions/NOPE', {})).status).toBe(404);
    expect((await admin('POST', '/ops/invoices/NOPE-1/pay')).status).toBe(404);
    expect((await admin('POST', '/webhook', { url: null })).status).toBe(200);
    expect((await admin('POST', '/ops/invoices/5VL9JC0NE0-3/pay')).body).toMatchObject({ sent: false });
    expect(receiver.received).toHaveLength(0);
  });
});
