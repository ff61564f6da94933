import type { Pool } from 'pg';
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
import { inTransaction, lockAccount } from './postgres-connection';
import { FINISH } from './sql/postgres-statements';
import type { DeliveredBy, EventRecord, QueuedEvent, QueuedRef } from './types';

/**
 * The PostgreSQL engine's side of a delivery: reading an account's queue, claiming an attempt,
 * recording posted parts, and finishing an event as delivered or failed with its counters.
 */

/** beginAttempt's claim ($1 account, $2 seq, $3 at): the row as it was before it. */
const CLAIM = `UPDATE events
  SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $3), last_attempt_at = $3
  WHERE account_id = $1 AND seq = $2 AND state = 'queued' RETURNING ${BEFORE_ATTEMPT_COLUMNS}`;

export async function peekQueued(pool: Pool, accountId: string, limit: number): Promise<QueuedRef[]> {
  checkCount('limit', limit);
  const { rows } = await pool.query<QueuedRef>(
    `SELECT seq, event_id AS "eventId", type FROM events
     WHERE account_id = $1 AND state = 'queued' ORDER BY seq LIMIT $2`,
    [accountId, limit],
  );
  return rows;
}

export async function readQueued(
  pool: Pool,
  cipher: PayloadCipher,
  accountId: string,
  fromSeq: number,
  toSeq: number,
): Promise<QueuedEvent[]> {
  const { rows } = await pool.query<PayloadRow>(
    `SELECT ${RECORD_COLUMNS}, payload, payload_key_id FROM events
     WHERE account_id = $1 AND state = 'queued' AND seq BETWEEN $2 AND $3 ORDER BY seq`,
    [accountId, fromSeq, toSeq],
  );
  return rows.map((row) => ({
    ...toRecord(row),
    payload: cipher.open(accountId, row.event_id, { payload: row.payload, keyId: row.payload_key_id }),
  }));
}

export async function beginAttempt(
  pool: Pool,
  accountId: string,
  seq: number,
  at: string,
): Promise<EventRecord | null> {
  const { rows } = await pool.query<EventRow>(CLAIM, [accountId, seq, at]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function markDeliveredAndBegin(
  pool: Pool,
  accountId: string,
  delivered: { seq: number; messageIds: string[]; at: string; by?: DeliveredBy },
  next: { seq: number; at: string },
): Promise<EventRecord | null> {
  const ids = checkMessageIds(delivered.messageIds);
  const by = finishedByValues(delivered.by);
  const row = await inTransaction(pool, async (c) => {
    await lockAccount(c, accountId);
    await c.query(FINISH.delivered, [accountId, delivered.seq, delivered.at, ids, ...by]);
    return (await c.query<EventRow>(CLAIM, [accountId, next.seq, next.at])).rows[0];
  });
  return row ? toRecord(row) : null;
}

export async function lastMessageIdBefore(
  pool: Pool,
  accountId: string,
  seq: number,
): Promise<string | null> {
  const { rows } = await pool.query<{ message_ids: string }>(
    `SELECT message_ids FROM events WHERE account_id = $1 AND seq < $2 AND message_ids <> '[]'
       ORDER BY seq DESC LIMIT 1`,
    [accountId, seq],
  );
  return rows[0] ? ((JSON.parse(rows[0].message_ids) as string[]).at(-1) ?? null) : null;
}

export async function recordParts(
  pool: Pool,
  accountId: string,
  seq: number,
  messageIds: string[],
): Promise<void> {
  await pool.query(
    "UPDATE events SET message_ids = $3 WHERE account_id = $1 AND seq = $2 AND state = 'queued'",
    [accountId, seq, checkMessageIds(messageIds)],
  );
}

export async function markDelivered(
  pool: Pool,
  accountId: string,
  seq: number,
  messageIds: string[],
  at: string,
  by?: DeliveredBy,
): Promise<void> {
  const ids = checkMessageIds(messageIds);
  await finish(pool, FINISH.delivered, [accountId, seq, at, ids, ...finishedByValues(by)]);
}

export async function markFailed(
  pool: Pool,
  accountId: string,
  seq: number,
  reason: string,
  at: string,
  by?: DeliveredBy,
): Promise<void> {
  await finish(pool, FINISH.failed, [accountId, seq, at, reason, ...finishedByValues(by)]);
}

/** queued → delivered/failed: the account row is locked first, like closeAccount does. */
async function finish(pool: Pool, sql: string, values: [string, ...unknown[]]): Promise<void> {
  await inTransaction(pool, async (c) => {
    await lockAccount(c, values[0]);
    await c.query(sql, values);
  });
}
