/**
 * Issue 13 on the seeded data set: classification from the evidence BILL actually gave (risk
 * verification not supported, payments unsorted) and malformed records that do not sink the run.
 */
import {
  SEED_AS_OF,
  SEED_EXPECTED_REASONS,
  SEED_EXPECTED_REASONS_WITHOUT_RISK_VERIFICATION,
} from '../../simulators/bill';
import { unavailableSignals } from '../../client/engagement';
import { closeTestConnections } from '../harness/temporal';
import { asReport, reasonsById, startBillEnv, type BillEnv } from './bill-harness';

afterAll(closeTestConnections);

const O = (n: string) => `00801SEED0000${n}`;
const NOT_SIGNED_IN = [O('16'), O('17'), O('18')];

describe('billEngagement classifies from the evidence BILL gave', () => {
  let env: BillEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('with risk verification not supported (404 BDC_1121), reasons come from the other facts', async () => {
    env = await startBillEnv({ latencyMs: 1, riskVerificationsUnsupported: true });
    const report = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5 }));
    expect(reasonsById(report)).toEqual(SEED_EXPECTED_REASONS_WITHOUT_RISK_VERIFICATION);
    // Not every organization is ENROLLMENT_INCOMPLETE: only the three nobody can sign in to.
    expect(report.totals.ENROLLMENT_INCOMPLETE).toBe(3);
    for (const o of report.organizations) {
      const expected = NOT_SIGNED_IN.includes(o.organizationId)
        ? { riskVerification: 'not_read', bankAccounts: 'not_read', payments: 'not_read' }
        : { riskVerification: 'unavailable', bankAccounts: 'ok', payments: 'ok' };
      expect([o.organizationId, o.signals]).toEqual([o.organizationId, expected]);
    }
    expect(unavailableSignals(report)).toBe(
      'Classified with a signal unavailable: 22 of 25 organizations (riskVerification 22)',
    );
  });

  it('with an unsorted payments list, the newest payment is still found', async () => {
    env = await startBillEnv({ latencyMs: 1, unsortedPayments: true });
    const report = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5 }));
    expect(reasonsById(report)).toEqual(SEED_EXPECTED_REASONS);
    const anchovy = report.organizations.find((o) => o.organizationId === O('01'))!;
    expect(anchovy.lastPaymentAt).toBe(new Date(Date.parse(SEED_AS_OF) - 86_400_000).toISOString());
    // Only organization 24 has no risk verification; everyone signed in lists what was read.
    const unavailable = report.organizations.filter((o) => o.signals.riskVerification === 'unavailable');
    expect(unavailable.map((o) => o.organizationId)).toEqual([O('24')]);
    for (const o of report.organizations)
      expect(Object.keys(o.signals).sort()).toEqual(['bankAccounts', 'payments', 'riskVerification']);
  });

  it('malformed records (payment, bank, user, the organization itself) give an error naming the field; the run goes on', async () => {
    env = await startBillEnv({ latencyMs: 1 });
    env.sim.control.malformRecords(O('04'), 'paymentCreatedTime');
    env.sim.control.malformRecords(O('25'), 'bankStatus');
    env.sim.control.malformRecords(O('10'), 'userEmail');
    env.sim.control.malformRecords(O('13'), 'organizationCreatedTime');
    const report = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5 }));
    const errors = Object.fromEntries(
      report.organizations.filter((o) => o.error).map((o) => [o.organizationId, o.error]),
    );
    expect(Object.keys(errors).sort()).toEqual([O('04'), O('10'), O('13'), O('25')]);
    expect(errors[O('13')]).toMatch(/malformed organization: field results\.\d+\.createdTime/);
    expect(errors[O('04')]).toMatch(/field results\.0\.createdTime/);
    expect(errors[O('25')]).toMatch(/field results\.0\.status/);
    expect(errors[O('10')]).toMatch(/field results\.0\.email/);
    // No personal data in the error: the user is named by id only.
    expect(errors[O('10')]).not.toMatch(/@|Ned|Noodle/);
    for (const o of report.organizations.filter((x) => !x.error))
      expect(o.reasons).toEqual([SEED_EXPECTED_REASONS[o.organizationId]]);
    // Nothing was retried in vain: each malformed answer was read once.
    const paymentCalls = env.sim.control
      .requestLog()
      .filter((e) => e.path.endsWith('/v3/payments') && e.orgId === O('04'));
    expect(paymentCalls).toHaveLength(1);
  });
});
