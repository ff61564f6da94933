/**
 * The engagement digest (issue 22 item 3, DESIGN §4.5.1): a run with `postTo` posts its digest
 * through that account's Webex integration into a `BILL Engagement` space the connected user owns,
 * once, even when the post lands but the worker never hears of it and is restarted.
 *
 * The expected texts are written from the format in DESIGN §4.5.1 for this test's own dataset.
 */
import { bank, organization, payment, user } from '../../simulators/bill';
import { digestEventId } from '../../domain/integration/digest-event';
import { closeTestConnections } from '../harness/temporal';
import {
  api,
  connectAsOwnUser,
  eventually,
  integrationStatus,
  roomTexts,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { asReport, startBillEnv, type BillEnv } from './bill-harness';

afterAll(closeTestConnections);

const AS_OF_1 = '2026-11-01T12:00:00.000Z';
const AS_OF_2 = '2026-11-08T12:00:00.000Z';
const T = Date.parse(AS_OF_1);
const DAY = 86_400_000;

/** Three organizations, newest first: NO_PAYMENTS, ACTIVE, BANK_NOT_VERIFIED as of AS_OF_1. */
const dataset = () => ({
  asOf: AS_OF_1,
  organizations: [
    organization('00801DIGEST0001', 'Acme Plumbing', T - 10 * DAY, {
      users: [user('00601DIG0USER01', 'Ann', 'Acme', T - 10 * DAY)],
      bankAccounts: [bank('bac01DIG0BANK01', 'VERIFIED', T - 10 * DAY)],
    }),
    organization('00801DIGEST0002', 'Blue Bakery', T - 20 * DAY, {
      users: [user('00601DIG0USER02', 'Bob', 'Baker', T - 20 * DAY)],
      bankAccounts: [bank('bac01DIG0BANK02', 'VERIFIED', T - 20 * DAY)],
      payments: [payment('stp01DIG0PAY002', T - 5 * DAY, 'bac01DIG0BANK02')],
    }),
    organization('00801DIGEST0003', 'Corner Cafe', T - 30 * DAY, {
      users: [user('00601DIG0USER03', 'Cy', 'Corner', T - 30 * DAY)],
      bankAccounts: [bank('bac01DIG0BANK03', 'PENDING', T - 30 * DAY)],
    }),
  ],
});

const FIRST_DIGEST = [
  `BILL engagement as of ${AS_OF_1}`,
  'ENROLLMENT_INCOMPLETE: 0',
  'NO_FUNDING_ACCOUNT: 0',
  'BANK_NOT_VERIFIED: 1',
  'NO_PAYMENTS: 1',
  'INACTIVE_30: 0',
  'INACTIVE_60: 0',
  'INACTIVE_90: 0',
  'ACTIVE: 1',
].join('\n');

/** After: Acme paid, Corner Cafe gone from BILL's listing, Delta Dental enrolled without a bank. */
const SECOND_DIGEST = [
  `BILL engagement as of ${AS_OF_2}`,
  'ENROLLMENT_INCOMPLETE: 0',
  'NO_FUNDING_ACCOUNT: 1',
  'BANK_NOT_VERIFIED: 0',
  'NO_PAYMENTS: 0',
  'INACTIVE_30: 0',
  'INACTIVE_60: 0',
  'INACTIVE_90: 0',
  'ACTIVE: 2',
  `Changes since ${AS_OF_1}:`,
  'Delta Dental (00801DIGEST0004): new → NO_FUNDING_ACCOUNT — dee.delta@example.com',
  'Acme Plumbing (00801DIGEST0001): NO_PAYMENTS → ACTIVE — ann.acme@example.com',
  'Corner Cafe (00801DIGEST0003): BANK_NOT_VERIFIED → left',
].join('\n');

describe('the engagement digest in Webex', () => {
  let app: WebexApp;
  let bill: BillEnv;
  beforeAll(async () => {
    app = await startWebexApp();
    bill = await startBillEnv(
      { dataset: dataset(), latencyMs: 1 },
      { documents: app.eventLog, digests: { events: app.eventLog, maxUndelivered: 1_000 } },
    );
  });
  afterAll(async () => {
    await bill?.close();
    await app?.close();
  });

  const engagementRooms = () => app.sim.control.rooms().filter((r) => r.title === 'BILL Engagement');

  it('posts each run’s digest once into a BILL Engagement space of the connected user, never into another user’s', async () => {
    const accountId = `acct-digest-${Date.now().toString(36)}`;
    const { email, roomId: billsbyRoomId } = await connectAsOwnUser(app, accountId);
    const me = app.sim.control.users().find((u) => u.email === email)!;
    // A space with the right title that someone else created and added our user to: never used.
    const stranger = app.sim.control.addUser({
      displayName: 'Stranger',
      email: `stranger-${accountId}@example.com`,
    });
    const trap = app.sim.control.seedRoom('BILL Engagement', {
      creator: stranger.id,
      members: [stranger.id, me.id],
    });

    const firstId = bill.newWorkflowId();
    const first = asReport(await bill.run({ asOf: AS_OF_1, postTo: accountId }, firstId));
    expect(first.digest).toEqual({
      accountId,
      eventId: digestEventId(firstId),
      status: 'queued',
      messages: 1,
    });
    const ours = await eventually(
      async () => engagementRooms().filter((r) => r.creatorId === me.id),
      (rooms) => rooms.length === 1 && app.sim.control.messageCount(rooms[0]!.id) === 1,
    );
    const digestRoomId = ours[0]!.id;
    expect(roomTexts(app, digestRoomId)).toEqual([FIRST_DIGEST]);
    expect(app.sim.control.messageCount(trap.id)).toBe(0);
    expect(roomTexts(app, billsbyRoomId)).toEqual([]);

    // The next run, with contacts. Its post lands but Webex answers 500 (the worker never learns
    // it posted), and the worker is stopped right then and started again: one message all the same.
    bill.sim.control.updateOrganization('00801DIGEST0001', (o) => {
      o.payments.push(payment('stp01DIG0PAY001', T - 2 * DAY, 'bac01DIG0BANK01'));
    });
    bill.sim.control.removeOrganization('00801DIGEST0003');
    bill.sim.control.addOrganization(
      organization('00801DIGEST0004', 'Delta Dental', T - DAY, {
        users: [user('00601DIG0USER04', 'Dee', 'Delta', T - DAY)],
      }),
    );
    app.sim.control.failAfterStore(1, 500, { method: 'POST', pathPrefix: '/messages', roomId: digestRoomId });
    const second = asReport(await bill.run({ asOf: AS_OF_2, postTo: accountId, withContacts: true }));
    expect(second.digest?.status).toBe('queued');
    await eventually(
      async () => app.sim.control.messageCount(digestRoomId),
      (n) => n === 2,
    );
    await app.stopWorker();
    await app.startWorker();
    const record = await eventually(
      () => app.eventLog.get(accountId, second.digest!.eventId),
      (r) => r?.state === 'delivered',
    );
    expect(record!.messageIds).toHaveLength(1);
    expect(roomTexts(app, digestRoomId)).toEqual([FIRST_DIGEST, SECOND_DIGEST]);
    expect(engagementRooms().filter((r) => r.creatorId === me.id)).toHaveLength(1);
    expect(app.sim.control.messageCount(trap.id)).toBe(0);
    // The 500 really happened: the read-back, not luck, kept it at one message.
    expect(
      app.sim.control
        .requests()
        .some((r) => r.method === 'POST' && r.path.endsWith('/messages') && r.status === 500),
    ).toBe(true);

    // It is one of the account's events, found by its id like any other.
    const lookup = await api(app, `/api/accounts/${accountId}/webex/events/${second.digest!.eventId}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({
      eventId: second.digest!.eventId,
      type: 'EngagementDigest',
      state: 'delivered',
      messageIds: record!.messageIds,
    });

    // A forced redelivery looks for the digest in the BILL Engagement space, finds it, posts nothing.
    const redelivered = await api(app, `/api/accounts/${accountId}/webex/redeliver`, {
      method: 'POST',
      json: { eventId: second.digest!.eventId, force: true },
    });
    expect(redelivered.body).toMatchObject({ requeued: [], skippedAlreadyInRoom: [second.digest!.eventId] });
    expect(app.sim.control.messageCount(digestRoomId)).toBe(2);

    // A retried queueing (the same run) is the same event: nothing more is posted.
    const again = await app.eventLog.append(
      [
        {
          accountId,
          event: {
            Id: digestEventId(firstId),
            Type: 'EngagementDigest',
            Form: 'digest',
            WorkflowId: firstId,
            Parts: [FIRST_DIGEST],
          },
        },
      ],
      { maxUndelivered: 1_000 },
    );
    expect(again).toEqual([{ status: 'duplicate' }]);

    // Uninstalled and connected again: the next digest goes to the same BILL Engagement space.
    await api(app, `/api/accounts/${accountId}/webex/uninstall`, { method: 'POST' });
    await eventually(
      async () => (await integrationStatus(app, accountId)).body as { status: string },
      (s) => s.status === 'uninstalled',
    );
    await connectAsOwnUser(app, accountId);
    const third = asReport(await bill.run({ asOf: AS_OF_2, postTo: accountId }));
    expect(third.digest?.status).toBe('queued');
    await eventually(
      async () => app.sim.control.messageCount(digestRoomId),
      (n) => n === 3,
    );
    expect(engagementRooms().filter((r) => r.creatorId === me.id)).toHaveLength(1);
  });

  it('says so, and posts nothing, when the account has no connected integration', async () => {
    const before = engagementRooms().map((r) => app.sim.control.messageCount(r.id));
    const result = asReport(await bill.run({ asOf: AS_OF_2, postTo: 'acct-never-connected' }));
    expect(result.digest).toMatchObject({ accountId: 'acct-never-connected', status: 'not_connected' });
    expect(result.totals.ACTIVE).toBeGreaterThan(0);
    expect(engagementRooms().map((r) => app.sim.control.messageCount(r.id))).toEqual(before);
  });

  it('refuses a postTo that is not an account id before any BILL work', async () => {
    const requestsBefore = bill.sim.control.requestLog().length;
    const failure = await bill.run({ postTo: 'not an account!' }).catch((err: unknown) => err);
    expect((failure as { cause?: Error }).cause?.message).toMatch(
      /postTo "not an account!" is not an account id/,
    );
    expect(bill.sim.control.requestLog()).toHaveLength(requestsBefore);
  });
});
