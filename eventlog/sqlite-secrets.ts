import {
  SECRET_COLUMNS,
  secretValues,
  toStoredSecret,
  UPSERT_SECRET_SQLITE,
  type SecretRow,
} from './secret-rows';
import { now } from './rows';
import type { SqliteConnection } from './sqlite-connection';
import type { StoredWebhookSecret } from './types';

/**
 * The SQLite engine's credentials tables: each account's webhook secret (sealed, with the
 * previous one during rotation) and the one-time tokens already used.
 */

export function getWebhookSecret(db: SqliteConnection, accountId: string): StoredWebhookSecret | null {
  const row = db
    .q<[string], SecretRow>(`SELECT ${SECRET_COLUMNS} FROM webhook_secrets WHERE account_id = ?`)
    .get(accountId);
  return row ? toStoredSecret(row) : null;
}

export function putWebhookSecret(db: SqliteConnection, accountId: string, secret: StoredWebhookSecret): void {
  db.write(() => db.q(UPSERT_SECRET_SQLITE).run(...secretValues(accountId, secret)));
}

export function consumeToken(db: SqliteConnection, tokenId: string, expiresAt: Date): boolean {
  return db.write(() => {
    db.q('DELETE FROM used_tokens WHERE expires_at < ?').run(now());
    const inserted = db
      .q('INSERT INTO used_tokens (token_id, expires_at) VALUES (?, ?) ON CONFLICT (token_id) DO NOTHING')
      .run(tokenId, expiresAt.toISOString());
    return inserted.changes === 1;
  });
}
