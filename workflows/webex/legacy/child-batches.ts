import { patched } from '@temporalio/workflow';
import type { QueuedRef } from '../../../eventlog/types';
import type { DeliveryResult } from '../batch-result';
import {
  awaitDeliveryChild,
  cancelDeliveryChild,
  runDeliveryChild,
  startDeliveryChild,
  type StartedDelivery,
} from './run-delivery';
import type { DeliveryInput } from './delivery-workflow';
import { peekActivities } from '../webex-api';

/**
 * LEGACY (patch `delivery-loop-v2`, workflows/webex/PATCHES.md): how runs begun before the
 * delivery loop delivered a batch — one child workflow per batch, pipelined with a look-ahead
 * child. Kept, command for command, so those runs replay and finish the batch they had in flight;
 * then they continue as new into the loop. Delete with the patch.
 */

const DEFAULT_BATCH_SIZE = 100;
/** A batch's ids had to fit one KeywordList search attribute value (2,048 bytes of JSON). */
const MAX_BATCH_ID_BYTES = 2_000;
/** What runs begun before the patch below counted with (UTF-16 units, a lower cap). */
const LEGACY_MAX_BATCH_ID_CHARS = 1_800;
const BATCH_ID_BYTES_PATCH = 'batch-ids-utf8-2000-bytes';
/** Runs begun before it deliver one batch at a time, with no look-ahead. */
const PIPELINE_PATCH = 'pipelined-batch-deliveries';

export interface LegacyBatch {
  events: QueuedRef[];
  /** More events were queued behind this batch when it was read. */
  more: boolean;
}

/** What the child path needs from the integration: no import of the entity (no circle). */
export interface LegacyDeliveryHost {
  accountId: string;
  batchSize?: number;
  interrupted(): boolean;
  /** The look-ahead runs only while nothing else needs the loop. */
  mayLookAhead(): boolean;
  deliveryInput(batch: QueuedRef[], pipelinedAfter?: number): DeliveryInput;
  /** Applies how a batch ended (the entity's settleBatch); answers whether it ran to its end. */
  settle(deliver: () => Promise<DeliveryResult | undefined>): Promise<boolean>;
}

/** The next batch's ids, oldest first, few enough to list in one search attribute value. */
export async function legacyNextBatch(host: LegacyDeliveryHost, afterSeq?: number): Promise<LegacyBatch> {
  const limit = host.batchSize ?? DEFAULT_BATCH_SIZE;
  const peeked = await peekActivities.peekQueuedEvents({
    accountId: host.accountId,
    limit: afterSeq === undefined ? limit : 2 * limit,
  });
  const queued = (afterSeq === undefined ? peeked : peeked.filter((e) => e.seq > afterSeq)).slice(0, limit);
  const exact = patched(BATCH_ID_BYTES_PATCH);
  const max = exact ? MAX_BATCH_ID_BYTES : LEGACY_MAX_BATCH_ID_CHARS;
  let bytes = 2; // []
  const batch: QueuedRef[] = [];
  for (const event of queued) {
    const json = JSON.stringify(event.eventId);
    bytes += (exact ? utf8Bytes(json) : json.length) + 1; // and a comma
    if (batch.length > 0 && bytes > max) break;
    batch.push(event);
  }
  return {
    events: batch,
    more: batch.length < queued.length || queued.length === limit || peeked.length === 2 * limit,
  };
}

/**
 * Delivers one batch through its child workflow (pipelined: the next batch's child is started
 * while this one runs, and posts nothing until every event before it has left the queue).
 * Answers whether the batch ran to its end.
 */
export async function legacyDeliverBatch(host: LegacyDeliveryHost, batch: QueuedRef[]): Promise<boolean> {
  if (batch.length < 2 || !patched(PIPELINE_PATCH)) {
    return host.settle(() => runDeliveryChild(host.deliveryInput(batch), batch, () => host.interrupted()));
  }
  let current: StartedDelivery;
  try {
    current = await startDeliveryChild(host.deliveryInput(batch), batch);
  } catch (err) {
    return host.settle(() => Promise.reject(err));
  }
  let currentBatch = batch;
  for (;;) {
    let next: { child: StartedDelivery; batch: QueuedRef[] } | undefined;
    let lookAheadFailed = false;
    if (!current.done && host.mayLookAhead()) {
      const afterSeq = currentBatch[currentBatch.length - 1]!.seq;
      const ahead = await legacyNextBatch(host, afterSeq);
      if (ahead.events.length > 0 && host.mayLookAhead()) {
        try {
          const child = await startDeliveryChild(host.deliveryInput(ahead.events, afterSeq), ahead.events);
          next = { child, batch: ahead.events };
        } catch {
          lookAheadFailed = true; // delivered later as a batch of its own
        }
      }
    }
    const running = current;
    const finished = await host.settle(() => awaitDeliveryChild(running, () => host.interrupted()));
    if (!next) return finished && !lookAheadFailed;
    if (!finished || host.interrupted()) {
      await cancelDeliveryChild(next.child);
      return false;
    }
    current = next.child;
    currentBatch = next.batch;
  }
}

/** UTF-8 length of a string (no TextEncoder needed in the workflow sandbox). */
function utf8Bytes(text: string): number {
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return n;
}
