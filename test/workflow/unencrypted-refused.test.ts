import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { UNENCRYPTED_INPUT_REFUSED } from '../../workflows/refuse-unencrypted';
import { diagnosticEcho } from '../../workflows';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import {
  closeTestConnections,
  createTestClient,
  createTestWorker,
  runInBackground,
  testAddress,
  uniqueTaskQueues,
} from '../harness/temporal';
import { api, startWebexApp, type WebexApp } from '../harness/webex-app';

/**
 * Anyone who reaches the Temporal frontend can start, signal or update a workflow with a plain
 * client (no data converter): its arguments arrive unencrypted. Workers refuse them
 * (temporal/refused-payload.ts, workflows/refuse-unencrypted.ts): a start fails before any
 * workflow code runs, an update is rejected before it is accepted, a signal is dropped without
 * wedging the workflow. The product's own client, encrypting, works as before.
 */
let plain: Client;
let app: WebexApp;
beforeAll(async () => {
  plain = new Client({ connection: await Connection.connect({ address: testAddress() }) });
  app = await startWebexApp();
});
afterAll(async () => {
  await app.close();
  await plain.connection.close();
  await closeTestConnections();
});

const historyOf = async (client: Client, workflowId: string) =>
  (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
/** `EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED` and so on. */
const eventName = (e: { eventType?: number | null }) => temporal.api.enums.v1.EventType[e.eventType ?? 0];

describe('a plain client’s unencrypted arguments are refused by the worker', () => {
  it('a workflow started with plaintext input fails without running; the product’s client runs it', async () => {
    const taskQueue = uniqueTaskQueues('plain').webex;
    let echoes = 0;
    const stop = runInBackground(
      await createTestWorker({
        taskQueue,
        activities: {
          echo: async ({ message }: { message: string }) => {
            echoes++;
            return { message, handledBy: 'test' };
          },
        },
      }),
    );
    try {
      // The plain client cannot even read the answer (failures are encrypted too); the product's can.
      const workflowId = `plain-${Date.now()}`;
      await plain.workflow.start(diagnosticEcho, { taskQueue, workflowId, args: ['from a plain client'] });
      const product = await createTestClient();
      const refused = await product.workflow
        .getHandle(workflowId)
        .result()
        .catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(WorkflowFailedError);
      const cause = (refused as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause.type).toBe(UNENCRYPTED_INPUT_REFUSED);
      expect(cause.message).toContain('not encrypted');
      expect(echoes).toBe(0);

      const ok = await product.workflow.execute(diagnosticEcho, {
        taskQueue,
        workflowId: `encrypted-${Date.now()}`,
        args: ['from the product'],
      });
      expect(ok).toEqual({ message: 'from the product', handledBy: 'test' });
      expect(echoes).toBe(1);
    } finally {
      await stop();
    }
  });

  it('an update with plaintext arguments is rejected before it is accepted; a plaintext signal is dropped and the workflow goes on', async () => {
    const accountId = `plain-${Date.now().toString(36)}`;
    expect((await api(app, `/api/accounts/${accountId}/webex/connect`, { method: 'POST' })).status).toBe(200);
    const workflowId = integrationWorkflowId(accountId);
    const before = await historyOf(app.client, workflowId);

    const request = {
      stateNonce: 'n'.repeat(43),
      codeVerifier: 'v'.repeat(43),
      expiresAt: '2099-01-01T00:00:00Z',
      replace: true,
    };
    const update = await plain.workflow
      .getHandle(workflowId)
      .executeUpdate('beginAuthorization', { args: [request] })
      .then(() => 'accepted')
      .catch(() => 'rejected');
    expect(update).toBe('rejected');
    expect((await historyOf(app.client, workflowId)).length).toBe(before.length);

    await plain.workflow.getHandle(workflowId).signal('eventsAvailable', { injected: 'plaintext' });
    // The workflow still answers and runs its tasks: no failed workflow task, no accepted update.
    const status = await api(app, `/api/accounts/${accountId}/webex`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'awaiting_authorization' });
    const after = await historyOf(app.client, workflowId);
    const types = after.slice(before.length).map(eventName);
    expect(types.some((t) => /UPDATE_ACCEPTED/.test(t))).toBe(false);
    expect(types.some((t) => /WORKFLOW_TASK_FAILED/.test(t))).toBe(false);
    expect(types.some((t) => /EXECUTION_SIGNALED/.test(t))).toBe(true);
    // The same update, encrypted by the product's client, is accepted: only the encryption differed.
    await app.client.workflow.getHandle(workflowId).executeUpdate('beginAuthorization', { args: [request] });
    const accepted = (await historyOf(app.client, workflowId)).map(eventName);
    expect(accepted.some((t) => /UPDATE_ACCEPTED/.test(t))).toBe(true);
  });
});
