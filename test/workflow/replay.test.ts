import { Worker } from '@temporalio/worker';
import { productMetricSinks } from '../../metrics/worker-metrics';
import { closeTestConnections, replayWithTodaysCode, testWorkflowBundle } from '../harness/temporal';
import { recordedDataConverter, recordedHistories } from '../harness/history-fixtures';
import {
  api,
  connectAsOwnUser,
  eventually,
  integrationStatus,
  numberedEvent,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { integrationWorkflowId } from '../../workflows/webex/definitions';

// Replaying real histories with today's workflow code catches non-determinism (a changed command
// order, a stray clock read) before a deployed worker meets it on a live workflow.

describe("histories recorded by the code before the delivery loop (v1) replay on today's code", () => {
  const histories = recordedHistories('v1');

  it('the fixtures cover every workflow type, running and closed', () => {
    const types = new Set(histories.map((h) => h.workflowType));
    expect([...types].sort()).toEqual([
      'billEngagement',
      'billEngagementOrganization',
      'webexDelivery',
      'webexIntegration',
    ]);
    expect(histories.filter((h) => h.recordedWhile === 'running').length).toBeGreaterThanOrEqual(5);
    expect(histories.length).toBeGreaterThanOrEqual(12);
  });

  it('every one replays without non-determinism (Worker.runReplayHistories)', async () => {
    const results = [];
    for await (const result of Worker.runReplayHistories(
      {
        workflowBundle: testWorkflowBundle(),
        dataConverter: recordedDataConverter('v1'),
        sinks: productMetricSinks(),
      },
      histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
    )) {
      results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : null });
    }
    expect(results).toHaveLength(histories.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });
});

describe("histories made by today's code", () => {
  let app: WebexApp;
  beforeAll(async () => {
    app = await startWebexApp();
  });
  afterAll(async () => {
    await app.close();
    await closeTestConnections();
  });

  it('a whole integration life replays without non-determinism', async () => {
    const accountId = `acct-replay-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    app.sim.control.rateLimitNext(1, { method: 'POST', pathPrefix: '/messages', roomId, retryAfter: 0 });
    app.sim.control.revokeAccessTokens();
    for (let i = 1; i <= 3; i++) await sendEvent(app, accountId, numberedEvent('rp', i));
    await eventually(
      () => integrationStatus(app, accountId).then((r) => r.body as { counts: { delivered: number } }),
      (s) => s.counts.delivered === 3,
    );
    await api(app, `/api/accounts/${accountId}/webex/uninstall`, { method: 'POST' });

    const workflowId = integrationWorkflowId(accountId);
    const history = await app.client.workflow.getHandle(workflowId).fetchHistory();
    await expect(replayWithTodaysCode(history, workflowId)).resolves.toBeUndefined();
    // One run, no batch child: the loop posted with activities.
    const types = (history.events ?? []).map((e) => e.eventType);
    expect(types).not.toContain(29); // START_CHILD_WORKFLOW_EXECUTION_INITIATED
  });
});
