/** What the demo's steps share: the account, headings, and the gateway's status and event APIs. */
import type { StatusResult } from '../../gateway/integration/service';
import { pollUntil, request } from './http';
import type { DemoStack } from './stack';

export const DEMO_ACCOUNT = 'demo';

export type Print = (line: string) => void;

export function heading(print: Print, n: number, title: string) {
  print(`\n=== ${n}. ${title} ===`);
}

/** The demo's own API calls: the gateway's first API key, as a bearer token. */
export const auth = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

export async function status(base: string, apiKey: string): Promise<StatusResult> {
  const res = await request(`${base}/api/accounts/${DEMO_ACCOUNT}/webex`, { headers: auth(apiKey) });
  if (res.status !== 200) throw new Error(`status API answered ${res.status}: ${res.text.slice(0, 300)}`);
  return res.body as StatusResult;
}

export interface EventLookup {
  eventId: string;
  type: string;
  state: 'queued' | 'delivered' | 'failed' | 'dropped' | 'ignored';
  lastError: string | null;
  messageIds: string[];
}

/** `GET /api/accounts/demo/webex/events/:eventId` until the event has left the queue. */
export async function settledEvent(base: string, apiKey: string, eventId: string): Promise<EventLookup> {
  return pollUntil(
    `delivery of event ${eventId}`,
    async () => {
      const url = `${base}/api/accounts/${DEMO_ACCOUNT}/webex/events/${encodeURIComponent(eventId)}`;
      const res = await request(url, { headers: auth(apiKey) });
      if (res.status !== 200)
        throw new Error(`event lookup answered ${res.status}: ${res.text.slice(0, 300)}`);
      return res.body as EventLookup;
    },
    (e) => e.state !== 'queued',
    120_000,
  );
}

/** The one-line account totals the steps print after waiting. */
export function totals(s: StatusResult): string {
  const c = s.counts;
  return (
    `account totals: received ${c.received}, delivered ${c.delivered}, failed ${c.failed}, ` +
    `pending ${c.pending}, ignored ${c.ignored}`
  );
}

/** Prints the room's messages from index `from` on (those of one step), text exactly as posted. */
export function printMessages(stack: DemoStack, roomId: string, from: number, print: Print): number {
  const all = stack.webex!.control.messages(roomId);
  const messages = all.slice(from);
  const room = stack.webex!.control.rooms().find((r) => r.id === roomId);
  print(
    `  room "${room?.title ?? '?'}": the ${messages.length} messages of this step ` +
      `(${all.length} in all), text exactly as posted:`,
  );
  messages.forEach((m, i) => {
    print(`\n----- message ${i + 1} of ${messages.length} -----`);
    print(m.text ?? '');
    print(`----- end of message ${i + 1} -----`);
  });
  return messages.length;
}
