/** BILL connector against the BILL simulator: happy paths, headers, session kinds, pagination, filters. */
import axios from 'axios';
import { BillClient, createBillClient } from '../../connectors/bill';
import { rejection } from './bill-helpers';
import { BillSimulator, SEED_AS_OF, SEED_CREDENTIALS as C, startBillSimulator } from '../../simulators/bill';

let sim: BillSimulator;
let bill: BillClient;
let partner: string;

beforeAll(async () => {
  sim = await startBillSimulator({ now: () => Date.parse(SEED_AS_OF) });
  bill = createBillClient({ baseUrl: sim.baseUrl, devKey: C.devKey, appKey: C.appKey, timeoutMs: 5000 });
  partner = (await bill.partnerLogin({ username: C.username, password: C.password })).sessionId;
});
afterAll(() => sim.close());

describe('partner endpoints', () => {
  test('partnerLogin returns a session id', async () => {
    const s = await bill.partnerLogin({ username: C.username, password: C.password });
    expect(typeof s.sessionId).toBe('string');
    expect(s.sessionId).not.toBe(partner);
  });

  test('listOrganizations: one page, newest first, createdTime normalised to ISO', async () => {
    const page = await bill.listOrganizations(partner, { max: 10 });
    expect(page.results).toHaveLength(10);
    expect(page.nextPage).toEqual(expect.any(String));
    const times = page.results.map((o) => o.createdTime as string);
    expect([...times].sort().reverse()).toEqual(times);
    expect(times[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const log = sim.control.requestLog().at(-1)!;
    expect(log.query).toMatchObject({ max: '10', sort: 'createdTime:desc' });
  });

  test('organizations across pages: every one read once, last page has no nextPage', async () => {
    const pages = [];
    for await (const p of bill.iterateOrganizations(partner, { max: 10 })) pages.push(p);
    expect(pages.map((p) => p.results.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)!.nextPage).toBeUndefined();
    const all = await bill.listAllOrganizations(partner, { max: 4 });
    expect(new Set(all.map((o) => o.id)).size).toBe(25);
  });

  test('users across pages with the organizationId header; archived flag and role read', async () => {
    const pages = [];
    for await (const p of bill.iterateUsers(partner, '00801SEED000001', { max: 3 })) pages.push(p);
    expect(pages.map((p) => p.results.length)).toEqual([3, 3, 1]);
    const users = pages.flatMap((p) => p.results);
    expect(users.find((u) => u.id === '00601S01USER04')?.archived).toBe(true);
    expect(users.find((u) => u.id === '00601S01USER02')).toMatchObject({
      email: 'ben.brine@example.com',
      firstName: 'Ben',
      lastName: 'Brine',
      role: { type: 'CLERK' },
    });
    expect(await bill.listAllUsers(partner, '00801SEED000017')).toEqual([]);
  });

  test('loginAsUser gives an org session; an archived user is refused', async () => {
    const s = await bill.loginAsUser(partner, {
      organizationId: '00801SEED000001',
      userId: '00601S01USER01',
    });
    expect(s.sessionId).toEqual(expect.any(String));
    const err = await rejection(
      bill.loginAsUser(partner, { organizationId: '00801SEED000016', userId: '00601S16USER01' }),
    );
    expect(err.kind).toBe('bad_request');
    expect(err.retryable).toBe(false);
  });

  test('max outside 1..100 fails fast in the connector and with 400 in the simulator', async () => {
    const before = sim.control.requestLog().length;
    expect((await rejection(bill.listOrganizations(partner, { max: 101 }))).kind).toBe('bad_request');
    expect(sim.control.requestLog().length).toBe(before);
    const raw = await axios.get(`${sim.baseUrl}/v3/partner/organizations?max=0`, {
      headers: { sessionId: partner, appKey: C.appKey },
      validateStatus: () => true,
    });
    expect(raw.status).toBe(400);
    expect(raw.data[0]).toMatchObject({ code: 'BDC_1002', severity: 'ERROR' });
  });
});

describe('organization endpoints', () => {
  const orgSession = async (n: string, user = 1) =>
    (
      await bill.loginAsUser(partner, {
        organizationId: `00801SEED0000${n}`,
        userId: `00601S${n}USER0${user}`,
      })
    ).sessionId;

  test('listBankAccounts reads status and archived; archived:eq:false filter', async () => {
    const s = await orgSession('12');
    const all = await bill.listAllBankAccounts(s, { max: 1 });
    expect(all.map((b) => [b.id, b.status, b.archived])).toEqual(
      expect.arrayContaining([
        ['bac01S12BANK01', 'VERIFIED', true],
        ['bac01S12BANK02', 'NOT_VERIFIED', false],
      ]),
    );
    const live = await bill.listBankAccounts(s, { filters: 'archived:eq:false' });
    expect(live.results.map((b) => b.id)).toEqual(['bac01S12BANK02']);
    expect((await bill.listBankAccounts(await orgSession('13'))).results).toEqual([]);
  });

  test('listPayments max=1 newest first, even when stored out of order', async () => {
    const s = await orgSession('21');
    const page = await bill.listPayments(s, { max: 1 });
    expect(page.results).toHaveLength(1);
    expect(page.results[0]).toMatchObject({ id: 'stp01S21PAY002', createdTime: '2026-08-18T12:00:00.000Z' });
    expect(page.nextPage).toEqual(expect.any(String));
    expect((await bill.listPayments(await orgSession('10'), { max: 1 })).results).toEqual([]);
  });

  test('a filter BILL does not document for payments is refused', async () => {
    const s = await orgSession('21');
    const err = await rejection(bill.listPayments(s, { filters: 'createdTime:gt:"2026-01-01"' }));
    expect(err).toMatchObject({ kind: 'bad_request', code: 'BDC_1002', status: 400 });
  });

  test('getRiskVerification: decision, or unavailable when none was started', async () => {
    expect(await bill.getRiskVerification(await orgSession('01'))).toEqual({ decision: 'APPROVE' });
    expect(await bill.getRiskVerification(await orgSession('15'))).toEqual({ decision: 'IN_PROGRESS' });
    expect(await bill.getRiskVerification(await orgSession('24'))).toEqual({
      decision: null,
      unavailable: 'not_found (HTTP 404 BDC_1121)',
    });
  });
});

describe('headers and session kinds', () => {
  test('a partner session is refused on org endpoints, and an org session on partner endpoints', async () => {
    const org = (
      await bill.loginAsUser(partner, { organizationId: '00801SEED000001', userId: '00601S01USER01' })
    ).sessionId;
    expect((await rejection(bill.listPayments(partner))).kind).toBe('session_expired');
    expect((await rejection(bill.listOrganizations(org))).kind).toBe('session_expired');
  });

  test('org calls need devKey, partner calls need appKey', async () => {
    const org = (
      await bill.loginAsUser(partner, { organizationId: '00801SEED000001', userId: '00601S01USER01' })
    ).sessionId;
    const noDev = await axios.get(`${sim.baseUrl}/v3/payments`, {
      headers: { sessionId: org },
      validateStatus: () => true,
    });
    expect(noDev.data[0].code).toBe('BDC_1102');
    const noApp = await axios.get(`${sim.baseUrl}/v3/partner/organizations`, {
      headers: { sessionId: partner },
      validateStatus: () => true,
    });
    expect(noApp.data[0].code).toBe('BDC_1102');
    const wrongKeys = createBillClient({
      baseUrl: sim.baseUrl,
      devKey: 'nope',
      appKey: 'nope',
      timeoutMs: 2000,
    });
    const err = await rejection(wrongKeys.listPayments(org));
    expect(err).toMatchObject({ kind: 'bad_credentials', code: 'BDC_1102', retryable: false });
  });

  test('the request log holds no secrets', async () => {
    const text = JSON.stringify(sim.control.requestLog());
    for (const secret of [partner, C.password, C.appKey, C.devKey, C.username])
      expect(text).not.toContain(secret);
  });
});

describe('simulator pagination variant', () => {
  test('a token to an empty last page is followed, and the iterator stops on a missing nextPage', async () => {
    const s2 = await startBillSimulator({ emptyLastPage: true });
    try {
      const c = createBillClient({
        baseUrl: s2.baseUrl,
        devKey: C.devKey,
        appKey: C.appKey,
        timeoutMs: 5000,
      });
      const p = (await c.partnerLogin(C)).sessionId;
      const sizes = [];
      for await (const page of c.iterateOrganizations(p, { max: 5 })) sizes.push(page.results.length);
      expect(sizes).toEqual([5, 5, 5, 5, 5, 0]);
    } finally {
      await s2.close();
    }
  });
});

test('a BILL-shaped base URL ending in /connect works too', async () => {
  const c = createBillClient({
    baseUrl: `${sim.baseUrl}/connect/`,
    devKey: C.devKey,
    appKey: C.appKey,
    timeoutMs: 5000,
  });
  const s = (await c.partnerLogin(C)).sessionId;
  expect((await c.listOrganizations(s, { max: 1 })).results).toHaveLength(1);
  expect(sim.control.requestLog().at(-1)!.path).toBe('/connect/v3/partner/organizations');
});
