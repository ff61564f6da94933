import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printReport, runEngagement, scheduleEngagement } from '../../client/engagement';
import { SEED_AS_OF, SEED_EXPECTED_REASONS } from '../../simulators/bill';
import { closeTestConnections } from '../harness/temporal';
import { reasonsById, startBillEnv, type BillEnv } from './bill-harness';

afterAll(closeTestConnections);

const collector = () => {
  let text = '';
  return { write: (s: string) => (text += s), text: () => text };
};

describe('engagement starter scripts against a real server', () => {
  let env: BillEnv;
  beforeAll(async () => (env = await startBillEnv({ latencyMs: 5 })));
  afterAll(() => env.close());

  it('run shows progress and a summary, writes the CSV, and report prints the finished run', async () => {
    const out = collector();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bill-cli-')), 'report.csv');
    const { workflowId, report } = await env.withWorker(() =>
      runEngagement({
        client: env.client,
        taskQueue: env.taskQueue,
        out,
        pollMs: 50,
        options: { asOf: SEED_AS_OF.slice(0, 10) + 'T12:00:00Z', out: file },
      }),
    );
    expect(workflowId).toMatch(/^bill-engagement-/);
    expect(reasonsById(report)).toEqual(SEED_EXPECTED_REASONS);
    expect(out.text()).toMatch(/\/25 organizations/);
    expect(out.text()).toMatch(/INACTIVE_90\s+2\s+resume payments/);
    expect(out.text()).toMatch(/complete enrollment: 10 organizations/);
    expect(readFileSync(file, 'utf8').split('\r\n')[0]).toMatch(/^organizationId,organizationName,reason/);

    const again = collector();
    const printed = await env.withWorker(() =>
      printReport({ client: env.client, out: again, options: { workflowId } }),
    );
    expect(printed?.organizations).toHaveLength(25);
    expect(again.text()).toMatch(/ACTIVE\s+5\s+deepen use/);
  });

  it('run refuses a bad --as-of before starting anything', async () => {
    await expect(
      runEngagement({
        client: env.client,
        taskQueue: env.taskQueue,
        out: collector(),
        options: { asOf: 'last tuesday' },
      }),
    ).rejects.toThrow(/--as-of: must be a date/);
  });

  it('run and schedule refuse a --post-to account without a connected integration, starting nothing', async () => {
    const workflowId = env.newWorkflowId();
    const asked: string[] = [];
    const accountConnected = async (accountId: string) => (asked.push(accountId), false);
    const common = { client: env.client, taskQueue: env.taskQueue, out: collector(), accountConnected };
    await expect(runEngagement({ ...common, workflowId, options: { postTo: 'acct-gone' } })).rejects.toThrow(
      /--post-to: account acct-gone has no connected Webex integration/,
    );
    const scheduleId = `bill-engagement-schedule-refused-${Date.now()}`;
    await expect(
      scheduleEngagement({ ...common, scheduleId, options: { every: '24h', postTo: 'acct-gone' } }),
    ).rejects.toThrow(/no connected Webex integration/);
    expect(asked).toEqual(['acct-gone', 'acct-gone']);
    await expect(env.client.workflow.getHandle(workflowId).describe()).rejects.toThrow(/not found/i);
    await expect(env.client.schedule.getHandle(scheduleId).describe()).rejects.toThrow(/not found/i);
  });

  it('schedule creates the schedule, then updates it', async () => {
    const scheduleId = `bill-engagement-schedule-test-${Date.now()}`;
    const args = { client: env.client, taskQueue: env.taskQueue, out: collector(), scheduleId };
    expect((await scheduleEngagement({ ...args, options: { every: '24h' } })).created).toBe(true);
    const postTo = { every: '12h', postTo: 'acct-digest', withContacts: true };
    const connected = async () => true;
    expect(
      (await scheduleEngagement({ ...args, accountConnected: connected, options: postTo })).created,
    ).toBe(false);
    const handle = env.client.schedule.getHandle(scheduleId);
    const desc = await handle.describe();
    expect(desc.spec.intervals?.[0]?.every).toBe(12 * 3_600_000);
    expect(desc.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'billEngagement',
      taskQueue: env.taskQueue,
      // Each scheduled run posts its digest to the account.
      args: [{ postTo: 'acct-digest', withContacts: true }],
    });
    await handle.delete();
  });
});
