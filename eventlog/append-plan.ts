import type { SealedEvent } from './payload-cipher';
import type { AppendOutcome, AppendRequest } from './types';

/**
 * The decisions of one append call, shared by both engines so their answers cannot drift apart.
 * The engine reads the (locked) accounts and which ids the log already has, this plans the
 * outcomes, rows and counter changes, and the engine writes them in the same transaction.
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

/** New values for one account row: next_seq is absolute, the rest are increments. */
export interface AccountDelta {
  accountId: string;
  nextSeq: number;
  received: number;
  duplicates: number;
  queued: number;
}

export interface AppendPlan {
  outcomes: AppendOutcome[];
  rows: PlannedRow[];
  deltas: AccountDelta[];
}

export const eventKey = (accountId: string, eventId: string) => `${accountId}\0${eventId}`;

/** Distinct account ids in a stable order (the lock order, so two writers cannot deadlock). */
export function accountsOf(requests: AppendRequest[]): string[] {
  return [...new Set(requests.map((r) => r.accountId))].sort();
}

export function planAppend(
  requests: AppendRequest[],
  sealed: SealedEvent[],
  accounts: Map<string, AccountState>,
  logged: Set<string>,
  maxUndelivered: number,
): AppendPlan {
  const outcomes: AppendOutcome[] = [];
  const rows: PlannedRow[] = [];
  const deltas = new Map<string, AccountDelta>();
  // Ids accepted earlier in this call; a rejected (backlog_full) id is not, so its repeat is
  // judged afresh (and is rejected the same way, since the backlog only grows within a call).
  const accepted = new Set<string>();

  requests.forEach(({ accountId, event }, index) => {
    const account = accounts.get(accountId);
    // Unknown or uninstalled: nothing stored and no counter moves, not even duplicates.
    if (!account?.active) return outcomes.push({ status: 'not_found' });
    let delta = deltas.get(accountId);
    if (!delta) {
      delta = { accountId, nextSeq: account.nextSeq, received: 0, duplicates: 0, queued: 0 };
      deltas.set(accountId, delta);
    }
    const key = eventKey(accountId, event.Id);
    // A duplicate is answered even when the backlog is full: the event is already safe.
    if (logged.has(key) || accepted.has(key)) {
      delta.duplicates += 1;
      return outcomes.push({ status: 'duplicate' });
    }
    const undelivered = account.queued + delta.queued;
    if (undelivered >= maxUndelivered) return outcomes.push({ status: 'backlog_full', undelivered });
    const seq = delta.nextSeq;
    delta.nextSeq += 1;
    delta.received += 1;
    delta.queued += 1;
    accepted.add(key);
    rows.push({ accountId, seq, eventId: event.Id, type: event.Type, sealed: sealed[index]! });
    return outcomes.push({ status: 'accepted', seq });
  });

  const changed = [...deltas.values()].filter((d) => d.received > 0 || d.duplicates > 0);
  return { outcomes, rows, deltas: changed };
}
