import { createWebexClient } from '../../connectors/webex';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import { formatEventMessages } from '../../domain/billsby/format-event-messages';

/** The minimal program's one activity: the product's text for the event, posted with the project's client. */
export function createMinimalActivities(apiBaseUrl: string) {
  const client = createWebexClient({ baseUrl: apiBaseUrl });
  return {
    async postEvent(input: { roomId: string; accessToken: string; event: BillsbyEvent }): Promise<void> {
      for (const text of formatEventMessages(input.event)) {
        await client.postMessage(input.accessToken, { roomId: input.roomId, text });
      }
    },
  };
}

export type MinimalActivities = ReturnType<typeof createMinimalActivities>;
