/**
 * What the Temporal Web UI shows for each workflow, activity and timer (user metadata): one line
 * saying what it does, in words an operator reads at a glance. Only ids and counts (accounts,
 * events, sequence numbers, organizations) ever go in: never a name, an email, a token or a
 * message text. Summaries are metadata on the commands a workflow already sends: adding or
 * changing them changes no command, so running workflows replay as before.
 */

import type { IntegrationState } from './webex/state';
import { DIGEST_EVENT_TYPE } from '../domain/integration/digest-event';

/** "60 s", "5 min", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

/** "Wait 60 s (Webex Retry-After)" */
export const waitSummary = (ms: number, why: string) => `Wait ${formatDuration(ms)} (${why})`;

export const integrationSummary = (accountId: string) => `Webex integration of Billsby account ${accountId}`;

/** The integration's current details, one line: status, space, and what went wrong last. */
export function integrationDetails(
  accountId: string,
  s: Pick<IntegrationState, 'status' | 'room' | 'lastError'>,
): string {
  const room = s.room ? 'posting to the "Billsby Data" space' : 'no space yet';
  const error = s.lastError ? ` Last error: ${s.lastError}` : '';
  return `Billsby account **${accountId}**: ${s.status.replace(/_/g, ' ')}, ${room}.${error}`;
}

/** What the integration loop's timer waits for. */
export function integrationWaitSummary(waitMs: number, then: 'retry' | 'refresh' | 'renew' | 'poll'): string {
  const what = {
    retry: 'try again (the last Webex call failed)',
    refresh: 'refresh the Webex token (before it expires)',
    renew: 'continue as new (a run is renewed weekly, even when idle)',
    poll: 'look at the event log (unless a webhook wakes us first)',
  }[then];
  return `Wait ${formatDuration(waitMs)}, then ${what}`;
}

/** "Deliver 12 events (CustomerCreated, PaymentSucceeded …) to Billsby Data" */
export function deliverySummary(batch: readonly { type: string }[]): string {
  const types = [...new Set(batch.map((event) => event.type))];
  const shown = types.slice(0, 2).join(', ') + (types.length > 2 ? ' …' : '');
  const n = batch.length;
  return `Deliver ${n} event${n === 1 ? '' : 's'} (${shown}) to Billsby Data`;
}

/**
 * The loop's delivery activity: "Post events #12–#20 (CustomerCreated ×3, PaymentSucceeded ×6) to
 * Billsby Data, in order". The range is what an event's lookup (`deliveredBy` and its seq) points at.
 */
export function batchActivitySummary(batch: readonly { seq: number; type: string }[]): string {
  const counts = new Map<string, number>();
  for (const event of batch) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  const types = [...counts].map(([type, n]) => (n === 1 ? type : `${type} ×${n}`));
  const first = batch[0]?.seq;
  const last = batch[batch.length - 1]?.seq;
  const range = first === last ? `event #${first}` : `events #${first}–#${last}`;
  // A BILL engagement digest goes to its own space (domain/integration/digest-event.ts).
  const spaces = counts.has(DIGEST_EVENT_TYPE)
    ? counts.size > 1
      ? 'Billsby Data and BILL Engagement'
      : 'BILL Engagement'
    : 'Billsby Data';
  return `Post ${range} (${types.join(', ')}) to ${spaces}, in order`;
}

/** LEGACY (child per batch): the batch's event ids (the search attribute BillsbyEventIds holds them too), for the details pane. */
export function deliveryDetails(
  accountId: string,
  batch: readonly { seq: number; eventId: string; type: string }[],
): string {
  const first = batch[0];
  const last = batch[batch.length - 1];
  const lines = batch.slice(0, 20).map((event) => `- #${event.seq} ${event.type} \`${event.eventId}\``);
  if (batch.length > 20) lines.push(`- … and ${batch.length - 20} more`);
  return [
    `Billsby account **${accountId}**, queued events #${first?.seq ?? '?'}–#${last?.seq ?? '?'}, posted in order:`,
    ...lines,
  ].join('\n');
}

export const engagementSummary = (maxOrgs: number | undefined, asOf: string | undefined) =>
  `BILL customer engagement report (${
    maxOrgs === undefined || maxOrgs >= Number.MAX_SAFE_INTEGER
      ? 'every organization'
      : `up to ${maxOrgs} organizations`
  }${asOf ? `, as of ${asOf}` : ''})`;

export const organizationSummary = (organizationId: string) => `Classify organization ${organizationId}`;

export type Summarizers<S> = {
  [K in keyof S]?: S[K] extends (...args: infer P) => unknown ? (...args: P) => string : never;
};

type Stub = ((...args: unknown[]) => Promise<unknown>) & {
  executeWithOptions(options: object, args: unknown[]): Promise<unknown>;
};

/**
 * The same activity stubs (of proxyActivities or proxyLocalActivities), each call carrying the
 * summary its summarizer makes from the call's arguments (`executeWithOptions({ summary })` wins).
 */
export function withSummaries<S extends object>(stubs: S, summarizers: Summarizers<S>): S {
  return new Proxy(stubs, {
    get(target, name, receiver) {
      const stub = Reflect.get(target, name, receiver) as Stub;
      const summarize = (summarizers as Record<PropertyKey, ((...args: unknown[]) => string) | undefined>)[
        name
      ];
      if (!summarize) return stub;
      const withSummary = (...args: unknown[]) =>
        stub.executeWithOptions({ summary: summarize(...args) }, args);
      withSummary.executeWithOptions = (options: object, args: unknown[]) =>
        stub.executeWithOptions({ summary: summarize(...args), ...options }, args);
      return withSummary;
    },
  });
}
