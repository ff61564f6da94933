import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../temporal/codec';
import type { BillsbyEvent } from '../domain/billsby/event-schema';

/**
 * Encrypts event payloads at rest with the product's payload keys (AES-256-GCM): the first key
 * encrypts, every configured key decrypts, and each row stores the id of the key that sealed it.
 *
 * Layout of a sealed payload: 12-byte random IV | ciphertext | 16-byte tag. The additional
 * authenticated data is `accountId + '\0' + eventId`, so a ciphertext copied into another row
 * (another account, or another event) fails to decrypt instead of showing the wrong customer.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedPayload {
  payload: Buffer;
  keyId: string;
}

/** A sealed event payload with its customer tag (see customerTag), for an appended row. */
export interface SealedEvent extends SealedPayload {
  customerTag: string | null;
}

/** The HKDF `info` of the customer-tag keys: a key of its own, never the encryption key itself. */
const CUSTOMER_TAG_INFO = 'billsby event log: customer tag v1';

export class PayloadCipher {
  private readonly byId: Map<string, Buffer>;
  private readonly current: EncryptionKey;
  /** Per payload key, the HMAC key of customer tags, derived from it with HKDF-SHA256. */
  private readonly tagKeys: Map<string, Buffer>;

  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('The event log needs at least one payload encryption key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`Payload key "${id}" must be 32 bytes`);
    }
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.tagKeys = new Map(
      keys.map((k) => [k.id, Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), CUSTOMER_TAG_INFO, 32))]),
    );
  }

  /** Seals an event and tags it with its customer (erasure by customer finds it by that tag). */
  sealEvent(accountId: string, event: BillsbyEvent): SealedEvent {
    const customerId = (event as { CustomerUniqueId?: unknown }).CustomerUniqueId;
    return {
      ...this.seal(accountId, event.Id, event),
      customerTag: typeof customerId === 'string' ? this.customerTag(accountId, customerId) : null,
    };
  }

  /**
   * HMAC-SHA256 of `accountId \0 CustomerUniqueId` under a key derived from a payload key (the
   * current one unless `keyId` is given): the log can find one customer's rows without storing
   * the id in plain text, and the same customer in two accounts gets unrelated tags.
   */
  customerTag(accountId: string, customerUniqueId: string, keyId = this.current.id): string {
    const key = this.tagKeys.get(keyId);
    if (!key) throw new Error(`No payload key with id "${keyId}" is configured`);
    return createHmac('sha256', key).update(aad(accountId, customerUniqueId)).digest('base64url');
  }

  /** The customer's tag under every configured key (rows keep the tag of the key that sealed them). */
  customerTags(accountId: string, customerUniqueId: string): string[] {
    return [...this.tagKeys.keys()].map((keyId) => this.customerTag(accountId, customerUniqueId, keyId));
  }

  /** Seals any JSON value; `eventId` names the row (webhook secrets use a name of their own). */
  seal(accountId: string, eventId: string, event: BillsbyEvent | string): SealedPayload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(aad(accountId, eventId));
    const plain = Buffer.from(JSON.stringify(event), 'utf8');
    const payload = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { payload, keyId: this.current.id };
  }

  /** Throws when the key is unknown, the data was altered, or it belongs to another row. */
  open<T = BillsbyEvent>(accountId: string, eventId: string, sealed: SealedPayload): T {
    const key = this.byId.get(sealed.keyId);
    if (!key) throw new Error(`No payload decryption key with id "${sealed.keyId}" is configured`);
    const data = sealed.payload;
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error('Encrypted event payload is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(aad(accountId, eventId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as T;
  }
}

function aad(accountId: string, eventId: string): Buffer {
  return Buffer.from(`${accountId}\0${eventId}`, 'utf8');
}
