import type { PayloadCipher } from './payload-cipher';

/**
 * Helpers shared by both engines for retention and erasure (DESIGN.md §6: personal data is kept
 * only as long as it is needed).
 */

/**
 * The CustomerUniqueId inside a row sealed before customer tags existed; undefined when the row
 * cannot be opened (its key is no longer configured, so nobody can read it either).
 */
export function customerOf(
  cipher: PayloadCipher,
  accountId: string,
  row: { event_id: string; payload: Buffer | Uint8Array; payload_key_id: string },
): string | undefined {
  try {
    const event = cipher.open<{ CustomerUniqueId?: unknown }>(accountId, row.event_id, {
      payload: Buffer.from(row.payload),
      keyId: row.payload_key_id,
    });
    return typeof event.CustomerUniqueId === 'string' ? event.CustomerUniqueId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A time as the engines store it (`toISOString()`, which sorts as text); '' (before every time)
 * when unset. Throws on a value that is not a time, rather than compare against garbage.
 */
export function isoOrEmpty(time: string | undefined): string {
  if (time === undefined || time === '') return '';
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not a date-time: ${JSON.stringify(time.slice(0, 40))}`);
  return new Date(ms).toISOString();
}
