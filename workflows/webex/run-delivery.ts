import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  startChild,
} from '@temporalio/workflow';
import type { QueuedRef } from '../../eventlog/types';
import { BillsbyAccountId, BillsbyEventIds } from '../../temporal/search-attributes';
import { deliveryWorkflowId } from './definitions';
import { webexDelivery, type DeliveryInput, type DeliveryResult } from './delivery';

/**
 * Runs one batch's delivery child until it finishes, or until `interrupted()` holds (uninstall, a
 * new authorization, a due continue-as-new: a long Webex outage must not grow history without
 * bound); then the child is cancelled and awaited, so nothing more is posted. The child is
 * cancelled only once it has started: a cancel sent earlier would miss it.
 *
 * Resolves to the child's result, or undefined when interrupted. Other failures are thrown.
 */
export async function runDeliveryChild(
  input: DeliveryInput,
  batch: QueuedRef[],
  interrupted: () => boolean,
): Promise<DeliveryResult | undefined> {
  const child = await startChild(webexDelivery, {
    workflowId: deliveryWorkflowId(input.accountId, input.fromSeq, input.toSeq),
    args: [input],
    parentClosePolicy: ParentClosePolicy.TERMINATE,
    typedSearchAttributes: [
      { key: BillsbyAccountId, value: input.accountId },
      { key: BillsbyEventIds, value: batch.map((event) => event.eventId) },
    ],
  });
  const settled = child.result().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  // The wait lives in its own scope so it can be dropped once the child settles on its own.
  const waitScope = new CancellationScope();
  const interruption = waitScope
    .run(() => condition(interrupted))
    .then(
      () => undefined,
      () => undefined,
    );
  let outcome = await Promise.race([settled, interruption]);
  waitScope.cancel();
  if (!outcome) {
    await getExternalWorkflowHandle(child.workflowId, child.firstExecutionRunId).cancel();
    outcome = await settled;
  }
  if ('error' in outcome) {
    if (isCancellation(outcome.error)) return undefined;
    throw outcome.error;
  }
  return outcome.value;
}
