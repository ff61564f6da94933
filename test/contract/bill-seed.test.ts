/**
 * The seed's hand-written expectations checked through the real HTTP path (connector → simulator) with a
 * deliberately naive classifier written here from DESIGN.md §4.5, and the generator checked for determinism.
 */
import { BillClient, createBillClient } from '../../connectors/bill';
import {
  BillSimulator,
  EngagementReason,
  generateBillDataset,
  SEED_AS_OF,
  SEED_CREDENTIALS as C,
  SEED_EXPECTED_REASONS,
  SimOrganization,
  startBillSimulator,
} from '../../simulators/bill';

const DAY = 24 * 60 * 60 * 1000;

function byAge(asOf: number, newest: number | undefined): EngagementReason {
  if (newest === undefined) return 'NO_PAYMENTS';
  const age = asOf - newest;
  if (age > 90 * DAY) return 'INACTIVE_90';
  if (age > 60 * DAY) return 'INACTIVE_60';
  if (age > 30 * DAY) return 'INACTIVE_30';
  return 'ACTIVE';
}

async function classifyOverHttp(
  bill: BillClient,
  partner: string,
  orgId: string,
  asOf: number,
): Promise<EngagementReason> {
  const users = await bill.listAllUsers(partner, orgId, { max: 2 });
  let session: string | undefined;
  for (const u of users.filter((x) => !x.archived)) {
    try {
      session = (await bill.loginAsUser(partner, { organizationId: orgId, userId: u.id })).sessionId;
      break;
    } catch {
      /* next user */
    }
  }
  if (!session) return 'ENROLLMENT_INCOMPLETE';
  const { decision } = await bill.getRiskVerification(session);
  const banks = (await bill.listAllBankAccounts(session)).filter((b) => !b.archived);
  const newest = (await bill.listPayments(session, { max: 1 })).results[0];
  // A known "no" counts only without evidence of enrollment (a verified bank or a payment).
  if (decision !== null && decision !== 'APPROVE' && !newest && !banks.some((b) => b.status === 'VERIFIED'))
    return 'ENROLLMENT_INCOMPLETE';
  if (banks.length === 0) return 'NO_FUNDING_ACCOUNT';
  if (!banks.some((b) => b.status === 'VERIFIED')) return 'BANK_NOT_VERIFIED';
  return byAge(asOf, newest ? Date.parse(newest.createdTime) : undefined);
}

function classifyData(o: SimOrganization, asOf: number): EngagementReason {
  const banks = o.bankAccounts.filter((b) => !b.archived);
  const evidence = o.payments.length > 0 || banks.some((b) => b.status === 'VERIFIED');
  if (!o.users.some((u) => !u.archived && u.canSignIn !== false)) return 'ENROLLMENT_INCOMPLETE';
  if (o.riskDecision !== null && o.riskDecision !== 'APPROVE' && !evidence) return 'ENROLLMENT_INCOMPLETE';
  if (banks.length === 0) return 'NO_FUNDING_ACCOUNT';
  if (!banks.some((b) => b.status === 'VERIFIED')) return 'BANK_NOT_VERIFIED';
  const times = o.payments.map((p) => Date.parse(p.createdTime));
  return byAge(asOf, times.length ? Math.max(...times) : undefined);
}

describe('seeded data set', () => {
  let sim: BillSimulator;
  beforeAll(async () => {
    sim = await startBillSimulator();
  });
  afterAll(() => sim.close());

  test('covers every reason code', () => {
    expect(new Set(Object.values(SEED_EXPECTED_REASONS))).toEqual(
      new Set([
        'ENROLLMENT_INCOMPLETE',
        'NO_FUNDING_ACCOUNT',
        'BANK_NOT_VERIFIED',
        'NO_PAYMENTS',
        'INACTIVE_30',
        'INACTIVE_60',
        'INACTIVE_90',
        'ACTIVE',
      ]),
    );
    expect(sim.control.dataset.asOf).toBe(SEED_AS_OF);
  });

  test('every organization, read over HTTP with small pages, gets its hand-written reason', async () => {
    const bill = createBillClient({
      baseUrl: sim.baseUrl,
      devKey: C.devKey,
      appKey: C.appKey,
      timeoutMs: 5000,
    });
    const partner = (await bill.partnerLogin(C)).sessionId;
    const orgs = await bill.listAllOrganizations(partner, { max: 4 });
    expect(orgs.map((o) => o.id).sort()).toEqual(Object.keys(SEED_EXPECTED_REASONS).sort());
    const asOf = Date.parse(SEED_AS_OF);
    const got: Record<string, EngagementReason> = {};
    for (const o of orgs) got[o.id] = await classifyOverHttp(bill, partner, o.id, asOf);
    expect(got).toEqual(SEED_EXPECTED_REASONS);
    expect(Math.max(...Object.values(sim.control.maxInFlightByOrg()))).toBeLessThanOrEqual(3);
  });
});

describe('generator', () => {
  test('10,000 organizations, deterministic per seed, expected reasons consistent with the data', () => {
    const a = generateBillDataset({ organizations: 10_000, seed: 42 });
    const b = generateBillDataset({ organizations: 10_000, seed: 42 });
    const c = generateBillDataset({ organizations: 50, seed: 43 });
    expect(a.organizations).toHaveLength(10_000);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(c.organizations.slice(0, 50))).not.toBe(
      JSON.stringify(a.organizations.slice(0, 50)),
    );
    const asOf = Date.parse(a.asOf);
    const mismatches = a.organizations.filter((o) => classifyData(o, asOf) !== a.expected[o.id]);
    expect(mismatches.map((o) => o.id)).toEqual([]);
    expect(new Set(Object.values(a.expected)).size).toBe(8);
  });

  test('a generated set is served and paged by the simulator', async () => {
    const data = generateBillDataset({ organizations: 250, seed: 7 });
    const sim = await startBillSimulator({ dataset: data });
    try {
      const bill = createBillClient({
        baseUrl: sim.baseUrl,
        devKey: C.devKey,
        appKey: C.appKey,
        timeoutMs: 5000,
      });
      const partner = (await bill.partnerLogin(C)).sessionId;
      const orgs = await bill.listAllOrganizations(partner, { max: 100 });
      expect(orgs).toHaveLength(250);
      const some = orgs.slice(0, 20);
      for (const o of some)
        expect(await classifyOverHttp(bill, partner, o.id, Date.parse(data.asOf))).toBe(data.expected[o.id]);
    } finally {
      await sim.close();
    }
  });
});
