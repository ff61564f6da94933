/**
 * `changes` between two runs over the same partner: a payment added, a bank verified and an
 * organization added in between are exactly what the second report lists.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { printReport } from '../../client/engagement';
import { bank, organization, payment, SEED_AS_OF, user } from '../../simulators/bill';
import { closeTestConnections } from '../harness/temporal';
import { asReport, startBillEnv, type BillEnv } from './bill-harness';
import type { BillFailure } from '../../temporal/failures';

afterAll(closeTestConnections);

const O = (n: string) => `00801SEED0000${n}`;
const T = Date.parse(SEED_AS_OF);
const DAY = 86_400_000;
const NEW_ORG = '00801SEED000099';
const changesOf = (r: ReturnType<typeof asReport>) =>
  r.changes!.organizations.map((c) => [c.organizationId, c.change, c.from, c.to]);

describe('changes since the previous run', () => {
  let env: BillEnv;
  beforeAll(async () => (env = await startBillEnv({ latencyMs: 1 })));
  afterAll(() => env.close());

  it('lists exactly the payment added, the bank verified and the organization added', async () => {
    const firstId = env.newWorkflowId();
    const first = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5 }, firstId));
    expect(first.changes).toEqual({ comparedTo: null, organizations: [] });

    // A partial run is no baseline: the next full run still compares with the first.
    await env.run({ asOf: SEED_AS_OF, maxOrgs: 2 });

    env.sim.control.updateOrganization(O('10'), (o) => {
      o.payments.push(payment('stp01S10PAY009', T - 2 * DAY, o.bankAccounts[0]!.id));
    });
    env.sim.control.updateOrganization(O('11'), (o) => {
      o.bankAccounts[0]!.status = 'VERIFIED';
    });
    env.sim.control.addOrganization(
      organization(NEW_ORG, 'Brand New Brewery', T - DAY, {
        users: [user('00601S99USER01', 'Nova', 'Brew', T - DAY)],
        bankAccounts: [bank('bac01S99BANK01', 'PENDING', T - DAY)],
      }),
    );

    const secondId = env.newWorkflowId();
    const second = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5 }, secondId));
    expect(second.changes!.comparedTo).toEqual({
      workflowId: firstId,
      generatedAt: first.generatedAt,
      asOf: SEED_AS_OF,
    });
    expect(changesOf(second).sort()).toEqual(
      [
        [O('10'), 'moved', 'NO_PAYMENTS', 'ACTIVE'],
        [O('11'), 'moved', 'BANK_NOT_VERIFIED', 'NO_PAYMENTS'],
        [NEW_ORG, 'new', null, 'BANK_NOT_VERIFIED'],
      ].sort(),
    );

    // Nothing changed since the second run; against the first (--compare-to) the same three.
    const third = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5 }));
    expect(third.changes!.comparedTo!.workflowId).toBe(secondId);
    expect(third.changes!.organizations).toEqual([]);
    const againstFirst = asReport(await env.run({ asOf: SEED_AS_OF, concurrency: 5, compareTo: firstId }));
    expect(changesOf(againstFirst).sort()).toEqual(changesOf(second).sort());

    // engagement report <id> --changes-only: only those, on screen and in the CSV's change column.
    let text = '';
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bill-changes-')), 'changes.csv');
    await env.withWorker(() =>
      printReport({
        client: env.client,
        out: { write: (s: string) => (text += s) },
        options: { workflowId: secondId, changesOnly: true, out: file },
      }),
    );
    expect(text).toMatch(new RegExp(`Changes since ${firstId} .*: 1 new, 2 moved, 0 entered, 0 left`));
    expect(text.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(3);
    const csv = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(csv[0]!.endsWith(',change')).toBe(true);
    expect(
      csv
        .slice(1)
        .map((line) => line.split(',').at(-1))
        .sort(),
    ).toEqual(['moved from BANK_NOT_VERIFIED', 'moved from NO_PAYMENTS', 'new'].sort());
  });

  it('a --compare-to that names no finished run fails at once, before any BILL request', async () => {
    env.sim.control.resetStats();
    const failure = await env.run({ asOf: SEED_AS_OF, compareTo: 'bill-engagement-nope' }).catch((e) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({
      type: 'Bill.bad_input' satisfies BillFailure,
    });
    expect(env.sim.control.requestLog()).toHaveLength(0);
  });
});
