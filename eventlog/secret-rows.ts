import type { StoredWebhookSecret } from './types';

/** The webhook_secrets table's row, the same on both engines (times are ISO text on both). */
export interface SecretRow {
  current_hash: string;
  current_sealed: Buffer | Uint8Array;
  current_key_id: string;
  previous_hash: string | null;
  previous_valid_until: string | null;
  updated_at: string;
}

export const SECRET_COLUMNS =
  'current_hash, current_sealed, current_key_id, previous_hash, previous_valid_until, updated_at';

const UPSERT = (p: (n: number) => string) => `
  INSERT INTO webhook_secrets (account_id, ${SECRET_COLUMNS})
  VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})
  ON CONFLICT (account_id) DO UPDATE SET
    current_hash = excluded.current_hash, current_sealed = excluded.current_sealed,
    current_key_id = excluded.current_key_id, previous_hash = excluded.previous_hash,
    previous_valid_until = excluded.previous_valid_until, updated_at = excluded.updated_at`;

export const UPSERT_SECRET_SQLITE = UPSERT(() => '?');
export const UPSERT_SECRET_POSTGRES = UPSERT((n) => `$${n}`);

/** The values of UPSERT_SECRET_*, in their placeholders' order. */
export function secretValues(accountId: string, secret: StoredWebhookSecret): unknown[] {
  return [
    accountId,
    secret.currentHash,
    secret.currentSealed,
    secret.currentKeyId,
    secret.previousHash,
    secret.previousValidUntil,
    secret.updatedAt,
  ];
}

export function toStoredSecret(row: SecretRow): StoredWebhookSecret {
  return {
    currentHash: row.current_hash,
    currentSealed: Buffer.from(row.current_sealed),
    currentKeyId: row.current_key_id,
    previousHash: row.previous_hash,
    previousValidUntil: row.previous_valid_until,
    updatedAt: row.updated_at,
  };
}
