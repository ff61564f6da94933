import type { Pool } from 'pg';
import type { CustomerDetails } from '../domain/billsby/event-schema';
import { customerTagsOf, sealFilled, tagsOf, toLastKnown, type DetailsRow } from './filled-rows';
import type { PayloadCipher } from './payload-cipher';
import { inTransaction, lockAccount } from './postgres-connection';
import { ERASED_KEY_ID, isoTime } from './rows';
import { ERASED_ON_REQUEST, type FilledEvent } from './types';

/**
 * The PostgreSQL engine's filled public webhooks (DESIGN.md §4.3.1): a filled event stored in place
 * of its public payload before its first post, and the account's last-known details of a customer.
 */

/** One item's details ($1 account, $2 tag, $3 sealed, $4 key id, $5 at, $6 the older keys' tags). */
const UPSERT_DETAILS = `
  WITH older AS (
    DELETE FROM customer_details WHERE account_id = $1 AND customer_tag = ANY($6::text[])
  )
  INSERT INTO customer_details (account_id, customer_tag, sealed, key_id, updated_at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (account_id, customer_tag) DO UPDATE SET
    sealed = excluded.sealed, key_id = excluded.key_id, updated_at = excluded.updated_at`;

export async function storeFilled(
  pool: Pool,
  cipher: PayloadCipher,
  accountId: string,
  filled: FilledEvent[],
  at: string,
): Promise<number[]> {
  const updatedAt = isoTime('at', at);
  // Encrypt before the transaction.
  const items = sealFilled(cipher, accountId, filled);
  if (items.length === 0) return [];
  return inTransaction(pool, async (c) => {
    // The account's lock orders this after (or before) a forgetCustomer or an uninstall as a whole,
    // so details are never stored again for an event those just dropped.
    if (!(await lockAccount(c, accountId))) return [];
    // Customers forgotten after their event was received (forget-customer cannot find a payment
    // before it is filled): one look for the whole batch, usually finding none.
    const { rows: marks } = await c.query<{ customer_tag: string }>(
      'SELECT customer_tag FROM forgotten_customers WHERE account_id = $1 AND customer_tag = ANY($2::text[])',
      [accountId, customerTagsOf(items)],
    );
    const forgotten = new Set(marks.map((m) => m.customer_tag));
    const stored: number[] = [];
    for (const { seq, eventId, sealed, details } of items) {
      // Received before its customer was forgotten: dropped and erased as forget-customer would
      // have, never stored or posted. One received after the request is stored as usual.
      if (sealed.customerTag !== null && forgotten.has(sealed.customerTag)) {
        const dropped = await c.query(
          `UPDATE events e SET state = 'dropped', last_error = $5, updated_at = $6, payload = ''::bytea,
             payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL, payload_erased_at = $6
           FROM forgotten_customers f
           WHERE e.account_id = $1 AND e.seq = $2 AND e.event_id = $3 AND e.state = 'queued'
             AND f.account_id = e.account_id AND f.customer_tag = $4 AND e.received_at <= f.forgotten_at`,
          [accountId, seq, eventId, sealed.customerTag, ERASED_ON_REQUEST, updatedAt],
        );
        if (dropped.rowCount) {
          await c.query(
            'UPDATE accounts SET queued = queued - 1, dropped = dropped + 1, updated_at = $2 WHERE account_id = $1',
            [accountId, updatedAt],
          );
          continue;
        }
      }
      // The event Id must match too: a payload sealed for one event is never stored in another's row.
      const { rowCount } = await c.query(
        `UPDATE events SET payload = $4, payload_key_id = $5, customer_tag = $6
         WHERE account_id = $1 AND seq = $2 AND event_id = $3 AND state = 'queued' AND payload_erased_at IS NULL`,
        [accountId, seq, eventId, sealed.payload, sealed.keyId, sealed.customerTag],
      );
      if (!rowCount) continue;
      stored.push(seq);
      // Only with its event: once an event is dropped, the details it carries must not come back.
      if (!details) continue;
      await c.query(UPSERT_DETAILS, [
        accountId,
        details.tag,
        details.sealed.payload,
        details.sealed.keyId,
        updatedAt,
        details.olderTags,
      ]);
    }
    return stored;
  });
}

export async function lastKnownDetails(
  pool: Pool,
  cipher: PayloadCipher,
  accountId: string,
  customerUniqueIds: string[],
): Promise<Map<string, CustomerDetails>> {
  const { tags, byTag } = tagsOf(cipher, accountId, customerUniqueIds);
  if (tags.length === 0) return new Map();
  const { rows } = await pool.query<DetailsRow>(
    `SELECT customer_tag, sealed, key_id, updated_at FROM customer_details
     WHERE account_id = $1 AND customer_tag = ANY($2::text[])`,
    [accountId, tags],
  );
  return toLastKnown(cipher, accountId, rows, byTag);
}
