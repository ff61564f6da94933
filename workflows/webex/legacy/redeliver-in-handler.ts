import { setHandler } from '@temporalio/workflow';
import type { RedeliverRequest } from '../../../activities/webex/redeliver';
import { redeliver } from '../definitions';
import { checkAndRequeue, refuseRedeliveryUnlessConnected } from '../redelivery';
import type { IntegrationState } from '../state';

/**
 * LEGACY (patch `delivery-loop-v2`, workflows/webex/PATCHES.md): the `redeliver` update as runs
 * begun before the delivery loop handle it — the activity runs inside the handler. Runs on the loop
 * record the request and let the loop do the IO (IntegrationEntity.requestRedelivery). Delete
 * with the patch.
 */
export function handleRedeliveryInHandler(accountId: string, s: IntegrationState, wake: () => void): void {
  setHandler(
    redeliver,
    async (request) => {
      const result = await checkAndRequeue(accountId, s, request);
      if (!request.dryRun && result.requeued.length > 0) wake();
      return result;
    },
    { validator: (_request: RedeliverRequest) => refuseRedeliveryUnlessConnected(s) },
  );
}
