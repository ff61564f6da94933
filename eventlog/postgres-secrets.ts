import type { Pool } from 'pg';
import {
  SECRET_COLUMNS,
  secretValues,
  toStoredSecret,
  UPSERT_SECRET_POSTGRES,
  type SecretRow,
} from './secret-rows';
import type { StoredWebhookSecret } from './types';

/**
 * The PostgreSQL engine's credentials tables: each account's webhook secret (sealed, with the
 * previous one during rotation) and the one-time tokens already used.
 */

export async function getWebhookSecret(pool: Pool, accountId: string): Promise<StoredWebhookSecret | null> {
  const { rows } = await pool.query<SecretRow>(
    `SELECT ${SECRET_COLUMNS} FROM webhook_secrets WHERE account_id = $1`,
    [accountId],
  );
  return rows[0] ? toStoredSecret(rows[0]) : null;
}

export async function putWebhookSecret(
  pool: Pool,
  accountId: string,
  secret: StoredWebhookSecret,
): Promise<void> {
  await pool.query(UPSERT_SECRET_POSTGRES, secretValues(accountId, secret));
}

export async function consumeToken(pool: Pool, tokenId: string, expiresAt: Date): Promise<boolean> {
  await pool.query('DELETE FROM used_tokens WHERE expires_at < now()');
  const inserted = await pool.query(
    'INSERT INTO used_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT (token_id) DO NOTHING',
    [tokenId, expiresAt],
  );
  return inserted.rowCount === 1;
}
