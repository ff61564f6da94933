import { randomUUID } from 'node:crypto';
import { FailureLimit } from '../../gateway/failure-limit';
import { TtlLruCache } from '../../connectors/http/ttl-cache';
import { WebhookSecretStore } from '../../gateway/integration/webhook-secrets';
import type { EventLog, StoredWebhookSecret } from '../../eventlog/types';
import { parseEncryptionKeys } from '../../temporal/codec';

/**
 * Issue 23, finding 3: what the gateway keeps per caller-chosen key (an account id in a webhook's
 * path, a caller's address) is bounded, so random ids cannot grow its memory.
 */

const keys = parseEncryptionKeys(Buffer.alloc(32, 7).toString('base64'));

/** An event log that has a secret for `withSecret` accounts only, counting its reads. */
function secretsLog(withSecret: Set<string>) {
  const stored = new Map<string, StoredWebhookSecret>();
  const log = {
    reads: 0,
    async getWebhookSecret(accountId: string) {
      log.reads++;
      return stored.get(accountId) ?? null;
    },
    async putWebhookSecret(accountId: string, secret: StoredWebhookSecret) {
      if (withSecret.has(accountId)) stored.set(accountId, secret);
    },
  };
  return log;
}

describe('TtlLruCache', () => {
  it('keeps at most its bound, dropping the least recently used, and forgets entries past their age', () => {
    let now = 0;
    const cache = new TtlLruCache<string, number>(3, 1_000, () => now);
    for (const k of ['a', 'b', 'c']) cache.set(k, 1);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('d', 1);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    now = 1_000;
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('FailureLimit', () => {
  it('turns an address away after its failures in a minute, names the wait, and lets it back after', () => {
    let now = 0;
    const limit = new FailureLimit(2, () => now);
    limit.recordFailure('1.2.3.4');
    expect(limit.retryAfterSeconds('1.2.3.4')).toBe(0);
    limit.recordFailure('1.2.3.4');
    now = 15_000;
    expect(limit.retryAfterSeconds('1.2.3.4')).toBe(45);
    expect(limit.retryAfterSeconds('5.6.7.8')).toBe(0);
    now = 60_000;
    expect(limit.retryAfterSeconds('1.2.3.4')).toBe(0);
  });

  it('keeps at most its bound of addresses', () => {
    const limit = new FailureLimit(1, Date.now, 100);
    for (let i = 0; i < 10_000; i++) limit.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    const blocked = Array.from({ length: 10_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).filter(
      (a) => limit.retryAfterSeconds(a) > 0,
    );
    expect(blocked).toHaveLength(100);
  });
});

describe('WebhookSecretStore verifier cache', () => {
  it('200,000 webhooks for random account ids: all refused, nothing cached', async () => {
    const log = secretsLog(new Set());
    const store = new WebhookSecretStore(log as unknown as EventLog, keys);
    for (let i = 0; i < 200_000; i++) expect(await store.verify(randomUUID(), 'whsec_guess')).toBe(false);
    expect(store.cachedAccounts).toBe(0);
    expect(log.reads).toBe(200_000);
  });

  it('real accounts are cached up to the bound; a cached one is verified without a read', async () => {
    const accounts = Array.from({ length: 50 }, (_, i) => `acct-${i}`);
    const log = secretsLog(new Set(accounts));
    const store = new WebhookSecretStore(log as unknown as EventLog, keys, 60_000, Date.now, 20);
    const secrets = new Map<string, string>();
    for (const a of accounts) secrets.set(a, await store.issue(a));
    for (const a of accounts) expect(await store.verify(a, secrets.get(a))).toBe(true);
    expect(store.cachedAccounts).toBe(20);
    const reads = log.reads;
    expect(await store.verify('acct-49', secrets.get('acct-49'))).toBe(true);
    expect(log.reads).toBe(reads);
  });
});
