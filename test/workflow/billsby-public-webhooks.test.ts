/**
 * Issue 21's acceptance: a real Billsby account's public webhooks (DESIGN §4.3.1), filled from the
 * Billsby simulator's REST API with the account's own credentials, posted as the exact §4.4 texts.
 * The expected texts are written here from DESIGN's words, line by line, not by the product's templates.
 */
import { api, connectAsOwnUser, roomTexts, sendEvent } from '../harness/webex-app';
import {
  billsbyTestApp,
  goldSubscription,
  madeline,
  paidInvoice,
  publicWebhook,
  uniqueIds,
} from './billsby-fixtures';

const kit = billsbyTestApp('acct-pub');
const { sim, newAccount, putCredentials, delivered } = kit;

async function connected() {
  const accountId = newAccount();
  const { roomId } = await connectAsOwnUser(kit.app, accountId);
  expect((await putCredentials(accountId)).status).toBe(200);
  return { accountId, roomId };
}

describe('public Billsby webhooks, filled from the Billsby API', () => {
  it('each public type becomes its exact message; the webhook’s own values win over the API’s', async () => {
    const { accountId, roomId } = await connected();
    const ids = uniqueIds('each');
    sim().control.addCustomer(madeline(ids.customer));
    sim().control.addSubscription(goldSubscription(ids.subscription, ids.customer));
    sim().control.addInvoice(paidInvoice(ids.invoice, ids.customer, ids.subscription));

    const before = Date.now();
    const sent = [
      // The webhook says Maddie; the API says Madeline: the webhook wins.
      publicWebhook('CustomerCreated', {
        CustomerUniqueId: ids.customer,
        Email: 'maddie@example.com',
        FirstName: 'Maddie',
        LastName: 'Parsons',
        SubscriptionIds: [ids.subscription],
      }),
      publicWebhook('SubscriptionCreated', {
        SubscriptionUniqueId: ids.subscription,
        CustomerUniqueId: ids.customer,
        SubscriptionStatus: 'Active',
        BillsbyProductId: 17,
        BillsbyPlanId: 24,
        BillsbyCycleId: 35,
        Units: 1,
      }),
      publicWebhook('SubscriptionUpdated', {
        SubscriptionUniqueId: ids.subscription,
        CustomerUniqueId: ids.customer,
        SubscriptionStatus: 'Active',
        BillsbyProductId: 17,
        BillsbyPlanId: 24,
        BillsbyCycleId: 35,
        Units: 1,
        NextBillingDate: '2020-06-22T10:17:42.018276',
      }),
      publicWebhook('InvoiceUpdated', {
        InvoiceNumber: ids.invoice,
        InvoiceAmount: 1289,
        CurrencyCode: 'GBP',
        InvoiceStatus: 'Paid',
        Url: `https://kit.app.billsby.com/invoice/${ids.invoice}`,
      }),
    ];
    for (const body of sent)
      expect((await sendEvent(kit.app, accountId, body)).body).toMatchObject({ status: 'accepted' });
    const after = Date.now();
    await delivered(accountId, 4);
    const [created, subCreated, subUpdated, payment] = roomTexts(kit.app, roomId).map((t) => t.split('\n'));

    expect(created).toEqual([
      'Customer created',
      `CustomerUniqueId: ${ids.customer}`,
      'CustomerDetails_Email: maddie@example.com',
      'CustomerDetails_FirstName: Maddie',
      'CustomerDetails_LastName: Parsons',
      'CustomerDetails_PhoneNumber: 2015552810',
      'CustomerDetails_PhoneNumberDialCode: +44',
      'CustomerDetails_PhoneNumberCountry: GB',
      'CustomerDetails_BillingAddress_AddressLine1: 23 Turnabout Road',
      'CustomerDetails_BillingAddress_AddressLine2: ',
      'CustomerDetails_BillingAddress_City: Brighton',
      'CustomerDetails_BillingAddress_Country: GBR',
      'CustomerDetails_BillingAddress_State: East Sussex',
      'CustomerDetails_BillingAddress_Postcode: BN1 1AA',
    ]);
    expect(subCreated).toEqual([
      'Subscription created',
      `CustomerUniqueId: ${ids.customer}`,
      `SubscriptionUniqueId: ${ids.subscription}`,
      'BillsbyProduct: Gym Membership',
      'BillsbyPlan: Gold',
      'BillsbyCycle: Every 3 months',
    ]);
    expect(subUpdated).toEqual([
      'Subscription updated',
      `CustomerUniqueId: ${ids.customer}`,
      `SubscriptionUniqueId: ${ids.subscription}`,
      'BillsbyProductId: 17',
      'BillsbyPlanId: 24',
      'BillsbyCycleId: 35',
      'SubscriptionStatus: Active',
      'NextBillsbyPlanId: 25',
      'NextBillsbyCycleId: ',
      'NextBillingDate: 2020-06-22T10:17:42.018Z',
      'SubscriptionFeatureTags:',
      '1: gold',
      '2: water',
      '3: towel',
    ]);
    const paidOn = payment!.find((l) => l.startsWith('PaidOn: '))!.slice('PaidOn: '.length);
    expect(Date.parse(paidOn)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(paidOn)).toBeLessThanOrEqual(after + 5);
    expect(payment).toEqual([
      'Successful payment',
      `CustomerUniqueId: ${ids.customer}`,
      'AmountPaid: 12.89',
      'AmountPaidinUsd: ',
      `PaidOn: ${new Date(paidOn).toISOString()}`,
      'currencyCode: GBP',
      'CustomerDetails_Email: madeline.parsons@example.com',
      'CustomerDetails_FirstName: Madeline',
      'CustomerDetails_LastName: Parsons',
      `InvoiceCodeNumber: ${ids.invoice}`,
      'InvoiceSubscriptions:',
      '1:',
      'PlanName: Gold',
      'ProductName: Gym Membership',
      'BillingPeriodStart: 2020-06-22T10:17:42.018Z',
      'BilllingPeriodEnd: 2020-07-22T10:17:42.018Z',
      `SubscriptionUniqueId: ${ids.subscription}`,
    ]);
  });

  it('the same object named by several events of one batch is read from Billsby once', async () => {
    const { accountId } = await connected();
    const ids = uniqueIds('once');
    sim().control.addCustomer(madeline(ids.customer));
    await kit.app.stopWorker(); // so the three events land in one batch
    try {
      for (const name of ['a', 'b', 'c'])
        await sendEvent(
          kit.app,
          accountId,
          publicWebhook('CustomerUpdated', { CustomerUniqueId: ids.customer, Email: `${name}@example.com` }),
        );
    } finally {
      await kit.app.startWorker();
    }
    await delivered(accountId, 3);
    const reads = sim()
      .control.requestLog()
      .filter((r) => r.path.endsWith(`/customers/${ids.customer}`));
    expect(reads).toHaveLength(1);
  });

  it('OldDetails of a CustomerUpdated are what the previous message about that customer showed; forget-customer erases them', async () => {
    const { accountId, roomId } = await connected();
    const ids = uniqueIds('old');
    sim().control.addCustomer(madeline(ids.customer));
    await sendEvent(
      kit.app,
      accountId,
      publicWebhook('CustomerCreated', {
        CustomerUniqueId: ids.customer,
        Email: 'first@example.com',
        FirstName: 'Madeline',
        LastName: 'Parsons',
      }),
    );
    await delivered(accountId, 1);
    // Billsby's data changes between the two webhooks.
    const customer = sim().control.dataset.customers.find((c) => c.customerUniqueId === ids.customer)!;
    customer.phoneNumber = '7700900123';
    customer.billingAddress!.city = 'Hove';
    await sendEvent(
      kit.app,
      accountId,
      publicWebhook('CustomerUpdated', {
        CustomerUniqueId: ids.customer,
        Email: 'second@example.com',
        FirstName: 'Madeline',
        LastName: 'Parsons',
      }),
    );
    await delivered(accountId, 2);
    const [created, updated] = roomTexts(kit.app, roomId).map((t) => t.split('\n'));
    const createdDetails = created!.slice(2).map((l) => l.replace(/^CustomerDetails_/, ''));
    const oldDetails = updated!
      .filter((l) => l.startsWith('OldDetails_'))
      .map((l) => l.replace(/^OldDetails_/, ''));
    const newDetails = updated!
      .filter((l) => l.startsWith('NewDetails_'))
      .map((l) => l.replace(/^NewDetails_/, ''));
    expect(oldDetails).toEqual(createdDetails);
    expect(newDetails).toContain('Email: second@example.com');
    expect(newDetails).toContain('PhoneNumber: 7700900123');
    expect(newDetails).toContain('BillingAddress_City: Hove');

    const forgot = await api(kit.app, `/api/accounts/${accountId}/webex/forget-customer`, {
      method: 'POST',
      json: { customerUniqueId: ids.customer },
    });
    expect(forgot.status).toBe(200);
    await sendEvent(
      kit.app,
      accountId,
      publicWebhook('CustomerUpdated', { CustomerUniqueId: ids.customer, Email: 'third@example.com' }),
    );
    await delivered(accountId, 3);
    const third = roomTexts(kit.app, roomId)[2]!.split('\n');
    const oldAfterForget = third.filter((l) => l.startsWith('OldDetails_'));
    expect(oldAfterForget).toHaveLength(12);
    expect(oldAfterForget.every((l) => l.endsWith(': '))).toBe(true);
    expect(third).toContain('NewDetails_Email: third@example.com');
  });

  it('Billsby no longer has the customer (404): the message posts with the webhook’s values, the rest empty', async () => {
    const { accountId, roomId } = await connected();
    const ids = uniqueIds('gone');
    await sendEvent(
      kit.app,
      accountId,
      publicWebhook('CustomerCreated', {
        CustomerUniqueId: ids.customer,
        Email: 'gone@example.com',
        FirstName: 'Gone',
        LastName: 'Away',
      }),
    );
    await delivered(accountId, 1);
    expect(roomTexts(kit.app, roomId)[0]!.split('\n')).toEqual([
      'Customer created',
      `CustomerUniqueId: ${ids.customer}`,
      'CustomerDetails_Email: gone@example.com',
      'CustomerDetails_FirstName: Gone',
      'CustomerDetails_LastName: Away',
      'CustomerDetails_PhoneNumber: ',
      'CustomerDetails_PhoneNumberDialCode: ',
      'CustomerDetails_PhoneNumberCountry: ',
      'CustomerDetails_BillingAddress_AddressLine1: ',
      'CustomerDetails_BillingAddress_AddressLine2: ',
      'CustomerDetails_BillingAddress_City: ',
      'CustomerDetails_BillingAddress_Country: ',
      'CustomerDetails_BillingAddress_State: ',
      'CustomerDetails_BillingAddress_Postcode: ',
    ]);
  });

  it('Billsby answering 429 with Retry-After: 2 is waited out, and the event posted once', async () => {
    const { accountId, roomId } = await connected();
    const ids = uniqueIds('429');
    sim().control.addCustomer(madeline(ids.customer));
    sim().control.failNext(1, { status: 429, retryAfter: '2', path: `/customers/${ids.customer}` });
    const body = publicWebhook('CustomerCreated', {
      CustomerUniqueId: ids.customer,
      Email: 'rl@example.com',
    });
    await sendEvent(kit.app, accountId, body);
    await delivered(accountId, 1);
    const event = (await api(kit.app, `/api/accounts/${accountId}/webex/events/${body.Id}`)).body as {
      receivedAt: string;
      deliveredAt: string;
    };
    expect(Date.parse(event.deliveredAt) - Date.parse(event.receivedAt)).toBeGreaterThanOrEqual(1_900);
    expect(roomTexts(kit.app, roomId)).toHaveLength(1);
    const reads = sim()
      .control.requestLog()
      .filter((r) => r.path.endsWith(`/customers/${ids.customer}`));
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
  });
});
