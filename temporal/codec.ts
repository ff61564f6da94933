import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { REFUSED_PAYLOAD_KEY } from './refused-payload';

/**
 * AES-256-GCM payload codec. Every payload leaving the process is encrypted whole (metadata
 * included), so history holds no plaintext of tokens, sessions or personal data. The key id goes
 * in the metadata so keys can rotate: the first key encrypts, every configured key decrypts.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export function keyIdFor(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Accepts `BASE64` (one key) or `id:BASE64,id:BASE64` (first encrypts, all decrypt).
 * Every key must decode to exactly 32 bytes.
 */
export function parseEncryptionKeys(spec: string): EncryptionKey[] {
  const keys = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, index) => {
      const colon = part.indexOf(':');
      const id = colon > 0 ? part.slice(0, colon) : undefined;
      const material = Buffer.from(colon > 0 ? part.slice(colon + 1) : part, 'base64');
      if (material.length !== 32) {
        throw new Error(
          `PAYLOAD_ENCRYPTION_KEY: key ${index + 1} must be 32 bytes in base64 (got ${material.length} bytes)`,
        );
      }
      return { id: id ?? keyIdFor(material), key: material };
    });
  if (keys.length === 0) throw new Error('PAYLOAD_ENCRYPTION_KEY: no key given');
  return keys;
}

/** The JSON payload a refusing codec decodes an unencrypted payload to (temporal/refused-payload.ts). */
const REFUSED: Payload = {
  metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify({ [REFUSED_PAYLOAD_KEY]: true })),
};

export interface CodecOptions {
  /**
   * The worker's setting: a payload that arrives unencrypted is decoded to the refusal marker
   * instead of passing through. Clients (gateway, CLI) and the Web UI's codec listener keep
   * passing plaintext through: they only read what workers wrote, and the UI shows what it gets.
   */
  refuseUnencrypted?: boolean;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: EncryptionKey;
  private readonly refuseUnencrypted: boolean;

  constructor(keys: EncryptionKey[], options: CodecOptions = {}) {
    if (keys.length === 0) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.refuseUnencrypted = options.refuseUnencrypted ?? false;
  }

  /** The same keys, refusing unencrypted payloads: what workers decode with. */
  refusing(): AesGcmPayloadCodec {
    return new AesGcmPayloadCodec([this.current, ...[...this.byId].map(([id, key]) => ({ id, key }))], {
      refuseUnencrypted: true,
    });
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(this.current.id),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING)
        return this.refuseUnencrypted ? REFUSED : payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? Buffer.from(keyIdBytes).toString() : '';
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`No payload decryption key with id "${keyId}" is configured`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('Encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
