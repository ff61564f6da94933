import { SEED_AS_OF, SEED_EXPECTED_REASONS } from '../../simulators/bill';
import { engagementProgressQuery } from '../../workflows/bill/definitions';
import { closeTestConnections } from '../harness/temporal';
import { asReport, reasonsById, startBillEnv, type BillEnv } from './bill-harness';
import type { EngagementReport } from '../../domain/engagement';
import { loadStoredReport } from '../../eventlog/engagement-documents';

afterAll(closeTestConnections);

const expectedTotals = () => {
  const totals: Record<string, number> = {};
  for (const r of Object.values(SEED_EXPECTED_REASONS)) totals[r] = (totals[r] ?? 0) + 1;
  return totals;
};

function expectSeedReport(report: EngagementReport) {
  expect(report.asOf).toBe(SEED_AS_OF);
  expect(reasonsById(report)).toEqual(SEED_EXPECTED_REASONS);
  const nonZero = Object.fromEntries(Object.entries(report.totals).filter(([, n]) => n > 0));
  expect(nonZero).toEqual(expectedTotals());
  // Newest first, as listed.
  const created = report.organizations.map((o) => o.createdTime ?? '');
  expect(created).toEqual([...created].sort().reverse());
}

describe('billEngagement on the seeded BILL data set', () => {
  let env: BillEnv;
  beforeAll(async () => (env = await startBillEnv({ latencyMs: 2 })));
  afterAll(() => env.close());
  beforeEach(() => env.sim.control.resetStats());

  it('gives exactly the expected reason for every organization, boundaries included, across many pages', async () => {
    const report = asReport(await env.run({ asOf: SEED_AS_OF, pageSize: 4, concurrency: 4 }));
    expectSeedReport(report);

    const anchovy = report.organizations.find((o) => o.organizationId === '00801SEED000001')!;
    // 7 users over 2 pages of 4; the archived one is left out of the contacts.
    expect(anchovy.users.map((u) => u.firstName)).toEqual(['Ada', 'Ben', 'Cara', 'Eve', 'Finn', 'Gia']);
    expect(anchovy.users[1]).toMatchObject({ role: 'CLERK', email: expect.stringContaining('@') });
    expect(anchovy.bankAccounts).toEqual({ total: 1, verified: 1 });
    expect(anchovy.lastPaymentAt).toBe(new Date(Date.parse(SEED_AS_OF) - 86_400_000).toISOString());
    expect(report.organizations.find((o) => o.organizationId === '00801SEED000014')!.bankAccounts).toEqual({
      total: 0,
      verified: 0,
    });

    const log = env.sim.control.requestLog();
    const orgPages = log.filter((e) => e.path.endsWith('/v3/partner/organizations'));
    expect(orgPages).toHaveLength(7); // 25 organizations, 4 per page
    expect(orgPages.every((e) => e.query.sort === 'createdTime:desc' && e.query.max === '4')).toBe(true);
    const anchovyUserPages = log.filter(
      (e) => e.path.endsWith('/v3/partner/users') && e.orgId === '00801SEED000001',
    );
    expect(anchovyUserPages).toHaveLength(2);
    expect(Math.max(...Object.values(env.sim.control.maxInFlightByOrg()))).toBeLessThanOrEqual(3);
  });

  it('stops after maxOrgs organizations, newest first, and answers the progress query', async () => {
    const workflowId = env.newWorkflowId();
    const run = env.run({ asOf: SEED_AS_OF, maxOrgs: 6, pageSize: 5, concurrency: 2 }, workflowId);
    const report = asReport(await run);
    expect(report.organizations).toHaveLength(6);
    const handle = env.client.workflow.getHandle(workflowId);
    const progress = await env.withWorker(() => handle.query(engagementProgressQuery));
    expect(progress).toMatchObject({ done: 6, known: 6, finished: true, listingComplete: true, errors: 0 });
    expect(Object.values(progress.totals).reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('continues as new with a small threshold and still gives the complete report', async () => {
    const workflowId = env.newWorkflowId();
    const report = asReport(
      await env.run(
        { asOf: SEED_AS_OF, pageSize: 3, concurrency: 3, continueAsNewAfterOrgs: 4, flushAfterBytes: 600 },
        workflowId,
      ),
    );
    expectSeedReport(report);
    expect(report.organizations).toHaveLength(25);
    const handle = env.client.workflow.getHandle(workflowId);
    const progress = await env.withWorker(() => handle.query(engagementProgressQuery));
    expect(progress.runs).toBeGreaterThanOrEqual(7);
  });

  it('keeps a report larger than the inline limit in the database and returns its location', async () => {
    const result = await env.run({ asOf: SEED_AS_OF, inlineReportLimitBytes: 2_000 });
    if (!('reportLocation' in result)) throw new Error('expected a report location');
    expect(result.organizationCount).toBe(25);
    expect(result.reportLocation.startsWith('engagement-report:')).toBe(true);
    const saved = (await loadStoredReport(env.documents, result.reportLocation))!;
    // The parts it was assembled from are gone; the report is all that is left of them.
    const key = result.reportLocation.slice('engagement-report:'.length);
    expect(await env.documents.listEngagementDocumentKeys('part', `${key}/`)).toEqual([]);
    expectSeedReport(saved);
    expect(result.totals).toEqual(saved.totals);
  });
});
