import {
  closeTestConnections,
  createTestClient,
  createTestWorker,
  uniqueTaskQueues,
} from '../harness/temporal';
import { diagnosticEcho } from '../../workflows';
import { ENCRYPTED_ENCODING } from '../../temporal/codec';
import * as diagnostics from '../../activities/diagnostics';

afterAll(closeTestConnections);

describe('test harness: real dev server, real worker, encrypted payloads', () => {
  it('runs a workflow and its activity, and history holds only ciphertext', async () => {
    const client = await createTestClient();
    const { webex: taskQueue } = uniqueTaskQueues('harness');
    const worker = await createTestWorker({ taskQueue, activities: diagnostics });
    const secret = 'jane.doe+secret@example.com token=sk_live_0123456789';

    const handle = await worker.runUntil(async () => {
      const h = await client.workflow.start(diagnosticEcho, {
        taskQueue,
        workflowId: `harness-${Date.now()}`,
        args: [secret],
      });
      expect(await h.result()).toEqual({ message: secret, handledBy: `pid ${process.pid}` });
      return h;
    });

    const history = await handle.fetchHistory();
    const raw = JSON.stringify(history);
    expect(raw).not.toContain('jane.doe');
    expect(raw).not.toContain('sk_live_0123456789');
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  });
});
