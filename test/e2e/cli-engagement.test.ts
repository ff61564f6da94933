/**
 * The engagement starter scripts through the real CLI process. Their logic is tested at function
 * level in test/workflow/bill-client.test.ts; this checks the wiring: flags → options, the
 * Temporal connection from the environment, output, exit codes and closing the connection.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SEED_AS_OF } from '../../simulators/bill';
import { closeTestConnections } from '../harness/temporal';
import { startBillEnv, type BillEnv } from '../workflow/bill-harness';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PAYLOAD_ENCRYPTION_KEY: process.env.TEST_PAYLOAD_KEY,
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
  };
  return new Promise((resolve) => {
    execFile(
      TSX,
      [path.join(ROOT, 'client/cli/main.ts'), ...args],
      { cwd: ROOT, env, timeout: 90_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

interface ReportOrg {
  reasons: string[];
  users: { email: string }[];
}
/** The recipe's campaigns and their reasons (DESIGN §4.5), written out here rather than imported. */
const CAMPAIGN_REASONS: Record<string, string[]> = {
  'complete enrollment': ['ENROLLMENT_INCOMPLETE', 'NO_FUNDING_ACCOUNT', 'BANK_NOT_VERIFIED'],
  'make a first payment': ['NO_PAYMENTS'],
  'resume payments': ['INACTIVE_30', 'INACTIVE_60', 'INACTIVE_90'],
  'deepen use': ['ACTIVE'],
};

let env: BillEnv;
beforeAll(async () => {
  env = await startBillEnv({ latencyMs: 5 });
});
afterAll(async () => {
  await env.close();
  await closeTestConnections();
});

describe('CLI: engagement', () => {
  it('run --max-orgs 3 prints progress and the summary, writes --out, and report prints it again', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cli-engagement-')), 'report.json');
    const asOf = SEED_AS_OF.slice(0, 10);
    // --task-queue keeps this run on the test worker's queue instead of the product's `bill-engagement`.
    const run = await env.withWorker(() =>
      cli([
        'engagement',
        'run',
        '--max-orgs',
        '3',
        '--as-of',
        asOf,
        '--out',
        out,
        '--task-queue',
        env.taskQueue,
      ]),
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const workflowId = /^Started (bill-engagement-\S+)$/m.exec(run.stdout)?.[1];
    expect(workflowId).toBeDefined();
    expect(run.stdout).toMatch(/3\/3 organizations/);
    expect(run.stdout).toMatch(/^reason\s+organizations\s+campaign$/m);
    expect(run.stdout).toMatch(/^total\s+3$/m);
    expect(run.stdout).toContain(`Wrote ${out}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { asOf: string; organizations: unknown[] };
    expect(report.organizations).toHaveLength(3);
    expect(report.asOf).toBe(`${asOf}T00:00:00.000Z`);
    // It holds customers' emails: the owner's only; and the terminal shows them only on request.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(run.stdout).toContain('--show-emails');
    expect(run.stdout).not.toMatch(/@example\.com/);

    const printed = await env.withWorker(() => cli(['engagement', 'report', workflowId!]));
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(`Engagement report as of ${asOf}T00:00:00.000Z`);
    expect(printed.stdout).toMatch(/^total\s+3$/m);

    // Campaign contact lists from the same run: one file per campaign, a row per active user.
    const folder = path.join(path.dirname(out), 'campaigns');
    const lists = await env.withWorker(() =>
      cli(['engagement', 'report', workflowId!, '--campaign', 'all', '--out', folder]),
    );
    expect(lists).toMatchObject({ code: 0, stderr: '' });
    const orgs = (report as unknown as { organizations: ReportOrg[] }).organizations;
    for (const [campaign, reasons] of Object.entries(CAMPAIGN_REASONS)) {
      const file = path.join(folder, `${campaign.replace(/ /g, '-')}.csv`);
      const csv = readFileSync(file, 'utf8');
      expect(
        csv.startsWith(
          '\uFEFFemail,firstName,lastName,organizationId,organizationName,reason,lastPaymentAt\r\n',
        ),
      ).toBe(true);
      const inCampaign = orgs.filter((o) => o.reasons.some((r) => reasons.includes(r)));
      const expectedRows = inCampaign.reduce((n, o) => n + Math.max(1, o.users.length), 0);
      expect({ campaign, rows: csv.split('\r\n').length - 2 }).toEqual({ campaign, rows: expectedRows });
      for (const o of inCampaign) for (const u of o.users) expect(csv).toContain(`${u.email},`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    const unknown = await cli([
      'engagement',
      'report',
      workflowId!,
      '--campaign',
      'upsell',
      '--out',
      `${folder}/x.csv`,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown campaign "upsell": one of "complete enrollment"');

    // The three newest include organization 24, whose risk verification was never started.
    expect(printed.stdout).toMatch(
      /^Classified with a signal unavailable: 1 of 3 organizations \(riskVerification 1\)$/m,
    );

    // --compare-to names the run to list changes against; report --changes-only prints only those.
    const again = await env.withWorker(() =>
      cli([
        'engagement',
        'run',
        '--max-orgs',
        '2',
        '--as-of',
        asOf,
        '--compare-to',
        workflowId!,
        '--task-queue',
        env.taskQueue,
      ]),
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `Changes since ${workflowId} (as of ${asOf}T00:00:00.000Z): 0 new, 0 moved`,
    );
    const secondId = /^Started (bill-engagement-\S+)$/m.exec(again.stdout)?.[1];
    const changes = await env.withWorker(() => cli(['engagement', 'report', secondId!, '--changes-only']));
    expect(changes.code).toBe(0);
    expect(changes.stdout.trim()).toBe(
      `Changes since ${workflowId} (as of ${asOf}T00:00:00.000Z): 0 new, 0 moved, 0 entered, 0 left`,
    );
  });

  it('report of an unknown workflow id is a clean error with exit code 1', async () => {
    const res = await cli(['engagement', 'report', 'bill-engagement-does-not-exist']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('error: no workflow with id bill-engagement-does-not-exist in this namespace\n');
  });
});
