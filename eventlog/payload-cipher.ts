import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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

export class PayloadCipher {
  private readonly byId: Map<string, Buffer>;
  private readonly current: EncryptionKey;

  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('The event log needs at least one payload encryption key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`Payload key "${id}" must be 32 bytes`);
    }
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
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
