import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import {
  closeTestConnections,
  createTestClient,
  createTestWorker,
  runInBackground,
  uniqueTaskQueues,
} from '../harness/temporal';
import type { WebexFailure } from '../../temporal/failures';

afterAll(closeTestConnections);

// A customer's email and name in an error text, as a Webex or BILL message could carry them.
const EMAIL = 'grace.hopper@example.com';
const NAME = 'Grace Hopper';

it('a failure message naming a customer is not in the history in plain text, and decodes for the client', async () => {
  const { webex: taskQueue } = uniqueTaskQueues('failenc');
  const stop = runInBackground(
    await createTestWorker({
      taskQueue,
      activities: {
        async deliverQueuedEvents() {
          throw ApplicationFailure.nonRetryable(
            `Webex refused the message for ${NAME} <${EMAIL}>`,
            'Webex.bad_request' satisfies WebexFailure,
          );
        },
      },
    }),
  );
  try {
    const client = await createTestClient();
    const workflowId = `failure-encryption-${Date.now().toString(36)}`;
    const handle = await client.workflow.start('webexDelivery', {
      taskQueue,
      workflowId,
      args: [
        {
          accountId: 'acct-failenc',
          fromSeq: 1,
          toSeq: 1,
          accessToken: 'token',
          roomId: 'room',
          personId: 'person',
          afterMessageId: null,
          heartbeatTimeoutMs: 5_000,
        },
      ],
    });
    const failure = await handle.result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    // Our own client decrypts it: the operator's tools still read the reason.
    const activityFailure = (failure as WorkflowFailedError).cause;
    expect((activityFailure?.cause as Error | undefined)?.message).toContain(EMAIL);
    const raw = JSON.stringify(await handle.fetchHistory());
    expect(raw).toContain('encodedAttributes');
    expect(raw).not.toContain(EMAIL);
    expect(raw).not.toContain(NAME);
    expect(raw).not.toContain('Webex refused the message');
  } finally {
    await stop();
  }
});
