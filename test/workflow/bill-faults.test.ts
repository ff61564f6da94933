import { WorkflowFailedError } from '@temporalio/client';
import { SEED_AS_OF, SEED_CREDENTIALS, SEED_EXPECTED_REASONS } from '../../simulators/bill';
import { closeTestConnections } from '../harness/temporal';
import { asReport, reasonsById, startBillEnv, type BillEnv } from './bill-harness';
import type { BillFailure } from '../../temporal/failures';

afterAll(closeTestConnections);

const HOUR = 3_600_000;
const codesSeen = (env: BillEnv) => env.sim.control.requestLog().map((e) => e.code);
const logins = (env: BillEnv) =>
  env.sim.control.requestLog().filter((e) => e.path.endsWith('/v3/partner/login')).length;
const maxInFlight = (env: BillEnv) => Math.max(0, ...Object.values(env.sim.control.maxInFlightByOrg()));

describe('billEngagement under BILL faults', () => {
  let env: BillEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('renews sessions that expire in the middle of the run; the report is complete and correct', async () => {
    let requests = 0;
    env = await startBillEnv({
      // Expire every session twice mid-run, at points where partner and organization calls are in flight.
      latencyMs: () => {
        requests++;
        if (requests === 30 || requests === 90) env!.sim.control.expireAllSessions();
        return 2;
      },
    });
    const report = asReport(await env.run({ asOf: SEED_AS_OF, pageSize: 5, concurrency: 4 }));
    expect(reasonsById(report)).toEqual(SEED_EXPECTED_REASONS);
    expect(codesSeen(env)).toContain('BDC_1109');
    expect(logins(env)).toBeGreaterThan(1);
    expect(maxInFlight(env)).toBeLessThanOrEqual(3);
  });

  it('concurrency-limit faults (injected and real) delay the run but do not change the report', async () => {
    env = await startBillEnv({ latencyMs: 5, concurrencyLimit: 2 });
    env.sim.control.failNext(6, { code: 'BDC_1322', status: 422, path: '/v3/' });
    const report = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5 }));
    expect(reasonsById(report)).toEqual(SEED_EXPECTED_REASONS);
    expect(codesSeen(env).filter((c) => c === 'BDC_1322').length).toBeGreaterThan(6);
    // The simulator counts rejected arrivals too: we never even tried a 4th request for one organization.
    expect(maxInFlight(env)).toBeLessThanOrEqual(3);
  });

  it('hourly-limit faults wait for the next hour (capped in tests) and do not change the report', async () => {
    env = await startBillEnv({ latencyMs: 2, hourlyLimit: 40 });
    env.sim.control.failNext(3, { code: 'BDC_1144', status: 422, path: '/v3/payments' });
    // The real limit trips after 40 requests; the hour turns (which also idles every session out).
    const sim = env.sim;
    const turner = setInterval(() => {
      if (sim.control.requestLog().some((e) => e.code === 'BDC_1144' && e.seq > 40)) {
        sim.control.setHourlyLimit(20_000);
        sim.control.advanceClock(HOUR);
        clearInterval(turner);
      }
    }, 50);
    try {
      const report = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 3 }));
      expect(reasonsById(report)).toEqual(SEED_EXPECTED_REASONS);
    } finally {
      clearInterval(turner);
    }
    expect(codesSeen(env).filter((c) => c === 'BDC_1144').length).toBeGreaterThan(3);
    expect(maxInFlight(env)).toBeLessThanOrEqual(3);
  });

  it('records a failure in one organization in its entry without sinking the run', async () => {
    env = await startBillEnv({ latencyMs: 1 });
    env.sim.control.respondNext(1, { status: 200, body: { results: 'not a list' }, path: '/v3/payments' });
    const report = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 3 }));
    const failed = report.organizations.filter((o) => o.error);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ reasons: [], error: expect.stringContaining('invalid_response') });
    const others = report.organizations.filter((o) => !o.error);
    expect(others).toHaveLength(24);
    for (const o of others) expect(o.reasons).toEqual([SEED_EXPECTED_REASONS[o.organizationId]]);
  });

  it('bad partner credentials fail the run at once, naming the problem, with a single login attempt', async () => {
    env = await startBillEnv({}, { password: 'wrong-password' });
    const started = Date.now();
    const failure = await env.run({ asOf: SEED_AS_OF }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as { message: string; type?: string };
    expect(cause.type).toBe('Bill.bad_credentials' satisfies BillFailure);
    expect(cause.message).toMatch(/bad_credentials.*BDC_1101.*BILL_USERNAME, BILL_PASSWORD/);
    expect(cause.message).not.toContain('wrong-password');
    expect(cause.message).not.toContain(SEED_CREDENTIALS.username);
    expect(logins(env)).toBe(1);
    expect(env.sim.control.requestLog()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
