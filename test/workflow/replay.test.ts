import { Worker } from '@temporalio/worker';
import { closeTestConnections, testDataConverter, testWorkflowBundle } from '../harness/temporal';
import {
  api,
  connectAsOwnUser,
  deliveryWorkflowOf,
  eventually,
  integrationStatus,
  numberedEvent,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { integrationWorkflowId } from '../../workflows/webex/definitions';

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp();
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

// Replaying real histories with today's workflow code catches non-determinism (a changed command
// order, a stray clock read) before a deployed worker meets it on a live workflow.
it('histories of a whole integration life replay without non-determinism', async () => {
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

  for (const workflowId of [integrationWorkflowId(accountId), await deliveryWorkflowOf(app, 'rp-1')]) {
    const history = await app.client.workflow.getHandle(workflowId).fetchHistory();
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: testWorkflowBundle(), dataConverter: testDataConverter() },
        history,
        workflowId,
      ),
    ).resolves.toBeUndefined();
  }
});
