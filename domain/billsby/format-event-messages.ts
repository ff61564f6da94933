import type { BillsbyEvent } from './event-schema';
import { splitMessageLines } from './message-split';
import { messageLines } from './message-templates';

/**
 * The Webex message text(s) for one event, in posting order: usually one; several when the
 * message exceeds `MAX_MESSAGE_BYTES` (see message-split.ts). Pure and deterministic, so
 * workflow code may call it and a replay yields the same texts.
 */
export function formatEventMessages(event: BillsbyEvent): string[] {
  return splitMessageLines(messageLines(event));
}
