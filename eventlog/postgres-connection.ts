import { Pool, type PoolClient, type QueryResult } from 'pg';
import { productLogger } from '../logging';
import { POSTGRES_MIGRATIONS } from './sql/postgres-migrations';
import { POOL_TYPES } from './sql/postgres-types';

/**
 * The PostgreSQL engine's connection: the pool's settings, transactions, schema migrations and
 * the warm-up. Kept apart from the statements so each group of EventLog methods (appends,
 * delivery, queries, redelivery, privacy, secrets, leases) only runs SQL through `pool` and
 * `inTransaction`.
 */

export const DEFAULT_POOL_SIZE = 10;

/** pg_advisory_xact_lock key that serializes migrations of one database across processes. */
const MIGRATION_LOCK = 7_380_241_913;

/** Touches the tables and indexes a webhook and a delivery use, so their catalog entries are cached. */
const WARM_UP = `SELECT
  (SELECT count(*) FROM accounts WHERE account_id = '') +
  (SELECT count(*) FROM events WHERE account_id = '' AND event_id = '') +
  (SELECT count(*) FROM ignored_events WHERE account_id = '' AND event_id = '') +
  (SELECT count(*) FROM events WHERE account_id = '' AND state = 'queued' AND seq > 0) +
  (SELECT count(*) FROM webhook_secrets WHERE account_id = '') AS n`;

/**
 * A pool of `size` connections; `closing()` tells a lost idle connection from a shutdown.
 * `pipeline`: its connections send statements without waiting for the answers before (for
 * pipelinedTransaction; nothing that reads through a cursor may use such a pool).
 */
export function openPool(
  connectionString: string,
  size: number,
  closing: () => boolean,
  opts: { pipeline?: boolean } = {},
): Pool {
  const pool = new Pool({
    connectionString,
    pipeline: opts.pipeline ?? false,
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
  return rollingBackOnError(pool, async (client) => {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  });
}

/** `body` on one pooled connection; if it throws, ROLLBACK (a connection that cannot is discarded). */
async function rollingBackOnError<T>(pool: Pool, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await body(client);
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw err;
  } finally {
    client.release(broken);
  }
}

export type Statement = [sql: string, params: unknown[]];

/**
 * One transaction in two round trips, on a connection of a pipelined pool: BEGIN and `reads` are
 * sent together; `plan` turns their results into the writes and the answer; the writes and COMMIT
 * are sent together. The server still runs them one after another, so a read placed after a
 * locking read takes its snapshot once the locks are held. If a write fails, the COMMIT sent behind
 * it ends the aborted transaction as a rollback, and the write's error is thrown.
 */
export async function pipelinedTransaction<T>(
  pool: Pool,
  reads: Statement[],
  plan: (results: QueryResult[]) => { writes: Statement[]; answer: T },
): Promise<T> {
  return rollingBackOnError(pool, async (client) => {
    const [, ...results] = await allOrFirstError([
      client.query('BEGIN'),
      ...reads.map(([sql, params]) => client.query(sql, params)),
    ]);
    const { writes, answer } = plan(results);
    await allOrFirstError([
      ...writes.map(([sql, params]) => client.query(sql, params)),
      client.query('COMMIT'),
    ]);
    return answer;
  });
}

/** Waits for every statement sent (none is left unobserved), then throws the first error. */
async function allOrFirstError(queries: Promise<QueryResult>[]): Promise<QueryResult[]> {
  const settled = await Promise.allSettled(queries);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<QueryResult>).value);
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
