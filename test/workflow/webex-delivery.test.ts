import { GOLDEN_MESSAGES, SAMPLE_EVENT_NAMES, loadSampleEvent } from '../fixtures/golden-messages';
import { http } from '../harness/http';
import { closeTestConnections } from '../harness/temporal';
import {
  api,
  connectAsOwnUser,
  deliveredByOf,
  eventually,
  integrationStatus,
  numberedEvent,
  roomTexts,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { integrationWorkflowId } from '../../workflows/webex/definitions';

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp();
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

let counter = 0;
const newAccount = () => `acct-dlv-${Date.now().toString(36)}-${counter++}`;
type Status = {
  status: string;
  counts: Record<string, number>;
  recentFailures: { eventId: string; reason: string }[];
};
const statusOf = async (accountId: string) => (await integrationStatus(app, accountId)).body as Status;

describe('Billsby events → Webex messages', () => {
  it('each of the five triggers, through the webhook, posts its exact text in order', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    for (const name of SAMPLE_EVENT_NAMES) {
      const res = await sendEvent(app, accountId, loadSampleEvent(name));
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ eventId: (loadSampleEvent(name) as { Id: string }).Id, status: 'accepted' });
    }
    const status = await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered === 5,
    );
    expect(status.counts).toMatchObject({ received: 5, delivered: 5, pending: 0, failed: 0 });
    expect(roomTexts(app, roomId)).toEqual(SAMPLE_EVENT_NAMES.map((name) => GOLDEN_MESSAGES[name]));
  });

  it('the same Id twice gives one message and answers "duplicate"', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    const event = numberedEvent('dup', 1);
    expect((await sendEvent(app, accountId, event)).body).toMatchObject({ status: 'accepted' });
    expect((await sendEvent(app, accountId, event)).body).toMatchObject({ status: 'duplicate' });
    await sendEvent(app, accountId, numberedEvent('dup', 2));
    await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered === 2,
    );
    expect(roomTexts(app, roomId).filter((t) => t.includes('dup-customer-1'))).toHaveLength(1);
    expect((await statusOf(accountId)).counts).toMatchObject({ received: 2, duplicates: 1 });
  });

  it("a wrong, missing or other account's secret is 401 and queues nothing; so is any for an account never integrated", async () => {
    const accountId = newAccount();
    const other = newAccount();
    await connectAsOwnUser(app, accountId);
    await connectAsOwnUser(app, other);
    expect((await sendEvent(app, accountId, numberedEvent('sec', 1), 'whsec_wrong')).status).toBe(401);
    expect((await sendEvent(app, accountId, numberedEvent('sec', 1), '')).status).toBe(401);
    expect(
      (await sendEvent(app, accountId, numberedEvent('sec', 1), await app.secretFor(other))).status,
    ).toBe(401);
    expect((await statusOf(accountId)).counts.received).toBe(0);
    // No secret was ever issued there, so none is right (and the answer does not say whether it exists).
    expect((await sendEvent(app, 'no-such-account', numberedEvent('sec', 1), 'whsec_guess')).status).toBe(
      401,
    );
  });

  const malformed: [string, unknown, string][] = [
    ['array body', [], 'body'],
    ['string body', 'hello', 'body'],
    ['null body', null, 'body'],
    ['no Id', { Type: 'CustomerCreated', CustomerUniqueId: 'c' }, 'Id'],
    ['numeric Id', { Id: 5, Type: 'CustomerCreated', CustomerUniqueId: 'c' }, 'Id'],
    ['Id with spaces', { Id: 'a b', Type: 'CustomerCreated', CustomerUniqueId: 'c' }, 'Id'],
    ['Id too long', { Id: 'x'.repeat(129), Type: 'CustomerCreated', CustomerUniqueId: 'c' }, 'Id'],
    ['no Type', { Id: 'e', CustomerUniqueId: 'c' }, 'Type'],
    // An unknown string Type is Billsby's (kept as ignored, §4.3.1); a Type that is no string is not.
    ['numeric Type', { Id: 'e', Type: 42, CustomerUniqueId: 'c' }, 'Type'],
    ['no CustomerUniqueId', { Id: 'e', Type: 'CustomerCreated' }, 'CustomerUniqueId'],
    [
      'email not a string',
      { Id: 'e', Type: 'CustomerCreated', CustomerUniqueId: 'c', CustomerDetails: { Email: 7 } },
      'CustomerDetails.Email',
    ],
    [
      'details not an object',
      { Id: 'e', Type: 'CustomerCreated', CustomerUniqueId: 'c', CustomerDetails: 'x' },
      'CustomerDetails',
    ],
    [
      'string over 1,000 chars',
      {
        Id: 'e',
        Type: 'CustomerCreated',
        CustomerUniqueId: 'c',
        CustomerDetails: { FirstName: 'a'.repeat(1001) },
      },
      'CustomerDetails.FirstName',
    ],
    [
      'subscription without SubscriptionUniqueId',
      { Id: 'e', Type: 'SubscriptionCreated', CustomerUniqueId: 'c' },
      'SubscriptionUniqueId',
    ],
    [
      'product id not an integer',
      {
        Id: 'e',
        Type: 'SubscriptionUpdated',
        CustomerUniqueId: 'c',
        SubscriptionUniqueId: 's',
        BillsbyProductId: 1.5,
      },
      'BillsbyProductId',
    ],
    [
      'product id as text',
      {
        Id: 'e',
        Type: 'SubscriptionUpdated',
        CustomerUniqueId: 'c',
        SubscriptionUniqueId: 's',
        BillsbyPlanId: '12',
        // A rich-contract key: the rich form's ids are integers (Billsby's public form may send text).
        NextBillsbyPlanId: null,
      },
      'BillsbyPlanId',
    ],
    [
      'tags not an array',
      {
        Id: 'e',
        Type: 'SubscriptionUpdated',
        CustomerUniqueId: 'c',
        SubscriptionUniqueId: 's',
        SubscriptionFeatureTags: 'gold',
      },
      'SubscriptionFeatureTags',
    ],
    [
      'bad date',
      {
        Id: 'e',
        Type: 'SubscriptionUpdated',
        CustomerUniqueId: 'c',
        SubscriptionUniqueId: 's',
        NextBillingDate: 'next tuesday',
      },
      'NextBillingDate',
    ],
    [
      'payment without amount',
      { Id: 'e', Type: 'PaymentSucceeded', CustomerUniqueId: 'c', CurrencyCode: 'GBP' },
      'AmountPaid',
    ],
    [
      'payment amount as decimal',
      { Id: 'e', Type: 'PaymentSucceeded', CustomerUniqueId: 'c', AmountPaid: 12.89, CurrencyCode: 'GBP' },
      'AmountPaid',
    ],
    [
      'payment without currency',
      { Id: 'e', Type: 'PaymentSucceeded', CustomerUniqueId: 'c', AmountPaid: 1 },
      'CurrencyCode',
    ],
    [
      'invoice subscriptions not a list',
      {
        Id: 'e',
        Type: 'PaymentSucceeded',
        CustomerUniqueId: 'c',
        AmountPaid: 1,
        CurrencyCode: 'GBP',
        InvoiceSubscriptions: {},
      },
      'InvoiceSubscriptions',
    ],
  ];

  it(`rejects ${malformed.length} malformed bodies with 400 naming the field, queues nothing, keeps serving`, async () => {
    const accountId = newAccount();
    await connectAsOwnUser(app, accountId);
    for (const [label, body, path] of malformed) {
      const res = await http(`${app.gatewayUrl}/webhooks/billsby/${accountId}`, {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', secret: await app.secretFor(accountId) },
      });
      expect({ label, status: res.status }).toEqual({ label, status: 400 });
      const issues = (res.body as { issues: string[] }).issues;
      expect({ label, named: issues.some((i) => i.startsWith(path)) }).toEqual({ label, named: true });
    }
    const notJson = await http(`${app.gatewayUrl}/webhooks/billsby/${accountId}`, {
      body: '{"Id": ',
      headers: { 'content-type': 'application/json', secret: await app.secretFor(accountId) },
    });
    expect(notJson.status).toBe(400);
    const huge = await sendEvent(app, accountId, {
      ...numberedEvent('big', 1),
      Padding: 'x'.repeat(300_000),
    });
    expect(huge.status).toBe(413);
    expect((await statusOf(accountId)).counts.received).toBe(0);
    expect((await http(`${app.gatewayUrl}/healthz`)).status).toBe(200);
  });

  it('an expired access token during delivery triggers one refresh, and delivery continues', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    const refreshesBefore = app.sim.control.counts().tokenRefreshes;
    app.sim.control.revokeAccessTokens();
    await sendEvent(app, accountId, numberedEvent('tok', 1));
    await sendEvent(app, accountId, numberedEvent('tok', 2));
    await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered === 2,
    );
    expect(app.sim.control.counts().tokenRefreshes - refreshesBefore).toBe(1);
    expect(roomTexts(app, roomId)).toHaveLength(2);
    expect((await statusOf(accountId)).status).toBe('connected');
  });

  it('a message Webex refuses (400) is marked failed with its reason and the queue moves on', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    app.sim.control.respondNext(1, { status: 400 }, { method: 'POST', pathPrefix: '/messages', roomId });
    await sendEvent(app, accountId, numberedEvent('bad', 1));
    await sendEvent(app, accountId, numberedEvent('bad', 2));
    const status = await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered + s.counts.failed === 2,
    );
    expect(status.counts).toMatchObject({ delivered: 1, failed: 1, pending: 0 });
    expect(status.recentFailures).toEqual([
      expect.objectContaining({ eventId: 'bad-1', reason: expect.stringContaining('Webex rejected') }),
    ]);
    expect(roomTexts(app, roomId)).toEqual([expect.stringContaining('bad-customer-2')]);
    // Looked up by id: failed, with Webex's reason, naming the run whose activity tried it.
    const lookup = await api(app, `/api/accounts/${accountId}/webex/events/bad-1`);
    expect(lookup.body).toMatchObject({
      eventId: 'bad-1',
      state: 'failed',
      deliveredAt: null,
      messageIds: [],
      lastError: expect.stringContaining('Webex rejected part 1/1 of event bad-1'),
    });
    const integration = await app.client.workflow.getHandle(integrationWorkflowId(accountId)).describe();
    expect(await deliveredByOf(app, accountId, 'bad-1')).toEqual({
      workflowId: integrationWorkflowId(accountId),
      runId: integration.runId,
    });
  });

  it('a deleted room is re-created and delivery resumes there', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    await sendEvent(app, accountId, numberedEvent('room', 1));
    await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered === 1,
    );
    app.sim.control.deleteRoom(roomId);
    await sendEvent(app, accountId, numberedEvent('room', 2));
    const status = (await eventually(
      () => integrationStatus(app, accountId).then((r) => r.body as Status & { room: { id: string } }),
      (s) => s.counts.delivered === 2,
    )) as Status & { room: { id: string; title: string } };
    expect(status.room.id).not.toBe(roomId);
    expect(status.room.title).toBe('Billsby Data');
    expect(roomTexts(app, status.room.id)).toEqual([expect.stringContaining('room-customer-2')]);
  });

  it('uninstall drops what is queued, counts it, and posts nothing more', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    app.sim.control.failNext(1_000_000, 503, { method: 'POST', pathPrefix: '/messages', roomId });
    for (let i = 1; i <= 4; i++) await sendEvent(app, accountId, numberedEvent('gone', i));
    await eventually(
      () => statusOf(accountId),
      (s) => s.counts.received === 4,
    );
    const res = await api(app, `/api/accounts/${accountId}/webex/uninstall`, { method: 'POST' });
    expect(res.body).toMatchObject({
      status: 'uninstalled',
      counts: { dropped: 4, delivered: 0, pending: 0 },
    });
    app.sim.control.clearFaults();
    expect((await sendEvent(app, accountId, numberedEvent('gone', 5))).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(roomTexts(app, roomId)).toEqual([]);
  });

  it('history holds no plaintext email, name or token', async () => {
    const accountId = newAccount();
    await connectAsOwnUser(app, accountId);
    await sendEvent(app, accountId, loadSampleEvent('customer-created'));
    await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered === 1,
    );
    const eventId = (loadSampleEvent('customer-created') as { Id: string }).Id;
    const { workflowId, runId } = await deliveredByOf(app, accountId, eventId);
    expect(workflowId).toBe(integrationWorkflowId(accountId));
    const raw = JSON.stringify(await app.client.workflow.getHandle(workflowId, runId).fetchHistory());
    expect(raw).not.toContain('madeline.parsons');
    expect(raw).not.toContain('Parsons');
    expect(raw).not.toMatch(/access_?token|accessToken|refreshToken/i);
    expect(raw).not.toContain(`${accountId}@example.com`);
  });
});
