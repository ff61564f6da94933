/**
 * The PostgreSQL engine's multi-row statements. Arrays travel as parameters and `unnest` turns
 * them back into rows, so one append is a fixed, small number of round trips whatever its size.
 */

/** The batch's accounts, locked in a stable order (byte order, whatever the database collation). */
export const LOCK_ACCOUNTS = `
  SELECT account_id, active, next_seq, queued FROM accounts
  WHERE account_id = ANY($1::text[])
  ORDER BY account_id COLLATE "C"
  FOR UPDATE`;

/**
 * Which of the batch's (account, id) pairs the log already holds, as events or as ignored events
 * (the unique indexes answer).
 */
export const LOGGED_IDS = `
  SELECT e.account_id, e.event_id
  FROM unnest($1::text[], $2::text[]) AS r (account_id, event_id)
  JOIN events e ON e.account_id = r.account_id AND e.event_id = r.event_id
  UNION ALL
  SELECT i.account_id, i.event_id
  FROM unnest($1::text[], $2::text[]) AS r (account_id, event_id)
  JOIN ignored_events i ON i.account_id = r.account_id AND i.event_id = r.event_id`;

/** Which of the batch's once-key tags the accounts already hold, and the event that took each. */
export const TAKEN_ONCE_KEYS = `
  SELECT o.account_id, o.key_tag, o.event_id
  FROM unnest($1::text[], $2::text[]) AS r (account_id, key_tag)
  JOIN once_keys o ON o.account_id = r.account_id AND o.key_tag = r.key_tag`;

/**
 * The accepted rows, the ignored ones, the once keys taken and the accounts' counters, in one
 * statement ($7 the time; each group's columns as arrays).
 */
export const APPEND_WRITE = `
  WITH inserted AS (
    INSERT INTO events (account_id, seq, event_id, type, state, received_at, updated_at, payload, payload_key_id, customer_tag)
    SELECT account_id, seq, event_id, type, 'queued', $7::timestamptz, $7::timestamptz, payload, payload_key_id, customer_tag
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bytea[], $6::text[], $13::text[])
      AS r (account_id, seq, event_id, type, payload, payload_key_id, customer_tag)
  ), ignored AS (
    INSERT INTO ignored_events (account_id, seq, event_id, type, reason, received_at)
    SELECT account_id, seq, event_id, type, reason, $7::timestamptz
    FROM unnest($15::text[], $16::bigint[], $17::text[], $18::text[], $19::text[])
      AS r (account_id, seq, event_id, type, reason)
  ), once AS (
    INSERT INTO once_keys (account_id, key_tag, event_id)
    SELECT * FROM unnest($20::text[], $21::text[], $22::text[])
  )
  UPDATE accounts a
  SET next_seq = d.next_seq,
      received = a.received + d.received,
      duplicates = a.duplicates + d.duplicates,
      queued = a.queued + d.queued,
      ignored = a.ignored + d.ignored,
      updated_at = $7::timestamptz
  FROM unnest($8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $14::bigint[])
    AS d (account_id, next_seq, received, duplicates, queued, ignored)
  WHERE a.account_id = d.account_id`;

/**
 * queued → a final state and the account's counters, in one statement ($1 account, $2 seq, $3 at,
 * $4 the state's own value, $5 and $6 the workflow and run that finished it, or nulls).
 */
const finish = (state: 'delivered' | 'failed', set: string) => `
  WITH done AS (
    UPDATE events SET state = '${state}', updated_at = $3, ${set},
      finished_by_workflow_id = $5, finished_by_run_id = $6
    WHERE account_id = $1 AND seq = $2 AND state = 'queued'
    RETURNING 1
  )
  UPDATE accounts SET queued = queued - 1, ${state} = ${state} + 1, updated_at = $3
  WHERE account_id = $1 AND EXISTS (SELECT 1 FROM done)`;

export const FINISH = {
  delivered: finish('delivered', 'message_ids = $4, delivered_at = $3'),
  failed: finish('failed', 'last_error = $4'),
} as const;
