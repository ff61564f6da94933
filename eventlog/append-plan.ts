import type { PayloadCipher, SealedEvent } from './payload-cipher';
import type { AppendOutcome, AppendRequest } from './types';

/**
 * The decisions of one append call, shared by both engines so their answers cannot drift apart.
 * The engine reads the (locked) accounts, which ids the log already has (events and ignored
 * events alike) and which once keys it already holds; this plans the outcomes, rows and counter
 * changes, and the engine writes them in the same transaction.
 */

export interface AccountState {
  active: boolean;
  nextSeq: number;
  queued: number;
}

export interface PlannedRow {
  accountId: string;
  seq: number;
  eventId: string;
  type: string;
  sealed: SealedEvent;
}

/** A webhook kept by id and reason only (an ignored request, or a repeated once key). */
export interface PlannedIgnored {
  accountId: string;
  seq: number;
  eventId: string;
  type: string;
  reason: string;
}

/** A once key taken by an accepted event (stored as its tag, never in clear). */
export interface PlannedOnceKey {
  accountId: string;
  keyTag: string;
  eventId: string;
}

/** New values for one account row: next_seq is absolute, the rest are increments. */
export interface AccountDelta {
  accountId: string;
  nextSeq: number;
  received: number;
  duplicates: number;
  queued: number;
  ignored: number;
}

export interface AppendPlan {
  outcomes: AppendOutcome[];
  rows: PlannedRow[];
  ignored: PlannedIgnored[];
  onceKeys: PlannedOnceKey[];
  deltas: AccountDelta[];
}

/**
 * What the engine prepared for each request before its transaction (crypto stays out of locks):
 * the sealed event (null for an ignored request) and its once key's tag under the current key
 * (null without a once key).
 */
export interface PreparedRequest {
  sealed: SealedEvent | null;
  onceTag: string | null;
}

/** What the log already holds, as the engine read it under the accounts' locks. */
export interface LoggedState {
  /** eventKey(accountId, eventId) of every id in events or ignored_events. */
  ids: Set<string>;
  /** onceKeyOf(accountId, onceKey) → the id of the event that took it. */
  onceKeys: Map<string, string>;
}

export const eventKey = (accountId: string, eventId: string) => `${accountId}\0${eventId}`;
export const onceKeyOf = (accountId: string, onceKey: string) => `${accountId}\0${onceKey}`;

/** The event id a request carries, whichever its kind. */
export const requestEventId = (r: AppendRequest): string => ('ignored' in r ? r.ignored.eventId : r.event.Id);

/**
 * The reason kept for an event whose once key was already taken. It names the first event, never
 * the key itself (an invoice number embeds a customer id and the reason is shown in clear).
 */
export const repeatedOnceKeyReason = (firstEventId: string) =>
  `a further Paid update of an invoice already announced by event ${firstEventId}: nothing to post`;

/** A once key's tag to look up: `once` is the onceKeyOf() the found row answers for. */
export interface OnceKeyLookup {
  accountId: string;
  keyTag: string;
  once: string;
}

/**
 * Seals each event and tags each once key, before the transaction. The lookups hold every
 * configured key's tag (a key taken before a key rotation was stored under the older key's tag).
 */
export function prepareRequests(
  cipher: PayloadCipher,
  requests: AppendRequest[],
): { prepared: PreparedRequest[]; lookups: OnceKeyLookup[] } {
  const lookups: OnceKeyLookup[] = [];
  const prepared = requests.map((r): PreparedRequest => {
    if ('ignored' in r) return { sealed: null, onceTag: null };
    const sealed = cipher.sealEvent(r.accountId, r.event);
    if (!r.onceKey) return { sealed, onceTag: null };
    const tags = cipher.onceKeyTags(r.accountId, r.onceKey);
    const once = onceKeyOf(r.accountId, r.onceKey);
    for (const keyTag of tags) lookups.push({ accountId: r.accountId, keyTag, once });
    return { sealed, onceTag: tags[0]! };
  });
  return { prepared, lookups };
}

/** Distinct account ids in a stable order (the lock order, so two writers cannot deadlock). */
export function accountsOf(requests: AppendRequest[]): string[] {
  return [...new Set(requests.map((r) => r.accountId))].sort();
}

export function planAppend(
  requests: AppendRequest[],
  prepared: PreparedRequest[],
  accounts: Map<string, AccountState>,
  logged: LoggedState,
  maxUndelivered: number,
): AppendPlan {
  const plan: AppendPlan = { outcomes: [], rows: [], ignored: [], onceKeys: [], deltas: [] };
  const deltas = new Map<string, AccountDelta>();
  // Ids stored earlier in this call (accepted or ignored); a rejected (backlog_full) id is not, so
  // its repeat is judged afresh (and is rejected the same way, since the backlog only grows).
  const stored = new Set<string>();
  // Once keys taken earlier in this call, by the id of the event that took them.
  const taken = new Map<string, string>();

  const ignore = (delta: AccountDelta, eventId: string, type: string, reason: string): AppendOutcome => {
    const seq = delta.nextSeq++;
    delta.ignored += 1;
    plan.ignored.push({ accountId: delta.accountId, seq, eventId, type, reason });
    return { status: 'ignored', seq };
  };

  const decide = (request: AppendRequest, index: number): AppendOutcome => {
    const { accountId } = request;
    const account = accounts.get(accountId);
    // Unknown or uninstalled: nothing stored and no counter moves, not even duplicates.
    if (!account?.active) return { status: 'not_found' };
    let delta = deltas.get(accountId);
    if (!delta) {
      delta = { accountId, nextSeq: account.nextSeq, received: 0, duplicates: 0, queued: 0, ignored: 0 };
      deltas.set(accountId, delta);
    }
    const eventId = requestEventId(request);
    const key = eventKey(accountId, eventId);
    // A duplicate is answered before anything else, even when the backlog is full: it is safe.
    if (logged.ids.has(key) || stored.has(key)) {
      delta.duplicates += 1;
      return { status: 'duplicate' };
    }
    // Ignored events are never queued: no backlog cap, not received.
    if ('ignored' in request) {
      stored.add(key);
      return ignore(delta, eventId, request.ignored.type, request.ignored.reason);
    }
    const { event, onceKey } = request;
    const once = onceKey ? onceKeyOf(accountId, onceKey) : null;
    const first = once === null ? undefined : (logged.onceKeys.get(once) ?? taken.get(once));
    if (first !== undefined) {
      stored.add(key);
      return ignore(delta, eventId, event.Type, repeatedOnceKeyReason(first));
    }
    const undelivered = account.queued + delta.queued;
    if (undelivered >= maxUndelivered) return { status: 'backlog_full', undelivered };
    const seq = delta.nextSeq++;
    delta.received += 1;
    delta.queued += 1;
    stored.add(key);
    const { sealed, onceTag } = prepared[index]!;
    plan.rows.push({ accountId, seq, eventId, type: event.Type, sealed: sealed! });
    if (once !== null) {
      taken.set(once, eventId);
      plan.onceKeys.push({ accountId, keyTag: onceTag!, eventId });
    }
    return { status: 'accepted', seq };
  };

  requests.forEach((request, index) => plan.outcomes.push(decide(request, index)));
  plan.deltas = [...deltas.values()].filter((d) => d.received > 0 || d.duplicates > 0 || d.ignored > 0);
  return plan;
}
