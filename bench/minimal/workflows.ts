/**
 * The minimal Temporal program for Billsby → Webex (the benchmark's yardstick, not product code):
 * one workflow per account, started by signal-with-start; each event arrives as one signal, waits
 * in an in-memory queue, and is posted by one activity, strictly one after the other. No event
 * log, no batching, no dedupe, no token refresh, no continue-as-new (the benchmark's sizes stay
 * far below the history limit). Bundled on its own and run by its own worker on its own queue.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type { MinimalActivities } from './activities';

export interface MinimalAccountInput {
  accountId: string;
  roomId: string;
  accessToken: string;
}

export const minimalEvent = defineSignal<[BillsbyEvent]>('event');

export const minimalWorkflowId = (accountId: string) => `minimal-webex:${accountId}`;

const { postEvent } = proxyActivities<MinimalActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function minimalAccount(input: MinimalAccountInput): Promise<void> {
  const queue: BillsbyEvent[] = [];
  setHandler(minimalEvent, (event) => void queue.push(event));
  for (;;) {
    await condition(() => queue.length > 0);
    const event = queue.shift()!;
    await postEvent({ roomId: input.roomId, accessToken: input.accessToken, event });
  }
}
