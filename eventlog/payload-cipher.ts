import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../temporal/codec';
import type { LoggedEvent } from './types';

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

/**
 * The HKDF `info` of each kind of tag key: a key of its own per kind, never the encryption key
 * itself, so a customer tag and a once-key tag of the same text are unrelated.
 */
const TAG_INFO = {
  customer: 'billsby event log: customer tag v1',
  onceKey: 'billsby event log: once key v1',
} as const;
type TagKind = keyof typeof TAG_INFO;

export class PayloadCipher {
  private readonly byId: Map<string, Buffer>;
  private readonly current: EncryptionKey;
  /** Per kind of tag, per payload key id, the HMAC key derived from that payload key with HKDF-SHA256. */
  private readonly tagKeys: Record<TagKind, Map<string, Buffer>>;

  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('The event log needs at least one payload encryption key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`Payload key "${id}" must be 32 bytes`);
    }
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    const derive = (info: string) =>
      new Map(keys.map((k) => [k.id, Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), info, 32))]));
    this.tagKeys = { customer: derive(TAG_INFO.customer), onceKey: derive(TAG_INFO.onceKey) };
  }

  /**
   * Seals an event and tags it with its customer (erasure by customer finds it by that tag). A
   * public payment names no customer (tag null) until it is filled; its filled event is tagged.
   */
  sealEvent(accountId: string, event: LoggedEvent): SealedEvent {
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
    return this.tag('customer', accountId, customerUniqueId, keyId);
  }

  /** The customer's tag under every configured key (rows keep the tag of the key that sealed them). */
  customerTags(accountId: string, customerUniqueId: string): string[] {
    return this.tags('customer', accountId, customerUniqueId);
  }

  /**
   * The tag of an append's once key (AppendRequest.onceKey), like customerTag under a key of its
   * own: the key names an invoice, whose number embeds a customer id, so only its HMAC is stored.
   */
  onceKeyTag(accountId: string, onceKey: string, keyId = this.current.id): string {
    return this.tag('onceKey', accountId, onceKey, keyId);
  }

  /** The once key's tag under every configured key, the current key's first (the one to store). */
  onceKeyTags(accountId: string, onceKey: string): string[] {
    return this.tags('onceKey', accountId, onceKey);
  }

  private tag(kind: TagKind, accountId: string, value: string, keyId: string): string {
    const key = this.tagKeys[kind].get(keyId);
    if (!key) throw new Error(`No payload key with id "${keyId}" is configured`);
    return createHmac('sha256', key).update(aad(accountId, value)).digest('base64url');
  }

  private tags(kind: TagKind, accountId: string, value: string): string[] {
    const others = [...this.tagKeys[kind].keys()].filter((id) => id !== this.current.id);
    return [this.current.id, ...others].map((keyId) => this.tag(kind, accountId, value, keyId));
  }

  /**
   * Seals any JSON value; `name` names the row, bound into the ciphertext (an event's Id; other
   * rows use a name of their own, such as webhook secrets' and Billsby credentials').
   */
  seal(accountId: string, name: string, value: unknown): SealedPayload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(aad(accountId, name));
    const plain = Buffer.from(JSON.stringify(value), 'utf8');
    const payload = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { payload, keyId: this.current.id };
  }

  /** Throws when the key is unknown, the data was altered, or it belongs to another row. */
  open<T = LoggedEvent>(accountId: string, eventId: string, sealed: SealedPayload): T {
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
