import type { DeliveredBy, DeliverySummary, EventRecord, EventState, LogCounts } from './types';

/**
 * Row shapes shared by both engines. Each engine hands back numbers as numbers and times as ISO
 * strings (PostgreSQL's are converted by its type parsers), so one mapping serves both.
 */

/** The columns of an EventRecord, in the order both engines select them. */
export const RECORD_COLUMNS =
  'event_id, type, state, seq, received_at, delivered_at, message_ids, attempts, first_attempt_at, last_error, updated_at, ' +
  'payload_erased_at, finished_by_workflow_id, finished_by_run_id';

/**
 * RECORD_COLUMNS computed from an ignored_events row: state `ignored`, its reason as lastError,
 * never attempted nor delivered, updatedAt its receivedAt, no payload to erase. The casts give
 * PostgreSQL each column's type when this branch stands alone; in a UNION with events they match.
 */
export const IGNORED_RECORD_COLUMNS = (engine: 'sqlite' | 'postgres') => {
  const [time, text] = engine === 'postgres' ? ['::timestamptz', '::text'] : ['', ''];
  return (
    `event_id, type, 'ignored'${text} AS state, seq, received_at, NULL${time} AS delivered_at, '[]'${text} AS message_ids, ` +
    `0 AS attempts, NULL${time} AS first_attempt_at, reason AS last_error, received_at AS updated_at, ` +
    `NULL${time} AS payload_erased_at, NULL${text} AS finished_by_workflow_id, NULL${text} AS finished_by_run_id`
  );
};

/** The columns of the accounts row that counts() reads. */
export const COUNTS_COLUMNS = 'received, delivered, duplicates, queued, failed, dropped, ignored';

export interface EventRow {
  event_id: string;
  type: string;
  state: string;
  seq: number;
  received_at: string;
  delivered_at: string | null;
  message_ids: string;
  attempts: number;
  first_attempt_at: string | null;
  last_error: string | null;
  updated_at: string;
  payload_erased_at: string | null;
  finished_by_workflow_id: string | null;
  finished_by_run_id: string | null;
}

export interface PayloadRow extends EventRow {
  payload: Buffer;
  payload_key_id: string;
}

export interface CountsRow {
  received: number;
  delivered: number;
  duplicates: number;
  queued: number;
  failed: number;
  dropped: number;
  ignored: number;
}

export function toRecord(row: EventRow): EventRecord {
  return {
    eventId: row.event_id,
    type: row.type,
    state: row.state as EventState,
    seq: Number(row.seq),
    receivedAt: row.received_at,
    deliveredAt: row.delivered_at,
    messageIds: JSON.parse(row.message_ids) as string[],
    attempts: Number(row.attempts),
    firstAttemptAt: row.first_attempt_at,
    lastError: row.last_error,
    updatedAt: row.updated_at,
    payloadErasedAt: row.payload_erased_at ?? null,
    deliveredBy:
      row.finished_by_workflow_id && row.finished_by_run_id
        ? { workflowId: row.finished_by_workflow_id, runId: row.finished_by_run_id }
        : null,
  };
}

export function toCounts(row: CountsRow | undefined): LogCounts {
  return {
    received: Number(row?.received ?? 0),
    delivered: Number(row?.delivered ?? 0),
    duplicates: Number(row?.duplicates ?? 0),
    pending: Number(row?.queued ?? 0),
    failed: Number(row?.failed ?? 0),
    dropped: Number(row?.dropped ?? 0),
    ignored: Number(row?.ignored ?? 0),
  };
}

/** Limits and sequence numbers come from callers; reject nonsense rather than scan everything. */
export function checkCount(name: string, value: number, min = 1): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min} (got ${value})`);
  }
}

/**
 * The finished_by_workflow_id and finished_by_run_id values of a finish: both ids, or both null
 * when the caller did not say which run finished the event or knows only half of it (a half-known
 * run would be misleading). An unknown run never fails the finish: the delivery matters more.
 */
export function finishedByValues(by: DeliveredBy | undefined): [string | null, string | null] {
  if (by === undefined) return [null, null];
  if (typeof by?.workflowId !== 'string' || typeof by?.runId !== 'string') {
    throw new TypeError('by must be { workflowId, runId } (two strings)');
  }
  return by.workflowId && by.runId ? [by.workflowId, by.runId] : [null, null];
}

export function checkMessageIds(messageIds: string[]): string {
  if (!Array.isArray(messageIds) || messageIds.some((id) => typeof id !== 'string')) {
    throw new TypeError('messageIds must be an array of strings');
  }
  return JSON.stringify(messageIds);
}

/**
 * RECORD_COLUMNS as they were before a claimed attempt, computed from the claimed row in a
 * RETURNING clause: the claim added 1 to attempts and set first_attempt_at only on the first one
 * (nothing else sets it, so it is null exactly when attempts was 0).
 */
export const BEFORE_ATTEMPT_COLUMNS =
  'event_id, type, state, seq, received_at, delivered_at, message_ids, attempts - 1 AS attempts, ' +
  'CASE WHEN attempts = 1 THEN NULL ELSE first_attempt_at END AS first_attempt_at, last_error, updated_at, ' +
  'payload_erased_at, finished_by_workflow_id, finished_by_run_id';

/** payload_key_id of a row whose payload was erased (the payload itself is then empty). */
export const ERASED_KEY_ID = 'erased';

/** Both engines' deliverySummary() row: sums of the accounts' counters and the oldest queue head. */
export interface SummaryRow {
  queued: number | null;
  delivered: number | null;
  failed: number | null;
  dropped: number | null;
  accounts: number | null;
  oldest: string | null;
}

/**
 * Sums the accounts' counters; the oldest queued event is each account's queue head (its first
 * seq, found by the (account_id, state, seq) index), so no scan of the events table is needed.
 */
export function deliverySummarySql(engine: 'sqlite' | 'postgres'): string {
  // PostgreSQL's SUM of bigint is numeric (a string in node-postgres): cast to bigint, parsed as a number.
  const sum = (expr: string) => (engine === 'postgres' ? `SUM(${expr})::bigint` : `SUM(${expr})`);
  return `
  SELECT ${sum('queued')} AS queued, ${sum('delivered')} AS delivered, ${sum('failed')} AS failed,
    ${sum('dropped')} AS dropped, ${sum('CASE WHEN queued > 0 THEN 1 ELSE 0 END')} AS accounts,
    (SELECT MIN((SELECT e.updated_at FROM events e
                 WHERE e.account_id = a.account_id AND e.state = 'queued' ORDER BY e.seq LIMIT 1))
       FROM accounts a WHERE a.queued > 0) AS oldest
  FROM accounts`;
}

export function toDeliverySummary(row: SummaryRow | undefined): DeliverySummary {
  return {
    byState: {
      queued: Number(row?.queued ?? 0),
      delivered: Number(row?.delivered ?? 0),
      failed: Number(row?.failed ?? 0),
      dropped: Number(row?.dropped ?? 0),
    },
    accountsWithQueued: Number(row?.accounts ?? 0),
    oldestQueuedAt: row?.oldest ?? null,
  };
}

/**
 * A caller's time as both engines compare it (`toISOString()`, which sorts as text on SQLite).
 * Throws on a value that is not a time, rather than compare against garbage.
 */
export function isoTime(name: string, value: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a date-time (ISO 8601)`);
  return new Date(ms).toISOString();
}

/** The time every write stores (ISO text on SQLite, timestamptz on PostgreSQL). */
export const now = (): string => new Date().toISOString();
