import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  startChild,
} from '@temporalio/workflow';
import type { QueuedRef } from '../../../eventlog/types';
import { BillsbyAccountId, BillsbyEventIds } from '../../../temporal/search-attributes';
import { deliveryWorkflowId } from '../definitions';
import { deliveryDetails, deliverySummary } from '../../summaries';
import { webexDelivery, type DeliveryInput, type DeliveryResult } from './delivery-workflow';

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
  return awaitDeliveryChild(await startDeliveryChild(input, batch), interrupted);
}

export interface StartedDelivery {
  workflowId: string;
  firstExecutionRunId: string;
  /** The child has ended (settled has resolved). */
  done: boolean;
  /** The child's end, never rejecting (a failure is carried as `error`). */
  settled: Promise<{ value: DeliveryResult } | { error: unknown }>;
}

/** Starts a batch's delivery child (resolves once it has started). */
export async function startDeliveryChild(input: DeliveryInput, batch: QueuedRef[]): Promise<StartedDelivery> {
  const child = await startChild(webexDelivery, {
    workflowId: deliveryWorkflowId(input.accountId, input.fromSeq, input.toSeq),
    args: [input],
    parentClosePolicy: ParentClosePolicy.TERMINATE,
    typedSearchAttributes: [
      { key: BillsbyAccountId, value: input.accountId },
      { key: BillsbyEventIds, value: batch.map((event) => event.eventId) },
    ],
    // The Web UI's lines for it: what it delivers (types and counts, never a payload).
    staticSummary: deliverySummary(batch),
    staticDetails: deliveryDetails(input.accountId, batch),
  });
  const started: StartedDelivery = {
    workflowId: child.workflowId,
    firstExecutionRunId: child.firstExecutionRunId,
    done: false,
    settled: child.result().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
  };
  void started.settled.then(() => (started.done = true));
  return started;
}

/** Waits for a started child as runDeliveryChild does. */
export async function awaitDeliveryChild(
  child: StartedDelivery,
  interrupted: () => boolean,
): Promise<DeliveryResult | undefined> {
  // The wait lives in its own scope so it can be dropped once the child settles on its own.
  const waitScope = new CancellationScope();
  const interruption = waitScope
    .run(() => condition(interrupted))
    .then(
      () => undefined,
      () => undefined,
    );
  let outcome = await Promise.race([child.settled, interruption]);
  waitScope.cancel();
  if (!outcome) {
    // As before pipelining: cancelled whether or not it ended meanwhile.
    await getExternalWorkflowHandle(child.workflowId, child.firstExecutionRunId).cancel();
    outcome = await child.settled;
  }
  if ('error' in outcome) {
    if (isCancellation(outcome.error)) return undefined;
    throw outcome.error;
  }
  return outcome.value;
}

/**
 * Cancels a started child unless it has ended, and waits for it to end (its activity stops
 * between posts).
 */
export async function cancelDeliveryChild(
  child: StartedDelivery,
): Promise<Awaited<StartedDelivery['settled']>> {
  if (!child.done) {
    await getExternalWorkflowHandle(child.workflowId, child.firstExecutionRunId)
      .cancel()
      // It may have closed meanwhile; a child that cannot be cancelled ends by itself (a
      // pipelined one whose predecessor stopped gives up after PIPELINE_WAIT_MS).
      .catch(() => undefined);
  }
  return child.settled;
}
