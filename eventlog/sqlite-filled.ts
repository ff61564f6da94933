import type { CustomerDetails } from '../domain/billsby/event-schema';
import { customerTagsOf, sealFilled, tagsOf, toLastKnown, type DetailsRow } from './filled-rows';
import type { PayloadCipher } from './payload-cipher';
import { ERASED_KEY_ID, isoTime } from './rows';
import type { SqliteConnection } from './sqlite-connection';
import { ERASED_ON_REQUEST, type FilledEvent } from './types';

/**
 * The SQLite engine's filled public webhooks (DESIGN.md §4.3.1): a filled event stored in place of
 * its public payload before its first post, and the account's last-known details of a customer.
 */

export function storeFilled(
  db: SqliteConnection,
  cipher: PayloadCipher,
  accountId: string,
  filled: FilledEvent[],
  at: string,
): number[] {
  const updatedAt = isoTime('at', at);
  // Encrypt before taking the write lock.
  const items = sealFilled(cipher, accountId, filled);
  if (items.length === 0) return [];
  return db.write(() => {
    // The event Id must match too: a payload sealed for one event is never stored in another's row.
    const replace = db.q(
      `UPDATE events SET payload = ?, payload_key_id = ?, customer_tag = ?
       WHERE account_id = ? AND seq = ? AND event_id = ? AND state = 'queued' AND payload_erased_at IS NULL`,
    );
    const dropOlder = db.q(
      'DELETE FROM customer_details WHERE account_id = ? AND customer_tag IN (SELECT value FROM json_each(?))',
    );
    const upsert = db.q(
      `INSERT INTO customer_details (account_id, customer_tag, sealed, key_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, customer_tag) DO UPDATE SET
         sealed = excluded.sealed, key_id = excluded.key_id, updated_at = excluded.updated_at`,
    );
    // Customers forgotten after their event was received (forget-customer cannot find a payment
    // before it is filled): one look for the whole batch, usually finding none. Such an event is
    // dropped and erased as forget-customer would have, never stored or posted.
    const forgotten = new Set(
      db
        .q<[string, string], { customer_tag: string }>(
          `SELECT customer_tag FROM forgotten_customers
           WHERE account_id = ? AND customer_tag IN (SELECT value FROM json_each(?))`,
        )
        .all(accountId, JSON.stringify(customerTagsOf(items)))
        .map((m) => m.customer_tag),
    );
    const dropErased = db.q(
      `UPDATE events SET state = 'dropped', last_error = ?, updated_at = ?, payload = X'',
         payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL, payload_erased_at = ?
       WHERE account_id = ? AND seq = ? AND event_id = ? AND state = 'queued' AND received_at <= (
         SELECT forgotten_at FROM forgotten_customers WHERE account_id = ? AND customer_tag = ?)`,
    );
    const countDropped = db.q(
      'UPDATE accounts SET queued = queued - 1, dropped = dropped + 1, updated_at = ? WHERE account_id = ?',
    );
    const stored: number[] = [];
    for (const { seq, eventId, sealed, details } of items) {
      const { payload, keyId, customerTag } = sealed;
      if (
        customerTag !== null &&
        forgotten.has(customerTag) &&
        dropErased.run(
          ERASED_ON_REQUEST,
          updatedAt,
          updatedAt,
          accountId,
          seq,
          eventId,
          accountId,
          customerTag,
        ).changes > 0
      ) {
        countDropped.run(updatedAt, accountId);
        continue;
      }
      if (replace.run(payload, keyId, customerTag, accountId, seq, eventId).changes === 0) continue;
      stored.push(seq);
      // Only with its event: once an event is dropped (its customer forgotten, the account
      // uninstalled), the details it carries must not come back.
      if (!details) continue;
      dropOlder.run(accountId, JSON.stringify(details.olderTags));
      upsert.run(accountId, details.tag, details.sealed.payload, details.sealed.keyId, updatedAt);
    }
    return stored;
  });
}

export function lastKnownDetails(
  db: SqliteConnection,
  cipher: PayloadCipher,
  accountId: string,
  customerUniqueIds: string[],
): Map<string, CustomerDetails> {
  const { tags, byTag } = tagsOf(cipher, accountId, customerUniqueIds);
  if (tags.length === 0) return new Map();
  const rows = db
    .q<[string, string], DetailsRow>(
      `SELECT customer_tag, sealed, key_id, updated_at FROM customer_details
       WHERE account_id = ? AND customer_tag IN (SELECT value FROM json_each(?))`,
    )
    .all(accountId, JSON.stringify(tags));
  return toLastKnown(cipher, accountId, rows, byTag);
}
