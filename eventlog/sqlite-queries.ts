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
import type { SqliteConnection } from './sqlite-connection';
import type {
  DeliveryState,
  DeliverySummary,
  EventRecord,
  EventState,
  LoggedEvent,
  LogCounts,
} from './types';

const IGNORED = IGNORED_RECORD_COLUMNS('sqlite');

/**
 * The SQLite engine's reads for the CLI, the Web UI, metrics and redelivery: one event, an
 * account's events by state, its counters, the summary over every account, and stored payloads.
 */

export function get(db: SqliteConnection, accountId: string, eventId: string): EventRecord | null {
  const row =
    db
      .q<[string, string], EventRow>(
        `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = ? AND event_id = ?`,
      )
      .get(accountId, eventId) ??
    db
      .q<[string, string], EventRow>(
        `SELECT ${IGNORED} FROM ignored_events WHERE account_id = ? AND event_id = ?`,
      )
      .get(accountId, eventId);
  return row ? toRecord(row) : null;
}

/**
 * Without a state, the newest of both tables by seq: each side's newest `limit` (read backwards on
 * its primary key), merged, so neither table is scanned whole.
 */
const LIST_ALL = `
  SELECT * FROM (SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = @accountId ORDER BY seq DESC LIMIT @limit)
  UNION ALL
  SELECT * FROM (SELECT ${IGNORED} FROM ignored_events WHERE account_id = @accountId ORDER BY seq DESC LIMIT @limit)
  ORDER BY seq DESC LIMIT @limit`;

export function list(
  db: SqliteConnection,
  accountId: string,
  options: { state?: EventState; limit: number },
): EventRecord[] {
  checkCount('limit', options.limit);
  const { state, limit } = options;
  const rows =
    state === undefined
      ? db.q<[{ accountId: string; limit: number }], EventRow>(LIST_ALL).all({ accountId, limit })
      : state === 'ignored'
        ? db
            .q<[string, number], EventRow>(
              `SELECT ${IGNORED} FROM ignored_events WHERE account_id = ? ORDER BY seq DESC LIMIT ?`,
            )
            .all(accountId, limit)
        : db
            .q<[string, string, number], EventRow>(
              `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = ? AND state = ?
                 ORDER BY seq ${state === 'queued' ? 'ASC' : 'DESC'} LIMIT ?`,
            )
            .all(accountId, state, limit);
  return rows.map(toRecord);
}

export function counts(db: SqliteConnection, accountId: string): LogCounts {
  const row = db
    .q<[string], CountsRow>(`SELECT ${COUNTS_COLUMNS} FROM accounts WHERE account_id = ?`)
    .get(accountId);
  return toCounts(row);
}

export function deliverySummary(db: SqliteConnection): DeliverySummary {
  return toDeliverySummary(db.q<[], SummaryRow>(deliverySummarySql('sqlite')).get());
}

export function accountsWithQueued(db: SqliteConnection, limit: number): string[] {
  checkCount('limit', limit);
  return db
    .q<[number], string>(
      'SELECT account_id FROM accounts WHERE active = 1 AND queued > 0 ORDER BY account_id LIMIT ?',
    )
    .pluck()
    .all(limit);
}

/**
 * accountsToWake: each backlogged account's queue head. Only accounts whose counter says they have
 * queued events are visited, and each costs one probe of the (account_id, state, seq) index for
 * its head's seq, then one of the primary key: the events table is never scanned. (SQLite has no
 * LATERAL join; PostgreSQL's statement is the same query written with one.)
 */
const ACCOUNTS_TO_WAKE = `
  SELECT a.account_id
  FROM accounts a
  JOIN events head ON head.account_id = a.account_id AND head.seq = (
    SELECT e.seq FROM events e WHERE e.account_id = a.account_id AND e.state = 'queued' ORDER BY e.seq LIMIT 1)
  WHERE a.active = 1 AND a.queued > 0
    AND head.updated_at < @before AND (head.last_attempt_at IS NULL OR head.last_attempt_at < @before)
  ORDER BY head.updated_at, a.account_id
  LIMIT @limit`;

export function accountsToWake(
  db: SqliteConnection,
  options: { stalledBefore: string; limit: number },
): string[] {
  checkCount('limit', options.limit);
  return db
    .q<[{ before: string; limit: number }], string>(ACCOUNTS_TO_WAKE)
    .pluck()
    .all({ before: isoTime('stalledBefore', options.stalledBefore), limit: options.limit });
}

export function select(
  db: SqliteConnection,
  accountId: string,
  options: { state: DeliveryState; since?: string; limit: number },
): EventRecord[] {
  checkCount('limit', options.limit);
  return db
    .q<[string, string, string, number], EventRow>(
      `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = ? AND state = ? AND updated_at >= ?
         ORDER BY seq LIMIT ?`,
    )
    .all(accountId, options.state, isoOrEmpty(options.since), options.limit)
    .map(toRecord);
}

export function readPayloads(
  db: SqliteConnection,
  cipher: PayloadCipher,
  accountId: string,
  eventIds: string[],
): Map<string, LoggedEvent> {
  const read = db.q<[string, string], { payload: Buffer; payload_key_id: string }>(
    'SELECT payload, payload_key_id FROM events WHERE account_id = ? AND event_id = ? AND payload_erased_at IS NULL',
  );
  const payloads = new Map<string, LoggedEvent>();
  for (const eventId of new Set(eventIds)) {
    const row = read.get(accountId, eventId);
    if (row)
      payloads.set(
        eventId,
        cipher.open(accountId, eventId, { payload: row.payload, keyId: row.payload_key_id }),
      );
  }
  return payloads;
}
