import type { DeliverBatchInput, DeliverBatchResult } from '../../../activities/webex/deliver-batch';
import { batchDeliveryActivities } from '../webex-api';

export interface DeliveryInput extends DeliverBatchInput {
  /** How soon a dead worker's batch is taken up again by another. */
  heartbeatTimeoutMs: number;
}

export type DeliveryResult = DeliverBatchResult;

/**
 * LEGACY (patch `delivery-loop-v2`, workflows/webex/PATCHES.md): registered so batch children
 * started by runs begun before the delivery loop finish (and replay). Nothing starts new ones.
 *
 * `webex-delivery:<accountId>:<fromSeq>-<toSeq>`: posts one batch of the account's queued events
 * in order. Its `BillsbyEventIds` search attribute lists the batch, so the Web UI finds the
 * delivery of any event. Transient Webex trouble is retried inside the activity without limit; a
 * 401 or a missing room ends the batch early and goes back to the parent, which owns tokens and
 * the room. A message Webex refuses for good (400) is marked failed in the log and the batch
 * moves on.
 */
export async function webexDelivery(input: DeliveryInput): Promise<DeliveryResult> {
  const { heartbeatTimeoutMs, ...batch } = input;
  return batchDeliveryActivities(heartbeatTimeoutMs).deliverQueuedEvents(batch);
}
