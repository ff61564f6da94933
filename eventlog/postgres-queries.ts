import type { Pool } from 'pg';
import type { PayloadCipher } from './payload-cipher';
import { isoOrEmpty } from './privacy';
import {
  COUNTS_COLUMNS,
  IGNORED_RECORD_COLUMNS,
  RECORD_COLUMNS,
  checkCount,
  deliverySummarySql,
  isoTime,
  toCounts,
  toDeliverySummary,
  toRecord,
  type CountsRow,
  type EventRow,
  type SummaryRow,
} from './rows';
import type {
  DeliveryState,
  DeliverySummary,
  EventRecord,
  EventState,
  LoggedEvent,
  LogCounts,
} from './types';

const IGNORED = IGNORED_RECORD_COLUMNS('postgres');

/**
 * The PostgreSQL engine's reads for the CLI, the Web UI, metrics and redelivery: one event, an
 * account's events by state, its counters, the summary over every account, and stored payloads.
 */

export async function get(pool: Pool, accountId: string, eventId: string): Promise<EventRecord | null> {
  const { rows } = await pool.query<EventRow>(
    `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = $1 AND event_id = $2
     UNION ALL SELECT ${IGNORED} FROM ignored_events WHERE account_id = $1 AND event_id = $2`,
    [accountId, eventId],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Without a state, the newest of both tables by seq: each side's newest `limit` (read backwards on
 * its primary key), merged, so neither table is scanned whole.
 */
const LIST_ALL = `
  (SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = $1 ORDER BY seq DESC LIMIT $2)
  UNION ALL
  (SELECT ${IGNORED} FROM ignored_events WHERE account_id = $1 ORDER BY seq DESC LIMIT $2)
  ORDER BY seq DESC LIMIT $2`;

export async function list(
  pool: Pool,
  accountId: string,
  options: { state?: EventState; limit: number },
): Promise<EventRecord[]> {
  checkCount('limit', options.limit);
  const { state, limit } = options;
  const { rows } =
    state === undefined
      ? await pool.query<EventRow>(LIST_ALL, [accountId, limit])
      : state === 'ignored'
        ? await pool.query<EventRow>(
            `SELECT ${IGNORED} FROM ignored_events WHERE account_id = $1 ORDER BY seq DESC LIMIT $2`,
            [accountId, limit],
          )
        : await pool.query<EventRow>(
            `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = $1 AND state = $2
             ORDER BY seq ${state === 'queued' ? 'ASC' : 'DESC'} LIMIT $3`,
            [accountId, state, limit],
          );
  return rows.map(toRecord);
}

export async function counts(pool: Pool, accountId: string): Promise<LogCounts> {
  const { rows } = await pool.query<CountsRow>(
    `SELECT ${COUNTS_COLUMNS} FROM accounts WHERE account_id = $1`,
    [accountId],
  );
  return toCounts(rows[0]);
}

export async function deliverySummary(pool: Pool): Promise<DeliverySummary> {
  const { rows } = await pool.query<SummaryRow>(deliverySummarySql('postgres'));
  return toDeliverySummary(rows[0]);
}

export async function accountsWithQueued(pool: Pool, limit: number): Promise<string[]> {
  checkCount('limit', limit);
  const { rows } = await pool.query<{ account_id: string }>(
    'SELECT account_id FROM accounts WHERE active AND queued > 0 ORDER BY account_id LIMIT $1',
    [limit],
  );
  return rows.map((r) => r.account_id);
}

/**
 * accountsToWake: each backlogged account's queue head ($1 stalledBefore, $2 limit). Only accounts
 * whose counter says they have queued events are visited, and each costs one probe of the
 * (account_id, state, seq) index for its head: the events table is never scanned.
 */
const ACCOUNTS_TO_WAKE = `
  SELECT a.account_id
  FROM accounts a
  CROSS JOIN LATERAL (
    SELECT e.updated_at, e.last_attempt_at FROM events e
    WHERE e.account_id = a.account_id AND e.state = 'queued'
    ORDER BY e.seq LIMIT 1
  ) head
  WHERE a.active AND a.queued > 0
    AND head.updated_at < $1 AND (head.last_attempt_at IS NULL OR head.last_attempt_at < $1)
  ORDER BY head.updated_at, a.account_id
  LIMIT $2`;

export async function accountsToWake(
  pool: Pool,
  options: { stalledBefore: string; limit: number },
): Promise<string[]> {
  checkCount('limit', options.limit);
  const { rows } = await pool.query<{ account_id: string }>(ACCOUNTS_TO_WAKE, [
    isoTime('stalledBefore', options.stalledBefore),
    options.limit,
  ]);
  return rows.map((r) => r.account_id);
}

export async function select(
  pool: Pool,
  accountId: string,
  options: { state: DeliveryState; since?: string; limit: number },
): Promise<EventRecord[]> {
  checkCount('limit', options.limit);
  const since = isoOrEmpty(options.since);
  const { rows } = await pool.query<EventRow>(
    `SELECT ${RECORD_COLUMNS} FROM events
     WHERE account_id = $1 AND state = $2 AND ($3::timestamptz IS NULL OR updated_at >= $3)
     ORDER BY seq LIMIT $4`,
    [accountId, options.state, since === '' ? null : since, options.limit],
  );
  return rows.map(toRecord);
}

export async function readPayloads(
  pool: Pool,
  cipher: PayloadCipher,
  accountId: string,
  eventIds: string[],
): Promise<Map<string, LoggedEvent>> {
  const { rows } = await pool.query<{ event_id: string; payload: Buffer; payload_key_id: string }>(
    `SELECT event_id, payload, payload_key_id FROM events
     WHERE account_id = $1 AND event_id = ANY($2::text[]) AND payload_erased_at IS NULL`,
    [accountId, [...new Set(eventIds)]],
  );
  return new Map(
    rows.map((row) => [
      row.event_id,
      cipher.open(accountId, row.event_id, { payload: row.payload, keyId: row.payload_key_id }),
    ]),
  );
}
