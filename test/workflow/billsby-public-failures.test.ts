/**
 * Issue 21's acceptance, the hard parts: ignored webhooks, the account's Billsby credentials and
 * Billsby refusing them mid-run, and the filled text fixed before the first post across a restart.
 */
import {
  api,
  connectAsOwnUser,
  eventually,
  integrationStatus,
  numberedEvent,
  roomTexts,
  sendEvent,
} from '../harness/webex-app';
import {
  billsbyTestApp,
  goldSubscription,
  madeline,
  paidInvoice,
  publicWebhook,
  uniqueIds,
} from './billsby-fixtures';

const kit = billsbyTestApp('acct-pubf');
const { sim, newAccount, statusOf, putCredentials, delivered } = kit;
const credentialsPath = (accountId: string) => `/api/accounts/${accountId}/billsby`;

describe('webhooks with no message', () => {
  it('InvoiceCreated, InvoiceUpdated Pending, CustomerDeleted and an unknown type are kept as ignored, without payload; a second Paid of one invoice too', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(kit.app, accountId);
    const invoice = {
      InvoiceNumber: 'INV-IGN-1',
      InvoiceAmount: 1289,
      CurrencyCode: 'GBP',
      Url: 'https://kit.app.billsby.com/invoice/INV-IGN-1',
    };
    const ignored = [
      publicWebhook('InvoiceCreated', { ...invoice, InvoiceStatus: 'Pending' }),
      publicWebhook('InvoiceUpdated', { ...invoice, InvoiceStatus: 'Pending' }),
      publicWebhook('CustomerDeleted', { CustomerUniqueId: 'CUST-IGN' }),
      publicWebhook('SomethingNew', { Whatever: 1 }),
    ];
    const paid = publicWebhook('InvoiceUpdated', { ...invoice, InvoiceStatus: 'Paid' });
    const paidAgain = publicWebhook('InvoiceUpdated', { ...invoice, InvoiceStatus: 'Paid' });
    for (const body of ignored) {
      const res = await sendEvent(kit.app, accountId, body);
      expect([res.status, res.body]).toEqual([202, { eventId: body.Id, status: 'ignored' }]);
    }
    expect((await sendEvent(kit.app, accountId, paid)).body).toEqual({
      eventId: paid.Id,
      status: 'accepted',
    });
    expect((await sendEvent(kit.app, accountId, paidAgain)).body).toEqual({
      eventId: paidAgain.Id,
      status: 'ignored',
    });
    // The same Id again is a duplicate, whatever it was.
    expect((await sendEvent(kit.app, accountId, ignored[0])).body).toEqual({
      eventId: ignored[0]!.Id,
      status: 'duplicate',
    });
    const marker = numberedEvent('ign', 1);
    await sendEvent(kit.app, accountId, marker);
    const status = await delivered(accountId, 2);
    expect(status.counts).toMatchObject({ received: 2, delivered: 2, ignored: 5, duplicates: 1 });
    // One payment message (no credentials: the webhook's values only) and the marker; nothing else.
    const texts = roomTexts(kit.app, roomId);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^Successful payment\n/);
    expect(texts[0]).toContain('InvoiceCodeNumber: INV-IGN-1');
    for (const body of [...ignored, paidAgain]) {
      const record = (await api(kit.app, `/api/accounts/${accountId}/webex/events/${body.Id}`)).body as {
        state: string;
        type: string;
        lastError: string;
      };
      expect(record).toMatchObject({ state: 'ignored', type: body.Type });
      expect(record.lastError).toMatch(/\w/);
    }
    const payloads = await kit.app.eventLog.readPayloads(
      accountId,
      [...ignored, paidAgain].map((b) => b.Id),
    );
    expect(payloads.size).toBe(0);
    const listed = (await api(kit.app, `/api/accounts/${accountId}/webex/events?state=ignored&limit=10`))
      .body as {
      events: { eventId: string }[];
    };
    expect(listed.events.map((e) => e.eventId).sort()).toEqual(
      [...ignored, paidAgain].map((b) => b.Id).sort(),
    );
  });
});

describe("the account's Billsby credentials", () => {
  it('a wrong key is 422 and stores nothing; GET never shows the key; DELETE removes them', async () => {
    const accountId = newAccount();
    await connectAsOwnUser(kit.app, accountId);
    const wrong = await putCredentials(accountId, 'not-the-key-0123456789');
    expect(wrong.status).toBe(422);
    expect((await api(kit.app, credentialsPath(accountId))).body).toEqual({
      companyDomain: null,
      state: 'not_configured',
      checkedAt: null,
    });
    const unknownCompany = await api(kit.app, credentialsPath(accountId), {
      method: 'PUT',
      json: { companyDomain: 'nosuchcompany', apiKey: sim().control.dataset.apiKey },
    });
    expect(unknownCompany.status).toBe(422);
    const ok = await putCredentials(accountId);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ companyDomain: sim().control.dataset.companyDomain, state: 'ok' });
    const shown = await api(kit.app, credentialsPath(accountId));
    expect(shown.body).toMatchObject({ companyDomain: sim().control.dataset.companyDomain, state: 'ok' });
    expect(JSON.stringify(shown.body)).not.toContain(sim().control.dataset.apiKey);
    expect(JSON.stringify((await integrationStatus(kit.app, accountId)).body)).not.toContain(
      sim().control.dataset.apiKey,
    );
    expect((await api(kit.app, credentialsPath(accountId), { method: 'DELETE' })).status).toBe(204);
    expect((await api(kit.app, credentialsPath(accountId))).body).toMatchObject({ state: 'not_configured' });
    expect((await api(kit.app, credentialsPath('never-integrated-acct'))).status).toBe(404);
    const bad = await api(kit.app, credentialsPath(accountId), {
      method: 'PUT',
      json: { companyDomain: 'widgets' },
    });
    expect(bad.status).toBe(400);
  });

  it('Billsby refusing the key mid-run: state rejected with an alert, the queue held in order, another account unaffected; a new PUT resumes it', async () => {
    const held = newAccount();
    const other = newAccount();
    const { roomId: heldRoom } = await connectAsOwnUser(kit.app, held);
    const { roomId: otherRoom } = await connectAsOwnUser(kit.app, other);
    expect((await putCredentials(held)).status).toBe(200);
    expect((await putCredentials(other)).status).toBe(200);
    const mine = uniqueIds('held');
    const theirs = uniqueIds('other');
    sim().control.addCustomer(madeline(mine.customer));
    sim().control.addCustomer(madeline(theirs.customer));
    // Billsby now refuses every read about the held account's customer: 401.
    sim().control.failNext(1_000, { status: 401, path: `/customers/${mine.customer}` });
    const heldEvents = [
      numberedEvent('held-rich', 1),
      publicWebhook('CustomerCreated', { CustomerUniqueId: mine.customer, Email: 'h1@example.com' }),
      numberedEvent('held-rich', 2),
    ];
    for (const body of heldEvents) await sendEvent(kit.app, held, body);
    const status = await eventually(
      () => statusOf(held),
      (s) => s.billsby.state === 'rejected',
    );
    expect(status.alerts.map((a) => a.code)).toContain('billsby_credentials_rejected');
    // The rich event before the refused one was posted; the rest wait, queued, in order.
    expect(status.counts).toMatchObject({ delivered: 1, pending: 2, failed: 0, dropped: 0 });
    // The other account's public webhooks are filled and posted meanwhile.
    await sendEvent(kit.app, other, publicWebhook('CustomerCreated', { CustomerUniqueId: theirs.customer }));
    await delivered(other, 1);
    expect(roomTexts(kit.app, otherRoom)[0]).toContain('CustomerDetails_BillingAddress_City: Brighton');
    expect((await statusOf(held)).counts).toMatchObject({ delivered: 1, pending: 2 });

    sim().control.clearFaults();
    expect((await putCredentials(held)).status).toBe(200);
    await delivered(held, 3);
    expect((await statusOf(held)).billsby.state).toBe('ok');
    const texts = roomTexts(kit.app, heldRoom);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain('held-rich-customer-1');
    expect(texts[1]).toContain(`CustomerUniqueId: ${mine.customer}`);
    expect(texts[1]).toContain('CustomerDetails_Email: h1@example.com');
    expect(texts[2]).toContain('held-rich-customer-2');
  });
});

describe('forget-customer and a payment not filled yet', () => {
  it('a payment queued before its customer was forgotten is dropped when filled, never posted', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(kit.app, accountId);
    expect((await putCredentials(accountId)).status).toBe(200);
    const ids = uniqueIds('forget');
    sim().control.addCustomer(madeline(ids.customer));
    sim().control.addSubscription(goldSubscription(ids.subscription, ids.customer));
    sim().control.addInvoice(paidInvoice(ids.invoice, ids.customer, ids.subscription));
    // The payment waits unfilled while Billsby refuses the invoice read.
    sim().control.failNext(1_000, { status: 401, path: `/invoices/${ids.invoice}` });
    const paid = publicWebhook('InvoiceUpdated', {
      InvoiceNumber: ids.invoice,
      InvoiceAmount: 3867,
      CurrencyCode: 'GBP',
      InvoiceStatus: 'Paid',
    });
    expect((await sendEvent(kit.app, accountId, paid)).status).toBe(202);
    await eventually(
      () => statusOf(accountId),
      (s) => s.billsby.state === 'rejected',
    );
    // The payment names no customer yet: nothing found to erase now.
    const forgot = await api(kit.app, `/api/accounts/${accountId}/webex/forget-customer`, {
      method: 'POST',
      json: { customerUniqueId: ids.customer },
    });
    expect(forgot.body).toMatchObject({ erased: 0, dropped: 0 });

    sim().control.clearFaults();
    expect((await putCredentials(accountId)).status).toBe(200);
    const marker = numberedEvent('after-forget', 1);
    await sendEvent(kit.app, accountId, marker);
    await delivered(accountId, 1);
    const record = (await api(kit.app, `/api/accounts/${accountId}/webex/events/${paid.Id}`)).body;
    expect(record).toMatchObject({ state: 'dropped', lastError: "erased at the customer's request" });
    expect((await kit.app.eventLog.readPayloads(accountId, [paid.Id])).size).toBe(0);
    // Only the marker reached the room: the forgotten customer's payment never did.
    const texts = roomTexts(kit.app, roomId);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('after-forget-customer-1');
    expect((await statusOf(accountId)).counts).toMatchObject({ delivered: 1, dropped: 1, pending: 0 });
  });
});

describe('the filled text is fixed before the first post', () => {
  it('worker stopped after filling, Billsby data changed, worker back: the first text is posted, once', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(kit.app, accountId);
    expect((await putCredentials(accountId)).status).toBe(200);
    const ids = uniqueIds('fix');
    sim().control.addCustomer(madeline(ids.customer));
    // Webex refuses the post (503) for a while: the event is filled and stored, then the post fails.
    const fault = kit.app.sim.control.failNext(1_000, 503, {
      method: 'POST',
      pathPrefix: '/messages',
      roomId,
    });
    const body = publicWebhook('CustomerCreated', { CustomerUniqueId: ids.customer });
    await sendEvent(kit.app, accountId, body);
    await eventually(
      async () =>
        (await api(kit.app, `/api/accounts/${accountId}/webex/events/${body.Id}`)).body as {
          attempts: number;
        },
      (e) => e.attempts >= 1,
    );
    await kit.app.stopWorker();
    const customer = sim().control.dataset.customers.find((c) => c.customerUniqueId === ids.customer)!;
    customer.billingAddress!.city = 'Hove';
    kit.app.sim.control.removeFault(fault);
    await kit.app.startWorker();
    await delivered(accountId, 1);
    const texts = roomTexts(kit.app, roomId);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('CustomerDetails_BillingAddress_City: Brighton');
  });
});
