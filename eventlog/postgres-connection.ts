import { Pool, type PoolClient } from 'pg';
import { productLogger } from '../logging';
import { POSTGRES_MIGRATIONS } from './sql/postgres-migrations';
import { POOL_TYPES } from './sql/postgres-types';

/**
 * The PostgreSQL engine's connection: the pool's settings, transactions, schema migrations and
 * the warm-up. Kept apart from the statements so each group of EventLog methods (appends,
 * delivery, queries, redelivery, privacy, secrets) only runs SQL through `pool` and `inTransaction`.
 */

export const DEFAULT_POOL_SIZE = 10;

/** pg_advisory_xact_lock key that serializes migrations of one database across processes. */
const MIGRATION_LOCK = 7_380_241_913;

/** Touches the tables and indexes a webhook and a delivery use, so their catalog entries are cached. */
const WARM_UP = `SELECT
  (SELECT count(*) FROM accounts WHERE account_id = '') +
  (SELECT count(*) FROM events WHERE account_id = '' AND event_id = '') +
  (SELECT count(*) FROM events WHERE account_id = '' AND state = 'queued' AND seq > 0) +
  (SELECT count(*) FROM webhook_secrets WHERE account_id = '') AS n`;

/** A pool of `size` connections; `closing()` tells a lost idle connection from a shutdown. */
export function openPool(connectionString: string, size: number, closing: () => boolean): Pool {
  const pool = new Pool({
    connectionString,
    max: size,
    // Connections once opened stay open (idle ones are not closed after 10 s): a burst of
    // webhooks after a quiet minute must not wait for new connections. See warmPool().
    min: size,
    // A caller waits this long for a connection (pool full, or server unreachable), then fails
    // rather than hanging; the webhook answers 5xx and Billsby retries.
    connectionTimeoutMillis: 30_000,
    application_name: 'billsby-event-log',
    types: POOL_TYPES,
  });
  // An idle connection dropped by the server must not crash the process: the pool discards it
  // and the next query opens a new one. (After close() a server shutdown is expected.)
  pool.on('error', (err) => {
    if (!closing()) productLogger('event-log').warn({ err }, 'idle PostgreSQL connection lost');
  });
  return pool;
}

/** Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not returned to the pool.
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Applies the migrations not yet recorded in schema_migrations, one process at a time. */
export async function migrate(pool: Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    // Held until commit: a second process waits here, then finds the steps applied.
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
    );
    const { rows } = await c.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const step of POSTGRES_MIGRATIONS) {
      if (applied.has(step.version)) continue;
      await c.query(step.sql);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
        step.version,
        step.name,
      ]);
    }
  });
}

/**
 * Opens the whole pool now, each connection reading the hot tables once (catalog caches), so
 * the first burst of webhooks does not pay for connection set-up (a new PostgreSQL backend per
 * connection) inside its requests. Best effort: a connection that fails now is opened later.
 */
export async function warmPool(pool: Pool, size: number): Promise<void> {
  // All at once: each connect() opens a connection of its own while the others are held.
  const clients = await Promise.allSettled(Array.from({ length: size }, () => pool.connect()));
  await Promise.allSettled(
    clients.map(async (c) => {
      if (c.status !== 'fulfilled') return;
      try {
        await c.value.query(WARM_UP);
      } finally {
        c.value.release();
      }
    }),
  );
}

/** Locks the account's row for the rest of the transaction (see PostgresEventLog's comment). */
export async function lockAccount(client: PoolClient, accountId: string): Promise<boolean> {
  const locked = await client.query('SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE', [accountId]);
  return locked.rowCount !== 0;
}
