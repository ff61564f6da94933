/** BILL connector faults against the simulator: sessions, rate limits, credentials, 5xx, transport, bad bodies. */
import { BillApiError, BillClient, createBillClient } from '../../connectors/bill';
import { rejection } from './bill-helpers';
import { BillSimulator, SEED_AS_OF, SEED_CREDENTIALS as C, startBillSimulator } from '../../simulators/bill';

const MIN = 60_000;
let clock = Date.parse(SEED_AS_OF);
let sim: BillSimulator;
let bill: BillClient;

const login = async () => (await bill.partnerLogin(C)).sessionId;
const orgLogin = async (partner: string) =>
  (await bill.loginAsUser(partner, { organizationId: '00801SEED000001', userId: '00601S01USER01' }))
    .sessionId;

beforeEach(async () => {
  clock = Date.parse(SEED_AS_OF);
  sim = await startBillSimulator({ now: () => clock });
  bill = createBillClient({
    baseUrl: sim.baseUrl,
    devKey: C.devKey,
    appKey: C.appKey,
    timeoutMs: 2000,
    now: () => clock,
  });
});
afterEach(() => sim.close());

describe('sessions: 35 minutes idle, sliding', () => {
  test('each call resets the timer; 35 idle minutes expire partner and org sessions (BDC_1109)', async () => {
    const partner = await login();
    const org = await orgLogin(partner);
    clock += 34 * MIN;
    await bill.listOrganizations(partner, { max: 1 });
    await bill.listPayments(org, { max: 1 });
    clock += 34 * MIN; // 68 minutes after login, but only 34 idle
    await bill.listOrganizations(partner, { max: 1 });
    await bill.listPayments(org, { max: 1 });
    clock += 35 * MIN;
    const e1 = await rejection(bill.listOrganizations(partner, { max: 1 }));
    expect(e1).toMatchObject({ kind: 'session_expired', code: 'BDC_1109', status: 401, retryable: false });
    const e2 = await rejection(bill.listPayments(org, { max: 1 }));
    expect(e2.kind).toBe('session_expired');
    // Renewal: a new login works at once.
    await bill.listOrganizations(await login(), { max: 1 });
  });

  test('expireAllSessions invalidates everything now', async () => {
    const partner = await login();
    sim.control.expireAllSessions();
    expect((await rejection(bill.listUsers(partner, '00801SEED000001'))).kind).toBe('session_expired');
  });
});

describe('BDC_1322: at most 3 requests in flight per organization', () => {
  test('the simulator rejects a 4th concurrent request for one organization and the connector reports it', async () => {
    const org = await orgLogin(await login());
    sim.control.resetStats();
    sim.control.setLatency(150);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => bill.listPayments(org, { max: 1 })));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toBeInstanceOf(BillApiError);
    expect(failed[0].reason).toMatchObject({
      kind: 'concurrency_limited',
      code: 'BDC_1322',
      status: 422,
      retryable: true,
    });
    expect(sim.control.maxInFlightByOrg()['00801SEED000001']).toBe(4);
    expect(sim.control.stats().concurrencyRejections).toBe(1);
  });

  test('three at once pass; slots free when requests finish; other orgs are independent', async () => {
    const partner = await login();
    const org = await orgLogin(partner);
    sim.control.resetStats();
    sim.control.setLatency(100);
    await Promise.all([1, 2, 3].map(() => bill.listBankAccounts(org)));
    await Promise.all([1, 2, 3].map(() => bill.listPayments(org, { max: 1 })));
    // Partner calls naming another organization use that organization's slots.
    await Promise.all([1, 2, 3].map(() => bill.listUsers(partner, '00801SEED000002')));
    expect(sim.control.maxInFlightByOrg()).toEqual({ '00801SEED000001': 3, '00801SEED000002': 3 });
    expect(sim.control.inFlightByOrg()).toEqual({});
  });
});

describe('BDC_1144: hourly limit', () => {
  test('over the limit every call fails until the next full hour; retryAfterMs says how long', async () => {
    clock = Date.parse('2026-11-01T12:40:00.000Z');
    sim.control.setHourlyLimit(3);
    const partner = await login(); // 1
    await bill.listOrganizations(partner, { max: 1 }); // 2
    await bill.listOrganizations(partner, { max: 1 }); // 3
    const err = await rejection(bill.listOrganizations(partner, { max: 1 }));
    expect(err).toMatchObject({
      kind: 'hourly_limit',
      code: 'BDC_1144',
      retryable: true,
      retryAfterMs: 20 * MIN,
    });
    clock += 19 * MIN;
    expect((await rejection(bill.partnerLogin(C))).retryAfterMs).toBe(MIN);
    clock += MIN;
    await bill.listOrganizations(partner, { max: 1 });
  });

  test('a Retry-After header wins over the computed wait; the status is configurable', async () => {
    await sim.close();
    clock = Date.parse('2026-11-01T12:59:30.000Z');
    sim = await startBillSimulator({
      now: () => clock,
      hourlyLimit: 0,
      retryAfterOnHourlyLimit: true,
      statuses: { BDC_1144: 429 },
    });
    bill = createBillClient({
      baseUrl: sim.baseUrl,
      devKey: C.devKey,
      appKey: C.appKey,
      timeoutMs: 2000,
      now: () => clock,
    });
    const err = await rejection(bill.partnerLogin(C));
    expect(err).toMatchObject({ kind: 'hourly_limit', status: 429, retryAfterMs: 30_000 });
  });
});

describe('credentials', () => {
  test('bad username or password → bad_credentials (BDC_1101), not retryable, no secrets in the message', async () => {
    const err = await rejection(bill.partnerLogin({ username: C.username, password: 'wrong-password-123' }));
    expect(err).toMatchObject({ kind: 'bad_credentials', code: 'BDC_1101', retryable: false });
    for (const s of [C.username, 'wrong-password-123', C.appKey, C.devKey]) {
      expect(err.message).not.toContain(s);
      expect(JSON.stringify(err)).not.toContain(s);
    }
  });

  test('bad appKey → bad_credentials (BDC_1102)', async () => {
    const c = createBillClient({
      baseUrl: sim.baseUrl,
      devKey: C.devKey,
      appKey: 'bad-app-key',
      timeoutMs: 2000,
    });
    expect(await rejection(c.partnerLogin(C))).toMatchObject({ kind: 'bad_credentials', code: 'BDC_1102' });
  });
});

describe('server and transport failures', () => {
  test('5xx is retryable (BILL error body or HTML)', async () => {
    const partner = await login();
    sim.control.failNext(1, { code: 'BDC_1001', status: 503, path: '/organizations' });
    expect(await rejection(bill.listOrganizations(partner))).toMatchObject({
      kind: 'server',
      status: 503,
      retryable: true,
      code: 'BDC_1001',
    });
    sim.control.respondNext(1, { status: 502, body: '<html>Bad gateway</html>' });
    expect(await rejection(bill.listOrganizations(partner))).toMatchObject({
      kind: 'server',
      status: 502,
      retryable: true,
    });
    await bill.listOrganizations(partner); // faults were used up
  });

  test('injected codes map by code, whatever the status', async () => {
    const partner = await login();
    sim.control.failNext(1, { code: 'BDC_1109', status: 400 });
    expect((await rejection(bill.listOrganizations(partner))).kind).toBe('session_expired');
    sim.control.failNext(1, { code: 'BDC_1322', status: 400 });
    expect((await rejection(bill.listOrganizations(partner))).kind).toBe('concurrency_limited');
  });

  test('no answer within timeoutMs → timeout, retryable', async () => {
    const partner = await login();
    sim.control.setLatency(400);
    const quick = createBillClient({
      baseUrl: sim.baseUrl,
      devKey: C.devKey,
      appKey: C.appKey,
      timeoutMs: 100,
    });
    expect(await rejection(quick.listOrganizations(partner))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
  });

  test('connection refused → network, retryable', async () => {
    const gone = await startBillSimulator();
    const url = gone.baseUrl;
    await gone.close();
    const c = createBillClient({ baseUrl: url, devKey: C.devKey, appKey: C.appKey, timeoutMs: 1000 });
    expect(await rejection(c.partnerLogin(C))).toMatchObject({ kind: 'network', retryable: true });
  });
});

describe('bad response bodies → invalid_response naming the field', () => {
  const cases: Array<[string, unknown, string]> = [
    ['non-JSON body', '<html>maintenance</html>', '(root)'],
    ['missing results', { items: [] }, 'results'],
    ['wrong type of name', { results: [{ id: '00801X', name: 42 }] }, 'results.0.name'],
    ['missing id', { results: [{ name: 'No Id' }] }, 'results.0.id'],
    [
      'createdTime not a date',
      { results: [{ id: '00801X', name: 'A', createdTime: 'yesterday' }] },
      'results.0.createdTime',
    ],
  ];
  test.each(cases)('organizations: %s', async (_label, body, fieldPath) => {
    const partner = await login();
    sim.control.respondNext(1, { status: 200, body, path: '/organizations' });
    const err = await rejection(bill.listOrganizations(partner));
    expect(err).toMatchObject({ kind: 'invalid_response', fieldPath, retryable: false });
    expect(err.message).toContain(fieldPath);
  });

  test('users without archived, payments without createdTime, login without sessionId', async () => {
    const partner = await login();
    sim.control.respondNext(1, { status: 200, body: { results: [{ id: '006X', email: 'x@example.com' }] } });
    const u = await rejection(bill.listUsers(partner, '00801SEED000001'));
    expect(u.fieldPath).toBe('results.0.archived');
    expect(u.message).not.toContain('x@example.com');
    const org = await orgLogin(partner);
    sim.control.respondNext(1, { status: 200, body: { results: [{ id: 'stp1', amount: 1 }] } });
    expect((await rejection(bill.listPayments(org, { max: 1 }))).fieldPath).toBe('results.0.createdTime');
    sim.control.respondNext(1, {
      status: 200,
      body: { results: [{ id: 'bac1', archived: false, status: 7 }] },
    });
    expect((await rejection(bill.listBankAccounts(org))).fieldPath).toBe('results.0.status');
    sim.control.respondNext(1, { status: 200, body: { token: 'abc' } });
    expect((await rejection(bill.partnerLogin(C))).fieldPath).toBe('sessionId');
  });

  test('a nextPage token that repeats is refused instead of looping forever', async () => {
    const partner = await login();
    sim.control.respondNext(3, {
      status: 200,
      body: { results: [], nextPage: 'same' },
      path: '/organizations',
    });
    expect((await rejection(bill.listAllOrganizations(partner))).fieldPath).toBe('nextPage');
  });
});
