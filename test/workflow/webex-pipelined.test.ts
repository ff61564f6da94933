import { closeTestConnections } from '../harness/temporal';
import {
  connectAsOwnUser,
  eventually,
  integrationStatus,
  numberedEvent,
  roomTexts,
  sendEvent,
  startWebexApp,
  TEST_WORKFLOW_OPTIONS,
  type WebexApp,
} from '../harness/webex-app';

/**
 * Pipelined batch deliveries: with small batches and a slow Webex, the next batch's delivery
 * workflow starts while the previous one still posts; it posts nothing until that one finished.
 */

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp({ workflowOptions: { ...TEST_WORKFLOW_OPTIONS, batchSize: 3 } });
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

let counter = 0;
const newAccount = () => `acct-pipe-${Date.now().toString(36)}-${counter++}`;
const delivered = (accountId: string) =>
  integrationStatus(app, accountId).then(
    (r) => (r.body as { counts: { delivered: number } }).counts.delivered,
  );

/** The account's batch deliveries, oldest first, with their start and close times. */
async function deliveries(accountId: string) {
  const runs: { id: string; start: number; close: number }[] = [];
  for await (const wf of app.client.workflow.list({
    query: `WorkflowType = 'webexDelivery' AND BillsbyAccountId = '${accountId}'`,
  })) {
    runs.push({
      id: wf.workflowId,
      start: wf.startTime.getTime(),
      close: wf.closeTime?.getTime() ?? Infinity,
    });
  }
  return runs.sort((a, b) => a.start - b.start);
}

async function sendMany(accountId: string, prefix: string, n: number) {
  for (let i = 1; i <= n; i++)
    expect((await sendEvent(app, accountId, numberedEvent(prefix, i))).status).toBe(202);
}

/** A message whose CustomerUniqueId line is exactly `id`. */
const customer = (id: string) => expect.stringMatching(new RegExp(`^CustomerUniqueId: ${id}$`, 'm'));

const expectedTexts = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => customer(`${prefix}-customer-${i + 1}`));

describe('pipelined batch deliveries', () => {
  afterEach(() => app.sim.control.setLatency(0));

  it('start the next batch during the running one, and still post every event once, in order', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    app.sim.control.setLatency(40);
    await sendMany(accountId, 'pl', 24);
    await eventually(
      () => delivered(accountId),
      (n) => n === 24,
      { timeoutMs: 60_000 },
    );
    expect(roomTexts(app, roomId)).toEqual(expectedTexts('pl', 24));
    const runs = await eventually(
      () => deliveries(accountId),
      (r) => r.length > 0 && r.every((x) => x.close !== Infinity),
    );
    // At least one batch's workflow started before the previous one had closed.
    expect(runs.some((r, i) => i > 0 && r.start < runs[i - 1]!.close)).toBe(true);
  });

  it('a 401 in the middle: one refresh, the waiting next batch is cancelled, nothing twice', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    const refreshesBefore = app.sim.control.counts().tokenRefreshes;
    app.sim.control.setLatency(40);
    await sendEvent(app, accountId, numberedEvent('pu', 1));
    await eventually(
      () => delivered(accountId),
      (n) => n === 1,
    );
    // The access token dies while a burst is being delivered in batches.
    const sending = sendMany(accountId, 'pu-b', 18);
    await eventually(
      () => delivered(accountId),
      (n) => n >= 4,
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    app.sim.control.revokeAccessTokens();
    await sending;
    await eventually(
      () => delivered(accountId),
      (n) => n === 19,
      { timeoutMs: 60_000 },
    );
    expect(app.sim.control.counts().tokenRefreshes - refreshesBefore).toBe(1);
    expect(roomTexts(app, roomId)).toEqual([customer('pu-customer-1'), ...expectedTexts('pu-b', 18)]);
    expect((await integrationStatus(app, accountId)).body).toMatchObject({ status: 'connected' });
  });
});
