import type { PayloadCipher } from './payload-cipher';
import { customerOf, isoOrEmpty } from './privacy';
import { ERASED_KEY_ID, checkCount } from './rows';
import type { SqliteConnection } from './sqlite-connection';
import { ERASED_ON_REQUEST, type ForgetOutcome } from './types';

/**
 * The SQLite engine's retention and erasure (DESIGN.md §6): delivered payloads (and old last-known
 * customer details) erased after the retention period, and one customer's events and details
 * forgotten on request.
 */

/**
 * Retention: payloads of events delivered before `deliveredBefore`, then, with what is left of
 * `limit`, last-known customer details last written before it (they are as old as the event that
 * wrote them, whose payload went or goes the same way). Answers how many of both were erased, so
 * a sweep that loops until an answer below its limit empties both.
 */
export function erasePayloads(
  db: SqliteConnection,
  deliveredBefore: string,
  at: string,
  limit: number,
): number {
  checkCount('limit', limit);
  const before = isoOrEmpty(deliveredBefore);
  return db.write(() => {
    const erased = db
      .q(
        `UPDATE events SET payload = X'', payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL, payload_erased_at = ?
         WHERE rowid IN (SELECT rowid FROM events WHERE state = 'delivered' AND payload_erased_at IS NULL
           AND delivered_at < ? ORDER BY delivered_at LIMIT ?)`,
      )
      .run(at, before, limit).changes;
    if (erased >= limit) return erased;
    const details = db
      .q(
        `DELETE FROM customer_details WHERE rowid IN (
           SELECT rowid FROM customer_details WHERE updated_at < ? ORDER BY updated_at LIMIT ?)`,
      )
      .run(before, limit - erased).changes;
    if (erased + details >= limit) return erased + details;
    // A forgotten customer's mark, once old and no event queued before it is left to fill.
    const marks = db
      .q(
        `DELETE FROM forgotten_customers WHERE rowid IN (
           SELECT f.rowid FROM forgotten_customers f WHERE f.forgotten_at < ? AND NOT EXISTS (
             SELECT 1 FROM events e WHERE e.account_id = f.account_id AND e.state = 'queued'
               AND e.received_at <= f.forgotten_at)
           ORDER BY f.forgotten_at LIMIT ?)`,
      )
      .run(before, limit - erased - details).changes;
    return erased + details + marks;
  });
}

export function forgetCustomer(
  db: SqliteConnection,
  cipher: PayloadCipher,
  accountId: string,
  customerUniqueId: string,
  at: string,
): ForgetOutcome | null {
  const tags = cipher.customerTags(accountId, customerUniqueId);
  // Rows appended before customer tags existed are found by decrypting them (outside the lock).
  const untagged = db
    .q<[string], { event_id: string; payload: Buffer; payload_key_id: string }>(
      `SELECT event_id, payload, payload_key_id FROM events
       WHERE account_id = ? AND customer_tag IS NULL AND payload_erased_at IS NULL`,
    )
    .all(accountId)
    .filter((row) => customerOf(cipher, accountId, row) === customerUniqueId)
    .map((row) => row.event_id);
  const match = `account_id = ? AND payload_erased_at IS NULL
    AND (customer_tag IN (${tags.map(() => '?').join(', ')}) OR event_id IN (SELECT value FROM json_each(?)))`;
  const args = [accountId, ...tags, JSON.stringify(untagged)];
  return db.write(() => {
    if (db.q('SELECT 1 FROM accounts WHERE account_id = ?').get(accountId) === undefined) return null;
    const dropped = db
      .q(
        `UPDATE events SET state = 'dropped', last_error = ?, updated_at = ? WHERE state = 'queued' AND ${match}`,
      )
      .run(ERASED_ON_REQUEST, at, ...args).changes;
    const erased = db
      .q(
        `UPDATE events SET payload = X'', payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL,
           payload_erased_at = ? WHERE ${match}`,
      )
      .run(at, ...args).changes;
    if (dropped > 0) {
      db.q(
        'UPDATE accounts SET queued = queued - ?, dropped = dropped + ?, updated_at = ? WHERE account_id = ?',
      ).run(dropped, dropped, at, accountId);
    }
    // The last-known details too (they are not payloads: not in the answer's counts).
    db.q(
      `DELETE FROM customer_details WHERE account_id = ? AND customer_tag IN (${tags.map(() => '?').join(', ')})`,
    ).run(accountId, ...tags);
    // A payment queued unfilled names its customer only once filled: the fill drops it then.
    const mark = db.q(
      `INSERT INTO forgotten_customers (account_id, customer_tag, forgotten_at) VALUES (?, ?, ?)
       ON CONFLICT (account_id, customer_tag) DO UPDATE SET forgotten_at = excluded.forgotten_at`,
    );
    for (const tag of tags) mark.run(accountId, tag, at);
    return { erased, dropped };
  });
}
