import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { recordedBundle } from '../harness/history-fixtures';
import { closeTestConnections, replayWithTodaysCode, testWorkflowBundle } from '../harness/temporal';
import {
  connectAsOwnUser,
  deliveredByOf,
  eventually,
  numberedEvent,
  roomTexts,
  sendEvent,
  startWebexApp,
  TEST_WORKFLOW_OPTIONS,
  type WebexApp,
} from '../harness/webex-app';

/**
 * Integrations started on the code before the delivery loop (v1: a child workflow per batch,
 * pipelined, an idle poll; its bundle is in test/fixtures/bundles/) move to the loop when a worker
 * with today's code takes over: the batch children in flight finish, the run continues as new into
 * the loop, and every event is posted once, in order (workflows/webex/PATCHES.md).
 */

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp({
    workflowBundle: recordedBundle('v1', 'webex'),
    // The v1 code's idle poll, long enough that only a signal wakes an idle run here.
    workflowOptions: { ...TEST_WORKFLOW_OPTIONS, batchSize: 3, idlePollMs: 600_000 },
  });
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

/** Read from the event log itself: the status API needs a worker to answer its query. */
const counts = (accountId: string) => app.eventLog.counts(accountId);

/** A message whose CustomerUniqueId line is exactly `id`. */
const customer = (id: string) => expect.stringMatching(new RegExp(`^CustomerUniqueId: ${id}$`, 'm'));
const expectedTexts = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => customer(`${prefix}-customer-${i + 1}`));

async function runningChildren(accountId: string): Promise<number> {
  let n = 0;
  for await (const _ of app.client.workflow.list({
    query: `WorkflowType = 'webexDelivery' AND BillsbyAccountId = '${accountId}' AND ExecutionStatus = 'Running'`,
  }))
    n++;
  return n;
}

/** The integration's runs, oldest first: how each closed and whether it started batch children. */
async function runsOf(accountId: string) {
  const runs: { runId: string; start: number; status: string; children: number }[] = [];
  for await (const wf of app.client.workflow.list({
    query: `WorkflowId = '${integrationWorkflowId(accountId)}'`,
  })) {
    const history = await app.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const children = (history.events ?? []).filter(
      (e) => e.startChildWorkflowExecutionInitiatedEventAttributes,
    ).length;
    runs.push({ runId: wf.runId, start: wf.startTime.getTime(), status: wf.status.name, children });
  }
  return runs.sort((a, b) => a.start - b.start);
}

it('runs begun on the v1 code, mid-batch and idle, finish on the loop: every event once, in order', async () => {
  const busy = `acct-mig-busy-${Date.now().toString(36)}`;
  const idle = `acct-mig-idle-${Date.now().toString(36)}`;
  const { roomId: busyRoom } = await connectAsOwnUser(app, busy);
  const { roomId: idleRoom } = await connectAsOwnUser(app, idle);
  await sendEvent(app, idle, numberedEvent('mi', 1));
  await eventually(
    () => counts(idle),
    (c) => c.delivered === 1,
  );

  // On the v1 code: a slow Webex, nine events, batches of three in child workflows.
  app.sim.control.setLatency(700);
  for (let i = 1; i <= 9; i++) expect((await sendEvent(app, busy, numberedEvent('mb', i))).status).toBe(202);
  await eventually(
    () => runningChildren(busy),
    (n) => n > 0,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  await eventually(
    () => counts(busy),
    (c) => c.delivered >= 1,
    { timeoutMs: 30_000, intervalMs: 50 },
  );

  // The deploy: the v1 worker stops mid-batch; a worker with today's code takes over.
  await app.stopWorker();
  const deliveredOnV1 = (await counts(busy)).delivered;
  expect(deliveredOnV1).toBeLessThan(9);
  app.sim.control.setLatency(20);
  await app.startWorker(testWorkflowBundle());

  await eventually(
    () => counts(busy),
    (c) => c.delivered === 9 && c.pending === 0,
    { timeoutMs: 90_000 },
  );
  expect(roomTexts(app, busyRoom)).toEqual(expectedTexts('mb', 9));

  // The v1 run continued as new into the loop; the new run started no child and posted the last event.
  const busyRuns = await runsOf(busy);
  expect(busyRuns[0]).toMatchObject({ status: 'CONTINUED_AS_NEW' });
  expect(busyRuns[0]!.children).toBeGreaterThan(0);
  const current = busyRuns.at(-1)!;
  expect(current).toMatchObject({ status: 'RUNNING', children: 0 });
  expect(await deliveredByOf(app, busy, 'mb-9')).toEqual({
    workflowId: integrationWorkflowId(busy),
    runId: current.runId,
  });

  // The idle v1 run moves at its first wake-up: the next event's signal.
  expect((await sendEvent(app, idle, numberedEvent('mi', 2))).status).toBe(202);
  await eventually(
    () => counts(idle),
    (c) => c.delivered === 2,
    { timeoutMs: 30_000 },
  );
  expect(roomTexts(app, idleRoom)).toEqual(expectedTexts('mi', 2));
  const idleRuns = await runsOf(idle);
  expect(idleRuns.map((r) => r.status)).toEqual(['CONTINUED_AS_NEW', 'RUNNING']);
  expect((await deliveredByOf(app, idle, 'mi-2')).runId).toBe(idleRuns[1]!.runId);

  // The v1 runs' histories, finished by today's code, replay on today's code.
  for (const accountId of [busy, idle]) {
    const first = (await runsOf(accountId))[0]!;
    const workflowId = integrationWorkflowId(accountId);
    const history = await app.client.workflow.getHandle(workflowId, first.runId).fetchHistory();
    await expect(replayWithTodaysCode(history, workflowId)).resolves.toBeUndefined();
  }
});
