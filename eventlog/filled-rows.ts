import type { CustomerDetails } from '../domain/billsby/event-schema';
import type { PayloadCipher, SealedEvent, SealedPayload } from './payload-cipher';
import type { FilledEvent } from './types';

/**
 * Shared by both engines: filled events sealed for storeFilled, and the customer_details rows
 * (an account's last-known details of a customer, DESIGN.md §4.3.1 rule 3).
 *
 * A details row is keyed by the customer tag (PayloadCipher.customerTag: never the id in clear)
 * and sealed under the name `customer-details:<tag>`, so a row copied under another customer's
 * tag (or another account) fails to open instead of showing someone else's details.
 */

const detailsName = (customerTag: string) => `customer-details:${customerTag}`;

/** One storeFilled item, sealed before the transaction. */
export interface SealedFilled {
  seq: number;
  eventId: string;
  sealed: SealedEvent;
  details: {
    /** The customer's tag under the current key: the row's key. */
    tag: string;
    /** Its tags under the other configured keys: a row left under one of them is replaced. */
    olderTags: string[];
    sealed: SealedPayload;
  } | null;
}

export function sealFilled(cipher: PayloadCipher, accountId: string, filled: FilledEvent[]): SealedFilled[] {
  if (!Array.isArray(filled)) throw new TypeError('filled must be an array');
  return filled.map(({ seq, event, lastKnown }) => {
    if (!Number.isSafeInteger(seq)) throw new RangeError(`seq must be an integer (got ${seq})`);
    if (typeof event?.Id !== 'string') throw new TypeError('a filled event must have its Id');
    let details: SealedFilled['details'] = null;
    if (lastKnown) {
      if (typeof lastKnown.customerUniqueId !== 'string') {
        throw new TypeError('lastKnown.customerUniqueId must be a string');
      }
      const [tag, ...olderTags] = cipher.customerTags(accountId, lastKnown.customerUniqueId);
      details = {
        tag: tag!,
        olderTags,
        sealed: cipher.seal(accountId, detailsName(tag!), lastKnown.details),
      };
    }
    // Sealed under the event's Id, as on append: readQueued opens it by the row's event_id.
    return { seq, eventId: event.Id, sealed: cipher.sealEvent(accountId, event), details };
  });
}

/** The customers these filled events name (their tags): the ones to look for among the forgotten. */
export function customerTagsOf(items: SealedFilled[]): string[] {
  return [...new Set(items.flatMap((i) => (i.sealed.customerTag === null ? [] : [i.sealed.customerTag])))];
}

export interface DetailsRow {
  customer_tag: string;
  sealed: Buffer | Uint8Array;
  key_id: string;
  updated_at: string;
}

/**
 * lastKnownDetails' answer from the rows found under any of the customers' tags (`byTag`: tag →
 * CustomerUniqueId). A row that does not open (key gone, or moved) is skipped; should a customer
 * have rows under two keys' tags, the newest that opens wins.
 */
export function toLastKnown(
  cipher: PayloadCipher,
  accountId: string,
  rows: DetailsRow[],
  byTag: Map<string, string>,
): Map<string, CustomerDetails> {
  const answer = new Map<string, CustomerDetails>();
  const newest = new Map<string, string>();
  for (const row of rows) {
    const customer = byTag.get(row.customer_tag);
    if (customer === undefined) continue;
    const seen = newest.get(customer);
    if (seen !== undefined && seen >= row.updated_at) continue;
    try {
      const details = cipher.open<CustomerDetails>(accountId, detailsName(row.customer_tag), {
        payload: Buffer.from(row.sealed),
        keyId: row.key_id,
      });
      answer.set(customer, details);
      newest.set(customer, row.updated_at);
    } catch {
      // Unreadable: as if the customer had no last-known details (the update shows empty lines).
    }
  }
  return answer;
}

/** Each customer's tags under every configured key, and the reverse map. */
export function tagsOf(
  cipher: PayloadCipher,
  accountId: string,
  customerUniqueIds: string[],
): { tags: string[]; byTag: Map<string, string> } {
  const byTag = new Map<string, string>();
  for (const id of new Set(customerUniqueIds)) {
    if (typeof id !== 'string') throw new TypeError('customerUniqueIds must be strings');
    for (const tag of cipher.customerTags(accountId, id)) byTag.set(tag, id);
  }
  return { tags: [...byTag.keys()], byTag };
}
