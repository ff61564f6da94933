import type { PayloadCipher } from './payload-cipher';
import {
  BEFORE_ATTEMPT_COLUMNS,
  RECORD_COLUMNS,
  checkCount,
  checkMessageIds,
  finishedByValues,
  toRecord,
  type EventRow,
  type PayloadRow,
} from './rows';
import type { SqliteConnection } from './sqlite-connection';
import type { DeliveredBy, EventRecord, QueuedEvent, QueuedRef } from './types';

/**
 * The SQLite engine's side of a delivery: reading an account's queue, claiming an attempt,
 * recording posted parts, and finishing an event as delivered or failed with its counters.
 */

/**
 * finishIn()'s arguments: the event, its final state and when, the state's own columns to set, and
 * the run that finished it.
 */
type FinishArgs = [
  accountId: string,
  seq: number,
  state: 'delivered' | 'failed',
  at: string,
  set: string,
  values: unknown[],
  by: DeliveredBy | undefined,
];

export function peekQueued(db: SqliteConnection, accountId: string, limit: number): QueuedRef[] {
  checkCount('limit', limit);
  return db
    .q<[string, number], QueuedRef>(
      `SELECT seq, event_id AS eventId, type FROM events
         WHERE account_id = ? AND state = 'queued' ORDER BY seq LIMIT ?`,
    )
    .all(accountId, limit);
}

export function readQueued(
  db: SqliteConnection,
  cipher: PayloadCipher,
  accountId: string,
  fromSeq: number,
  toSeq: number,
): QueuedEvent[] {
  const rows = db
    .q<[string, number, number], PayloadRow>(
      `SELECT ${RECORD_COLUMNS}, payload, payload_key_id FROM events
         WHERE account_id = ? AND state = 'queued' AND seq BETWEEN ? AND ? ORDER BY seq`,
    )
    .all(accountId, fromSeq, toSeq);
  return rows.map((row) => ({
    ...toRecord(row),
    payload: cipher.open(accountId, row.event_id, { payload: row.payload, keyId: row.payload_key_id }),
  }));
}

export function beginAttempt(
  db: SqliteConnection,
  accountId: string,
  seq: number,
  at: string,
): EventRecord | null {
  const row = db.write(() => claim(db, accountId, seq, at));
  return row ? toRecord(row) : null;
}

export function markDeliveredAndBegin(
  db: SqliteConnection,
  accountId: string,
  delivered: { seq: number; messageIds: string[]; at: string; by?: DeliveredBy },
  next: { seq: number; at: string },
): EventRecord | null {
  const ids = checkMessageIds(delivered.messageIds);
  const { seq, at, by } = delivered;
  const row = db.write(() => {
    finishIn(db, accountId, seq, 'delivered', at, 'message_ids = ?, delivered_at = ?', [ids, at], by);
    return claim(db, accountId, next.seq, next.at);
  });
  return row ? toRecord(row) : null;
}

export function lastMessageIdBefore(db: SqliteConnection, accountId: string, seq: number): string | null {
  const ids = db
    .q<[string, number], string>(
      `SELECT message_ids FROM events WHERE account_id = ? AND seq < ? AND message_ids <> '[]'
         ORDER BY seq DESC LIMIT 1`,
    )
    .pluck()
    .get(accountId, seq);
  return ids === undefined ? null : ((JSON.parse(ids) as string[]).at(-1) ?? null);
}

export function recordParts(
  db: SqliteConnection,
  accountId: string,
  seq: number,
  messageIds: string[],
): void {
  const ids = checkMessageIds(messageIds);
  db.write(() =>
    db
      .q("UPDATE events SET message_ids = ? WHERE account_id = ? AND seq = ? AND state = 'queued'")
      .run(ids, accountId, seq),
  );
}

export function markDelivered(
  db: SqliteConnection,
  accountId: string,
  seq: number,
  messageIds: string[],
  at: string,
  by?: DeliveredBy,
): void {
  const ids = checkMessageIds(messageIds);
  db.write(() =>
    finishIn(db, accountId, seq, 'delivered', at, 'message_ids = ?, delivered_at = ?', [ids, at], by),
  );
}

export function markFailed(
  db: SqliteConnection,
  accountId: string,
  seq: number,
  reason: string,
  at: string,
  by?: DeliveredBy,
): void {
  db.write(() => finishIn(db, accountId, seq, 'failed', at, 'last_error = ?', [reason], by));
}

/** queued → a final state, with the account's counters, inside the caller's write transaction. */
function finishIn(db: SqliteConnection, ...[accountId, seq, state, at, set, values, by]: FinishArgs): void {
  const { changes } = db
    .q(
      `UPDATE events SET state = ?, updated_at = ?, ${set}, finished_by_workflow_id = ?, finished_by_run_id = ?
       WHERE account_id = ? AND seq = ? AND state = 'queued'`,
    )
    .run(state, at, ...values, ...finishedByValues(by), accountId, seq);
  if (changes === 0) return;
  db.q(
    `UPDATE accounts SET queued = queued - 1, ${state} = ${state} + 1, updated_at = ? WHERE account_id = ?`,
  ).run(at, accountId);
}

/** beginAttempt's claim, inside the caller's write transaction: the row as it was before it. */
function claim(db: SqliteConnection, accountId: string, seq: number, at: string): EventRow | undefined {
  return db
    .q<[{ at: string; accountId: string; seq: number }], EventRow>(
      `UPDATE events
       SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @at), last_attempt_at = @at
       WHERE account_id = @accountId AND seq = @seq AND state = 'queued' RETURNING ${BEFORE_ATTEMPT_COLUMNS}`,
    )
    .get({ at, accountId, seq });
}
