import type { WebexClient } from '../../connectors/webex';
import type { WebexMessageSummary } from '../../connectors/webex/schemas';
import { findOwnedRoom } from './rooms';
import { isPublicEvent } from '../../domain/billsby/public-event';
import { ENGAGEMENT_ROOM_TITLE } from '../../domain/integration/constants';
import { isDigestEvent, messagesOf, type PostableEvent } from '../../domain/integration/digest-event';
import type { EventLog, EventRecord, RedeliveryChange } from '../../eventlog/types';

/**
 * Redelivery of failed, dropped or (forced) delivered events (issue 15), run by the integration
 * workflow's `redeliver` update, which owns the Webex token. One activity does it all, so the
 * room is checked and the log changed in one place: select the events, refuse what cannot be
 * redelivered, read back the room to find the events whose message is already there (the same
 * exactly-once check as delivery: our user's message with the exact text), and, unless this is
 * a dry run, re-queue the rest at the end of the account's queue in one log transaction.
 */

export const REDELIVER_STATES = ['failed', 'dropped'] as const;
export type RedeliverState = (typeof REDELIVER_STATES)[number];

/** Most events one call handles; `more` says when more matched (run it again). */
export const MAX_REDELIVER_EVENTS = 1_000;
/** How many of the room's newest messages the check reads back, by default. */
export const DEFAULT_REDELIVER_SCAN_LIMIT = 1_000;
/** Skew allowed between our clock and Webex's `created` (as in deliver-batch.ts). */
const CLOCK_SKEW_MS = 5 * 60_000;
const PAGE_SIZE = 100;

/** Exactly one of `eventId` or `state`; `since` only with `state`. Validated by the gateway. */
export interface RedeliverRequest {
  eventId?: string;
  state?: RedeliverState;
  /** With `state`: only events that reached it at or after this time (ISO 8601). */
  since?: string;
  dryRun: boolean;
  /** Allows redelivering a delivered event (`eventId` only). */
  force: boolean;
}

export interface RedeliverResult {
  dryRun: boolean;
  /** Re-queued (a dry run: would be), in the order they will be posted. */
  requeued: string[];
  /**
   * Their whole message is already in the room, so the exactly-once check does not post them
   * again; a real run records a failed or dropped one as delivered with the message ids found.
   */
  skippedAlreadyInRoom: string[];
  refused: { eventId: string; reason: string }[];
  /** More events matched than one call handles (MAX_REDELIVER_EVENTS): run it again. */
  more: boolean;
}

export interface RedeliverInput {
  accountId: string;
  request: RedeliverRequest;
  accessToken: string;
  roomId: string;
  /** The connected Webex user: our posts carry this personId. */
  personId: string;
}

interface Candidate {
  record: EventRecord;
  parts: string[];
  /** A BILL engagement digest: looked for in the BILL Engagement space, not Billsby Data. */
  digest: boolean;
}

export async function redeliverEvents(
  log: EventLog,
  client: WebexClient,
  input: RedeliverInput,
  scanLimit: number,
): Promise<RedeliverResult> {
  const { accountId, request } = input;
  const result: RedeliverResult = {
    dryRun: request.dryRun,
    requeued: [],
    skippedAlreadyInRoom: [],
    refused: [],
    more: false,
  };
  const refuse = (eventId: string, reason: string) => result.refused.push({ eventId, reason });

  let records: EventRecord[];
  if (request.eventId !== undefined) {
    const record = await log.get(accountId, request.eventId);
    if (!record) refuse(request.eventId, `there is no event ${request.eventId} in this account's log`);
    records = record ? [record] : [];
  } else {
    const state = request.state ?? 'failed';
    records = await log.select(accountId, { state, since: request.since, limit: MAX_REDELIVER_EVENTS + 1 });
    result.more = records.length > MAX_REDELIVER_EVENTS;
    records = records.slice(0, MAX_REDELIVER_EVENTS);
  }

  const eligible: EventRecord[] = [];
  for (const record of records) {
    const reason = refusal(record, request.force);
    if (reason) refuse(record.eventId, reason);
    else eligible.push(record);
  }
  const payloads = await log.readPayloads(
    accountId,
    eligible.map((r) => r.eventId),
  );
  const candidates: Candidate[] = [];
  const changes: RedeliveryChange[] = [];
  for (const record of eligible) {
    const payload = payloads.get(record.eventId);
    if (!payload) refuse(record.eventId, erasedReason(record.eventId));
    else if (isPublicEvent(payload)) {
      // A public webhook never filled was never posted (filling comes first): nothing to look for.
      result.requeued.push(record.eventId);
      const from = record.state as RedeliveryChange['from'];
      changes.push({ eventId: record.eventId, from, to: 'queued', messageIds: [] });
    } else {
      const postable = payload as PostableEvent;
      candidates.push({ record, parts: messagesOf(postable), digest: isDigestEvent(postable) });
    }
  }

  const inRoom = await findInRoom(
    client,
    input,
    candidates.filter((c) => !c.digest),
    scanLimit,
  );
  const digests = candidates.filter((c) => c.digest);
  if (digests.length > 0) {
    // Without a BILL Engagement space of the user's, no digest can be in one: they are re-queued.
    const room = await findOwnedRoom(client, { ...input, title: ENGAGEMENT_ROOM_TITLE });
    if (room) {
      const found = await findInRoom(client, { ...input, roomId: room.id }, digests, scanLimit);
      for (const [eventId, ids] of found) inRoom.set(eventId, ids);
    }
  }
  for (const { record, parts } of candidates) {
    const found = inRoom.get(record.eventId) ?? [];
    const from = record.state as RedeliveryChange['from'];
    if (found.length === parts.length) {
      result.skippedAlreadyInRoom.push(record.eventId);
      if (from !== 'delivered')
        changes.push({ eventId: record.eventId, from, to: 'delivered', messageIds: found });
    } else {
      result.requeued.push(record.eventId);
      // The parts already in the room are kept: delivery goes on from the first missing one.
      changes.push({ eventId: record.eventId, from, to: 'queued', messageIds: found });
    }
  }
  if (request.dryRun || changes.length === 0) return result;

  const outcomes = await log.redeliver(accountId, changes, new Date().toISOString());
  const notApplied = new Set<string>();
  for (const outcome of outcomes) {
    if (outcome.applied) continue;
    notApplied.add(outcome.eventId);
    refuse(
      outcome.eventId,
      outcome.state === null
        ? `event ${outcome.eventId} is no longer in the log`
        : `event ${outcome.eventId} changed meanwhile (now ${outcome.state}), or the account was uninstalled; nothing was changed`,
    );
  }
  result.requeued = result.requeued.filter((id) => !notApplied.has(id));
  result.skippedAlreadyInRoom = result.skippedAlreadyInRoom.filter((id) => !notApplied.has(id));
  return result;
}

function refusal(record: EventRecord, force: boolean): string | null {
  const id = record.eventId;
  if (record.state === 'queued') return `event ${id} is already queued for delivery`;
  if (record.state === 'delivered' && !force) {
    return (
      `event ${id} was already delivered at ${record.deliveredAt ?? record.updatedAt}` +
      `${record.messageIds.length ? ` (Webex message ${record.messageIds.join(', ')})` : ''}; ` +
      'redeliver it with --force (API: "force": true) to post it again'
    );
  }
  if (record.payloadErasedAt) return erasedReason(id, record.payloadErasedAt);
  return null;
}

const erasedReason = (id: string, at?: string) =>
  `the payload of event ${id} was erased${at ? ` at ${at}` : ''} (retention or the customer's request): there is nothing to post`;

/**
 * For each candidate that may have posted (an attempt was begun, or parts were recorded), the ids
 * of its leading parts found in the room: a recorded message id counts when that message is
 * still there; an unrecorded part counts when a message of ours with exactly its text, posted
 * no earlier than the event's first attempt (less the clock skew) and after the previous part,
 * is there and not already taken by another event. Reads back at most `scanLimit` messages,
 * newest first, stopping at the oldest time any candidate could have posted.
 */
async function findInRoom(
  client: WebexClient,
  input: RedeliverInput,
  candidates: Candidate[],
  scanLimit: number,
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const maybePosted = candidates.filter((c) => c.record.attempts > 0 || c.record.messageIds.length > 0);
  if (maybePosted.length === 0) return found;
  const notBefore = (r: EventRecord) =>
    new Date(Date.parse(r.firstAttemptAt ?? r.receivedAt) - CLOCK_SKEW_MS).toISOString();
  const oldest = maybePosted.map((c) => notBefore(c.record)).sort()[0]!;

  const messages: WebexMessageSummary[] = [];
  let before: string | undefined;
  while (messages.length < scanLimit) {
    const max = Math.min(PAGE_SIZE, scanLimit - messages.length);
    const page = await client.listMessages(input.accessToken, input.roomId, { max, beforeMessage: before });
    messages.push(...page);
    const last = page[page.length - 1];
    if (!last || page.length < max || last.created < oldest) break;
    before = last.id;
  }

  const byId = new Map(messages.map((m) => [m.id, m]));
  const oldestFirst = [...messages].reverse();
  // A recorded id belongs to its event; text matches never take it for another one.
  const taken = new Set(maybePosted.flatMap((c) => c.record.messageIds));
  for (const { record, parts } of maybePosted) {
    const ids: string[] = [];
    let after = notBefore(record);
    for (let part = 0; part < parts.length; part++) {
      const recorded = record.messageIds[part];
      const message =
        recorded !== undefined
          ? byId.get(recorded)
          : oldestFirst.find(
              (m) =>
                !taken.has(m.id) &&
                m.personId === input.personId &&
                m.text === parts[part] &&
                m.created >= after,
            );
      if (!message) break;
      taken.add(message.id);
      ids.push(message.id);
      after = message.created;
    }
    found.set(record.eventId, ids);
  }
  return found;
}
