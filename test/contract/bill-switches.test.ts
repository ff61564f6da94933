/**
 * The simulator's issue-13 switches, read through the real connector: risk verification not
 * supported, payments that ignore `sort`, malformed records. Each is also reachable over /__admin.
 */
import axios from 'axios';
import { BillClient, createBillClient, newestPayment } from '../../connectors/bill';
import { BillSimulator, SEED_AS_OF, SEED_CREDENTIALS as C, startBillSimulator } from '../../simulators/bill';
import { rejection } from './bill-helpers';

const DAY = 86_400_000;
const O = (n: string) => `00801SEED0000${n}`;

let sim: BillSimulator;
let bill: BillClient;
let partner: string;

beforeAll(async () => {
  sim = await startBillSimulator({ now: () => Date.parse(SEED_AS_OF) });
  bill = createBillClient({ baseUrl: sim.baseUrl, devKey: C.devKey, appKey: C.appKey, timeoutMs: 5000 });
  partner = (await bill.partnerLogin({ username: C.username, password: C.password })).sessionId;
});
afterAll(() => sim.close());
afterEach(() => sim.control.setSwitches({ riskVerificationsUnsupported: false, unsortedPayments: false }));

async function orgSession(n: string): Promise<string> {
  const users = await bill.listAllUsers(partner, O(n));
  const user = users.find((u) => !u.archived)!;
  return (await bill.loginAsUser(partner, { organizationId: O(n), userId: user.id })).sessionId;
}

describe('risk verifications not supported', () => {
  test('every organization gets 404 BDC_1121, which the connector reads as unavailable', async () => {
    await axios.post(`${sim.baseUrl}/__admin/switches`, { riskVerificationsUnsupported: true });
    for (const n of ['01', '15', '22']) {
      expect(await bill.getRiskVerification(await orgSession(n))).toEqual({
        decision: null,
        unavailable: 'not_found (HTTP 404 BDC_1121)',
      });
    }
    expect(sim.control.requestLog().at(-1)).toMatchObject({ status: 404, code: 'BDC_1121' });
  });

  test('an answer without a decision, or a 403, is unavailable too; a decision is read as given', async () => {
    const s = await orgSession('01');
    sim.control.respondNext(1, { status: 200, body: [], path: '/v3/risk-verifications' });
    expect(await bill.getRiskVerification(s)).toEqual({ decision: null, unavailable: 'no record' });
    sim.control.respondNext(1, { status: 200, body: { results: [{ state: 'x' }] }, path: '/v3/risk' });
    expect(await bill.getRiskVerification(s)).toEqual({
      decision: null,
      unavailable: 'no decision in the answer',
    });
    sim.control.failNext(1, { code: 'BDC_1000', status: 403, path: '/v3/risk-verifications' });
    expect(await bill.getRiskVerification(s)).toMatchObject({ decision: null, unavailable: /^forbidden/ });
    sim.control.respondNext(1, {
      status: 200,
      body: { results: [{ decision: 'DECLINE' }] },
      path: '/v3/risk',
    });
    expect(await bill.getRiskVerification(s)).toEqual({ decision: 'DECLINE' });
  });
});

describe('payments list that ignores sort', () => {
  test('pages come back in storage order, and the newest createdTime is still found', async () => {
    await axios.post(`${sim.baseUrl}/__admin/switches`, { unsortedPayments: true });
    // Organization 1 stores payments 40, 1 and 100 days old, in that order.
    const s1 = await orgSession('01');
    const page = await bill.listPayments(s1, { max: 100, sort: 'createdTime:desc' });
    const ages = page.results.map((p) =>
      Math.round((Date.parse(SEED_AS_OF) - Date.parse(p.createdTime)) / DAY),
    );
    expect(ages).toEqual([40, 1, 100]);
    const found = await newestPayment(bill, s1);
    expect(found).toEqual({
      lastPaymentAt: new Date(Date.parse(SEED_AS_OF) - DAY).toISOString(),
      requests: 1,
      sortHonoured: false,
    });
    // Organization 21: 200, 75, 120 days; one per page, so every page must be read.
    const s21 = await orgSession('21');
    const paged = await newestPayment(bill, s21, 1);
    expect(paged.requests).toBe(3);
    expect(paged.lastPaymentAt).toBe(new Date(Date.parse(SEED_AS_OF) - 75 * DAY).toISOString());
  });

  test('with the sort honoured, one page of 100 suffices; with pages of one, two show the order', async () => {
    const found = await newestPayment(bill, await orgSession('21'));
    expect(found).toMatchObject({ requests: 1, sortHonoured: true });
    expect(found.lastPaymentAt).toBe(new Date(Date.parse(SEED_AS_OF) - 75 * DAY).toISOString());
    expect(await newestPayment(bill, await orgSession('21'), 1)).toMatchObject({
      requests: 2,
      sortHonoured: true,
    });
  });
});

describe('malformed records', () => {
  test('a payment without createdTime and an unknown bank status are invalid responses naming the field', async () => {
    sim.control.malformRecords(O('04'), 'paymentCreatedTime');
    await axios.post(`${sim.baseUrl}/__admin/malformed`, { organizationId: O('25'), kind: 'bankStatus' });
    const pay = await rejection(bill.listPayments(await orgSession('04')));
    expect(pay).toMatchObject({
      kind: 'invalid_response',
      fieldPath: 'results.0.createdTime',
      retryable: false,
    });
    const banks = await rejection(bill.listAllBankAccounts(await orgSession('25')));
    expect(banks).toMatchObject({ kind: 'invalid_response', fieldPath: 'results.0.status' });
  });

  test('a user without email is served without the field; the stored data is intact', async () => {
    sim.control.malformRecords(O('10'), 'userEmail');
    const users = await bill.listAllUsers(partner, O('10'));
    expect(users[0]!.email).toBeUndefined();
    expect(sim.control.dataset.organizations.find((o) => o.id === O('10'))!.users[0]!.email).toContain('@');
  });

  test('a malformed organization is reported on its own; the rest of its page is read', async () => {
    sim.control.malformRecords(O('02'), 'organizationCreatedTime');
    const page = await bill.listOrganizationsChecked(partner, { max: 100 });
    expect(page.results).toHaveLength(25);
    const bad = page.results.filter((r) => !r.valid);
    expect(bad).toEqual([
      {
        valid: false,
        id: O('02'),
        name: 'Boundary Thirty LLC',
        problem: expect.stringMatching(
          /malformed organization: field results\.\d+\.createdTime: not a date-time/,
        ),
      },
    ]);
  });

  test('the admin endpoint refuses an unknown kind', async () => {
    const res = await axios.post(
      `${sim.baseUrl}/__admin/malformed`,
      { organizationId: O('10'), kind: 'everything' },
      { validateStatus: () => true },
    );
    expect(res.status).toBe(400);
  });
});
