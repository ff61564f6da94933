import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PayloadCipher } from '../../eventlog/payload-cipher';
import type { StoredWebhookSecret, WebhookSecretRecords } from '../../eventlog/types';
import type { EncryptionKey } from '../../temporal/codec';
import { TtlLruCache } from '../../connectors/http/ttl-cache';

export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 7 * 86_400;
/** The AAD name under which an account's current secret is sealed (no event id looks like it). */
const SEALED_NAME = '\u0000webhook-secret';

interface Verifier {
  currentHash: Buffer;
  previousHash: Buffer | null;
  previousValidUntil: number;
}

/**
 * Per-account webhook secrets: 32 random bytes each, independent of the payload key (rotating
 * that key changes no secret), stored in the event log's database as a SHA-256 hash (to verify)
 * and sealed with the payload keys (so the owner can be shown the current one again). Rotation
 * keeps the previous secret valid for a grace period. Verification is constant time and needs no
 * Temporal round trip; what was read from the database is cached for `cacheTtlMs`, so a rotation
 * made through another gateway takes effect here within that time. The cache holds accounts that
 * have a secret only, at most `cacheMaxEntries` of them: an account id is the caller's text, so a
 * miss (no such account) is read again each time rather than kept, and the gateway limits how
 * many failed webhooks one address may send (webhook-failure-limit.ts).
 */
export class WebhookSecretStore {
  private readonly cipher: PayloadCipher;
  /** What the database said per account that has a secret. */
  private readonly cache: TtlLruCache<string, Verifier>;

  constructor(
    private readonly log: WebhookSecretRecords,
    keys: EncryptionKey[],
    cacheTtlMs = 5_000,
    private readonly now: () => number = Date.now,
    cacheMaxEntries = 10_000,
  ) {
    this.cipher = new PayloadCipher(keys);
    this.cache = new TtlLruCache(cacheMaxEntries, cacheTtlMs, now);
  }

  /** Accounts whose verifier is cached (tests: the bound). */
  get cachedAccounts(): number {
    return this.cache.size;
  }

  /** A new secret replaces every earlier one at once (first connect, re-integration). */
  async issue(accountId: string): Promise<string> {
    return this.store(accountId, null, null);
  }

  /** The current secret, or null when none was ever issued. */
  async current(accountId: string): Promise<string | null> {
    const stored = await this.log.getWebhookSecret(accountId);
    if (!stored) return null;
    return this.cipher.open<string>(accountId, SEALED_NAME, {
      payload: stored.currentSealed,
      keyId: stored.currentKeyId,
    });
  }

  /** A new secret; the previous one stays valid for `graceSeconds`. Null: no secret to rotate. */
  async rotate(
    accountId: string,
    graceSeconds = DEFAULT_GRACE_SECONDS,
  ): Promise<{ webhookSecret: string; previousSecretValidUntil: string } | null> {
    const stored = await this.log.getWebhookSecret(accountId);
    if (!stored) return null;
    const validUntil = new Date(this.now() + graceSeconds * 1000).toISOString();
    const webhookSecret = await this.store(accountId, stored.currentHash, validUntil);
    return { webhookSecret, previousSecretValidUntil: validUntil };
  }

  /** Constant-time check of a presented secret against the current and (in its grace) previous one. */
  async verify(accountId: string, presented: string | undefined): Promise<boolean> {
    if (!presented) return false;
    const verifier = await this.verifier(accountId);
    if (!verifier) return false;
    const given = sha256(presented);
    const current = timingSafeEqual(given, verifier.currentHash);
    const previous =
      verifier.previousHash !== null &&
      timingSafeEqual(given, verifier.previousHash) &&
      this.now() < verifier.previousValidUntil;
    return current || previous;
  }

  private async store(accountId: string, previousHash: string | null, previousValidUntil: string | null) {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const sealed = this.cipher.seal(accountId, SEALED_NAME, secret);
    const record: StoredWebhookSecret = {
      currentHash: sha256(secret).toString('hex'),
      currentSealed: sealed.payload,
      currentKeyId: sealed.keyId,
      previousHash,
      previousValidUntil,
      updatedAt: new Date(this.now()).toISOString(),
    };
    await this.log.putWebhookSecret(accountId, record);
    this.cache.delete(accountId);
    return secret;
  }

  private async verifier(accountId: string): Promise<Verifier | null> {
    const cached = this.cache.get(accountId);
    if (cached) return cached;
    const stored = await this.log.getWebhookSecret(accountId);
    const verifier = stored
      ? {
          currentHash: Buffer.from(stored.currentHash, 'hex'),
          previousHash: stored.previousHash ? Buffer.from(stored.previousHash, 'hex') : null,
          previousValidUntil: stored.previousValidUntil ? Date.parse(stored.previousValidUntil) : 0,
        }
      : null;
    if (verifier) this.cache.set(accountId, verifier);
    return verifier;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
