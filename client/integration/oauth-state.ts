import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EncryptionKey } from '../../temporal/codec';

/**
 * Per-account webhook secrets, derived (HMAC) from a server key rather than stored, so the
 * gateway verifies a webhook without a Temporal round trip. The server key is derived from the
 * current payload key with HKDF under its own label, so the two are never the same bytes.
 */
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(payloadKey: EncryptionKey) {
    this.key = Buffer.from(
      hkdfSync('sha256', payloadKey.key, Buffer.alloc(0), 'billsby-webhook-secret/v1', 32),
    );
  }

  secretFor(accountId: string): string {
    return 'whsec_' + createHmac('sha256', this.key).update(accountId).digest('base64url');
  }

  /** Constant-time comparison; a missing or differently sized header is simply wrong. */
  verify(accountId: string, presented: string | undefined): boolean {
    if (!presented) return false;
    const expected = Buffer.from(this.secretFor(accountId));
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** OAuth `state`: `<accountId>~<nonce>`; the nonce is 256 random bits, checked by the workflow. */
export function newStateNonce(): string {
  return randomBytes(32).toString('base64url');
}

export function composeState(accountId: string, nonce: string): string {
  return `${accountId}~${nonce}`;
}

export function parseState(state: string | undefined): { accountId: string; nonce: string } | undefined {
  const match = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})~([A-Za-z0-9_-]{43})$/.exec(state ?? '');
  return match ? { accountId: match[1]!, nonce: match[2]! } : undefined;
}
