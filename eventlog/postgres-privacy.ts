import type { Pool } from 'pg';
import type { PayloadCipher } from './payload-cipher';
import { customerOf, isoOrEmpty } from './privacy';
import { ERASED_KEY_ID, checkCount } from './rows';
import { inTransaction, lockAccount } from './postgres-connection';
import { ERASED_ON_REQUEST, type ForgetOutcome } from './types';

/**
 * The PostgreSQL engine's retention and erasure (DESIGN.md §6): delivered payloads (and old
 * last-known customer details) erased after the retention period, and one customer's events and
 * details forgotten on request.
 */

/**
 * Retention: payloads of events delivered before `deliveredBefore`, then, with what is left of
 * `limit`, last-known customer details last written before it (they are as old as the event that
 * wrote them, whose payload went or goes the same way). Answers how many of both were erased, so
 * a sweep that loops until an answer below its limit empties both.
 */
export async function erasePayloads(
  pool: Pool,
  deliveredBefore: string,
  at: string,
  limit: number,
): Promise<number> {
  checkCount('limit', limit);
  const before = isoOrEmpty(deliveredBefore);
  const erased =
    (
      await pool.query(
        `WITH due AS (
           SELECT account_id, seq FROM events
           WHERE state = 'delivered' AND payload_erased_at IS NULL AND delivered_at < $1
           ORDER BY delivered_at LIMIT $3 FOR UPDATE SKIP LOCKED
         )
         UPDATE events e SET payload = ''::bytea, payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL,
           payload_erased_at = $2
         FROM due WHERE e.account_id = due.account_id AND e.seq = due.seq
           AND e.state = 'delivered' AND e.payload_erased_at IS NULL`,
        [before, at, limit],
      )
    ).rowCount ?? 0;
  if (erased >= limit) return erased;
  const details =
    (
      await pool.query(
        `WITH due AS (
           SELECT account_id, customer_tag FROM customer_details WHERE updated_at < $1
           ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED
         )
         DELETE FROM customer_details d USING due
         WHERE d.account_id = due.account_id AND d.customer_tag = due.customer_tag AND d.updated_at < $1`,
        [before === '' ? null : before, limit - erased],
      )
    ).rowCount ?? 0;
  if (erased + details >= limit) return erased + details;
  // A forgotten customer's mark, once old and no event queued before it is left to fill.
  const marks =
    (
      await pool.query(
        `WITH due AS (
           SELECT f.account_id, f.customer_tag FROM forgotten_customers f
           WHERE f.forgotten_at < $1 AND NOT EXISTS (
             SELECT 1 FROM events e WHERE e.account_id = f.account_id AND e.state = 'queued'
               AND e.received_at <= f.forgotten_at)
           ORDER BY f.forgotten_at LIMIT $2 FOR UPDATE SKIP LOCKED
         )
         DELETE FROM forgotten_customers f USING due
         WHERE f.account_id = due.account_id AND f.customer_tag = due.customer_tag`,
        [before === '' ? null : before, limit - erased - details],
      )
    ).rowCount ?? 0;
  return erased + details + marks;
}

export async function forgetCustomer(
  pool: Pool,
  cipher: PayloadCipher,
  accountId: string,
  customerUniqueId: string,
  at: string,
): Promise<ForgetOutcome | null> {
  const tags = cipher.customerTags(accountId, customerUniqueId);
  // Rows appended before customer tags existed are found by decrypting them (outside the lock).
  const { rows } = await pool.query<{ event_id: string; payload: Buffer; payload_key_id: string }>(
    `SELECT event_id, payload, payload_key_id FROM events
     WHERE account_id = $1 AND customer_tag IS NULL AND payload_erased_at IS NULL`,
    [accountId],
  );
  const untagged = rows
    .filter((row) => customerOf(cipher, accountId, row) === customerUniqueId)
    .map((row) => row.event_id);
  const match = `account_id = $1 AND payload_erased_at IS NULL
    AND (customer_tag = ANY($2::text[]) OR event_id = ANY($3::text[]))`;
  return inTransaction(pool, async (c) => {
    if (!(await lockAccount(c, accountId))) return null;
    const dropped =
      (
        await c.query(
          `UPDATE events SET state = 'dropped', last_error = $4, updated_at = $5 WHERE state = 'queued' AND ${match}`,
          [accountId, tags, untagged, ERASED_ON_REQUEST, at],
        )
      ).rowCount ?? 0;
    const erased =
      (
        await c.query(
          `UPDATE events SET payload = ''::bytea, payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL,
             payload_erased_at = $4 WHERE ${match}`,
          [accountId, tags, untagged, at],
        )
      ).rowCount ?? 0;
    if (dropped > 0) {
      await c.query(
        'UPDATE accounts SET queued = queued - $2, dropped = dropped + $2, updated_at = $3 WHERE account_id = $1',
        [accountId, dropped, at],
      );
    }
    // The last-known details too (they are not payloads: not in the answer's counts).
    await c.query('DELETE FROM customer_details WHERE account_id = $1 AND customer_tag = ANY($2::text[])', [
      accountId,
      tags,
    ]);
    // A payment queued unfilled names its customer only once filled: the fill drops it then.
    await c.query(
      `INSERT INTO forgotten_customers (account_id, customer_tag, forgotten_at)
       SELECT $1, tag, $3 FROM unnest($2::text[]) AS tag
       ON CONFLICT (account_id, customer_tag) DO UPDATE SET forgotten_at = excluded.forgotten_at`,
      [accountId, tags, at],
    );
    return { erased, dropped };
  });
}
