import {
  SECRET_COLUMNS,
  secretValues,
  toStoredSecret,
  UPSERT_SECRET_POSTGRES,
  type SecretRow,
} from './secret-rows';
import { Pool, type PoolClient } from 'pg';
import { planAppend, eventKey, type AccountState } from './append-plan';
import { PayloadCipher } from './payload-cipher';
import {
  BEFORE_ATTEMPT_COLUMNS,
  ERASED_KEY_ID,
  RECORD_COLUMNS,
  checkCount,
  checkMessageIds,
  toCounts,
  toRecord,
  type CountsRow,
  type EventRow,
  type PayloadRow,
  deliverySummarySql,
  toDeliverySummary,
  type SummaryRow,
} from './rows';
import { POSTGRES_MIGRATIONS } from './sql/postgres-migrations';
import { productLogger } from '../logging';
import { POOL_TYPES } from './sql/postgres-types';
import { APPEND_WRITE, FINISH, LOCK_ACCOUNTS, LOGGED_IDS } from './sql/postgres-statements';
import type { EncryptionKey } from '../temporal/codec';
import type {
  AppendOptions,
  AppendOutcome,
  AppendRequest,
  DeliveryState,
  DeliverySummary,
  EventLog,
  EventRecord,
  ForgetOutcome,
  LogCounts,
  QueuedEvent,
  QueuedRef,
  RedeliveryChange,
  RedeliveryOutcome,
  StoredWebhookSecret,
} from './types';
import type { BillsbyEvent } from '../domain/billsby/event-schema';
import { ERASED_ON_REQUEST } from './types';
import { customerOf, isoOrEmpty } from './privacy';

export const DEFAULT_POOL_SIZE = 10;

/** Touches the tables and indexes a webhook and a delivery use, so their catalog entries are cached. */
const WARM_UP = `SELECT
  (SELECT count(*) FROM accounts WHERE account_id = '') +
  (SELECT count(*) FROM events WHERE account_id = '' AND event_id = '') +
  (SELECT count(*) FROM events WHERE account_id = '' AND state = 'queued' AND seq > 0) +
  (SELECT count(*) FROM webhook_secrets WHERE account_id = '') AS n`;

/** beginAttempt's claim ($1 account, $2 seq, $3 at): the row as it was before it. */
const CLAIM = `UPDATE events SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $3)
  WHERE account_id = $1 AND seq = $2 AND state = 'queued' RETURNING ${BEFORE_ATTEMPT_COLUMNS}`;
/** pg_advisory_xact_lock key that serializes migrations of one database across processes. */
const MIGRATION_LOCK = 7_380_241_913;

export interface PostgresEventLogOptions {
  connectionString: string;
  keys: EncryptionKey[];
  poolSize?: number;
}

/**
 * The PostgreSQL engine, for several gateway and worker processes on several machines. Writers of
 * one account serialize on its `accounts` row (SELECT … FOR UPDATE, several accounts locked in
 * sorted order so two writers cannot deadlock), which makes sequence numbers follow commit order.
 * Every transaction that changes counters locks the account row first, for the same reason.
 */
export class PostgresEventLog implements EventLog {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;
  private readonly poolSize: number;
  private readonly cipher: PayloadCipher;
  private closing: Promise<void> | undefined;

  constructor(opts: PostgresEventLogOptions) {
    this.cipher = new PayloadCipher(opts.keys);
    this.poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
    this.pool = new Pool({
      connectionString: opts.connectionString,
      max: this.poolSize,
      // Connections once opened stay open (idle ones are not closed after 10 s): a burst of
      // webhooks after a quiet minute must not wait for new connections. See warm().
      min: this.poolSize,
      // A caller waits this long for a connection (pool full, or server unreachable), then fails
      // rather than hanging; the webhook answers 5xx and Billsby retries.
      connectionTimeoutMillis: 30_000,
      application_name: 'billsby-event-log',
      types: POOL_TYPES,
    });
    // An idle connection dropped by the server must not crash the process: the pool discards it
    // and the next query opens a new one. (After close() a server shutdown is expected.)
    this.pool.on('error', (err) => {
      if (!this.closing) productLogger('event-log').warn({ err }, 'idle PostgreSQL connection lost');
    });
  }

  async migrate(): Promise<void> {
    await this.tx(async (c) => {
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
  async warm(): Promise<void> {
    // All at once: each connect() opens a connection of its own while the others are held.
    const clients = await Promise.allSettled(
      Array.from({ length: this.poolSize }, () => this.pool.connect()),
    );
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

  async activateAccount(accountId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO accounts (account_id, active, created_at, updated_at) VALUES ($1, true, $2, $2)
       ON CONFLICT (account_id) DO UPDATE SET active = true, updated_at = excluded.updated_at`,
      [accountId, now()],
    );
  }

  async closeAccount(accountId: string): Promise<number> {
    return this.tx(async (c) => {
      const at = now();
      const locked = await c.query(
        'UPDATE accounts SET active = false, updated_at = $2 WHERE account_id = $1 RETURNING 1',
        [accountId, at],
      );
      if (locked.rowCount === 0) return 0;
      const { rows } = await c.query<{ n: number }>(
        `WITH gone AS (
           UPDATE events SET state = 'dropped', updated_at = $2 WHERE account_id = $1 AND state = 'queued' RETURNING 1
         ), n AS (SELECT count(*)::bigint AS n FROM gone)
         UPDATE accounts SET queued = queued - n.n, dropped = dropped + n.n FROM n WHERE account_id = $1 RETURNING n.n`,
        [accountId, at],
      );
      return rows[0]?.n ?? 0;
    });
  }

  async isAccountActive(accountId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ active: boolean }>(
      'SELECT active FROM accounts WHERE account_id = $1',
      [accountId],
    );
    return rows[0]?.active === true;
  }

  async append(requests: AppendRequest[], options: AppendOptions): Promise<AppendOutcome[]> {
    checkCount('maxUndelivered', options.maxUndelivered, 0);
    if (requests.length === 0) return [];
    // Encrypt before the transaction, so account locks are held as briefly as possible.
    const sealed = requests.map((r) => this.cipher.sealEvent(r.accountId, r.event));
    const accountIds = [...new Set(requests.map((r) => r.accountId))];
    return this.tx(async (c) => {
      const locked = await c.query<{ account_id: string; active: boolean; next_seq: number; queued: number }>(
        LOCK_ACCOUNTS,
        [accountIds],
      );
      const accounts = new Map<string, AccountState>(
        locked.rows.map((r) => [r.account_id, { active: r.active, nextSeq: r.next_seq, queued: r.queued }]),
      );
      // Read after the locks are held: this statement's snapshot includes every earlier writer.
      const candidates = requests.filter((r) => accounts.get(r.accountId)?.active);
      const logged = new Set<string>();
      if (candidates.length > 0) {
        const { rows } = await c.query<{ account_id: string; event_id: string }>(LOGGED_IDS, [
          candidates.map((r) => r.accountId),
          candidates.map((r) => r.event.Id),
        ]);
        for (const row of rows) logged.add(eventKey(row.account_id, row.event_id));
      }
      const plan = planAppend(requests, sealed, accounts, logged, options.maxUndelivered);
      if (plan.deltas.length > 0) {
        const { rows, deltas } = plan;
        await c.query(APPEND_WRITE, [
          rows.map((r) => r.accountId),
          rows.map((r) => r.seq),
          rows.map((r) => r.eventId),
          rows.map((r) => r.type),
          rows.map((r) => r.sealed.payload),
          rows.map((r) => r.sealed.keyId),
          now(),
          deltas.map((d) => d.accountId),
          deltas.map((d) => d.nextSeq),
          deltas.map((d) => d.received),
          deltas.map((d) => d.duplicates),
          deltas.map((d) => d.queued),
          rows.map((r) => r.sealed.customerTag),
        ]);
      }
      return plan.outcomes;
    });
  }

  async peekQueued(accountId: string, limit: number): Promise<QueuedRef[]> {
    checkCount('limit', limit);
    const { rows } = await this.pool.query<QueuedRef>(
      `SELECT seq, event_id AS "eventId", type FROM events
       WHERE account_id = $1 AND state = 'queued' ORDER BY seq LIMIT $2`,
      [accountId, limit],
    );
    return rows;
  }

  async readQueued(accountId: string, fromSeq: number, toSeq: number): Promise<QueuedEvent[]> {
    const { rows } = await this.pool.query<PayloadRow>(
      `SELECT ${RECORD_COLUMNS}, payload, payload_key_id FROM events
       WHERE account_id = $1 AND state = 'queued' AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [accountId, fromSeq, toSeq],
    );
    return rows.map((row) => ({
      ...toRecord(row),
      payload: this.cipher.open(accountId, row.event_id, { payload: row.payload, keyId: row.payload_key_id }),
    }));
  }

  async beginAttempt(accountId: string, seq: number, at: string): Promise<EventRecord | null> {
    const { rows } = await this.pool.query<EventRow>(CLAIM, [accountId, seq, at]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async markDeliveredAndBegin(
    accountId: string,
    delivered: { seq: number; messageIds: string[]; at: string },
    next: { seq: number; at: string },
  ): Promise<EventRecord | null> {
    const ids = checkMessageIds(delivered.messageIds);
    const row = await this.tx(async (c) => {
      await c.query('SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE', [accountId]);
      await c.query(FINISH.delivered, [accountId, delivered.seq, delivered.at, ids]);
      return (await c.query<EventRow>(CLAIM, [accountId, next.seq, next.at])).rows[0];
    });
    return row ? toRecord(row) : null;
  }

  async lastMessageIdBefore(accountId: string, seq: number): Promise<string | null> {
    const { rows } = await this.pool.query<{ message_ids: string }>(
      `SELECT message_ids FROM events WHERE account_id = $1 AND seq < $2 AND message_ids <> '[]'
         ORDER BY seq DESC LIMIT 1`,
      [accountId, seq],
    );
    return rows[0] ? ((JSON.parse(rows[0].message_ids) as string[]).at(-1) ?? null) : null;
  }

  async recordParts(accountId: string, seq: number, messageIds: string[]): Promise<void> {
    await this.pool.query(
      "UPDATE events SET message_ids = $3 WHERE account_id = $1 AND seq = $2 AND state = 'queued'",
      [accountId, seq, checkMessageIds(messageIds)],
    );
  }

  async markDelivered(accountId: string, seq: number, messageIds: string[], at: string): Promise<void> {
    await this.finish(FINISH.delivered, [accountId, seq, at, checkMessageIds(messageIds)]);
  }

  async markFailed(accountId: string, seq: number, reason: string, at: string): Promise<void> {
    await this.finish(FINISH.failed, [accountId, seq, at, reason]);
  }

  async get(accountId: string, eventId: string): Promise<EventRecord | null> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = $1 AND event_id = $2`,
      [accountId, eventId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(accountId: string, options: { state?: DeliveryState; limit: number }): Promise<EventRecord[]> {
    checkCount('limit', options.limit);
    const { rows } = options.state
      ? await this.pool.query<EventRow>(
          `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = $1 AND state = $2
           ORDER BY seq ${options.state === 'queued' ? 'ASC' : 'DESC'} LIMIT $3`,
          [accountId, options.state, options.limit],
        )
      : await this.pool.query<EventRow>(
          `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = $1 ORDER BY seq DESC LIMIT $2`,
          [accountId, options.limit],
        );
    return rows.map(toRecord);
  }

  async counts(accountId: string): Promise<LogCounts> {
    const { rows } = await this.pool.query<CountsRow>(
      'SELECT received, delivered, duplicates, queued, failed, dropped FROM accounts WHERE account_id = $1',
      [accountId],
    );
    return toCounts(rows[0]);
  }

  async getWebhookSecret(accountId: string): Promise<StoredWebhookSecret | null> {
    const { rows } = await this.pool.query<SecretRow>(
      `SELECT ${SECRET_COLUMNS} FROM webhook_secrets WHERE account_id = $1`,
      [accountId],
    );
    return rows[0] ? toStoredSecret(rows[0]) : null;
  }

  async putWebhookSecret(accountId: string, secret: StoredWebhookSecret): Promise<void> {
    await this.pool.query(UPSERT_SECRET_POSTGRES, secretValues(accountId, secret));
  }

  async consumeToken(tokenId: string, expiresAt: Date): Promise<boolean> {
    await this.pool.query('DELETE FROM used_tokens WHERE expires_at < now()');
    const inserted = await this.pool.query(
      'INSERT INTO used_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT (token_id) DO NOTHING',
      [tokenId, expiresAt],
    );
    return inserted.rowCount === 1;
  }

  async deliverySummary(): Promise<DeliverySummary> {
    const { rows } = await this.pool.query<SummaryRow>(deliverySummarySql('postgres'));
    return toDeliverySummary(rows[0]);
  }

  async accountsWithQueued(limit: number): Promise<string[]> {
    checkCount('limit', limit);
    const { rows } = await this.pool.query<{ account_id: string }>(
      'SELECT account_id FROM accounts WHERE active AND queued > 0 ORDER BY account_id LIMIT $1',
      [limit],
    );
    return rows.map((r) => r.account_id);
  }

  async select(
    accountId: string,
    options: { state: DeliveryState; since?: string; limit: number },
  ): Promise<EventRecord[]> {
    checkCount('limit', options.limit);
    const since = isoOrEmpty(options.since);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${RECORD_COLUMNS} FROM events
       WHERE account_id = $1 AND state = $2 AND ($3::timestamptz IS NULL OR updated_at >= $3)
       ORDER BY seq LIMIT $4`,
      [accountId, options.state, since === '' ? null : since, options.limit],
    );
    return rows.map(toRecord);
  }

  async readPayloads(accountId: string, eventIds: string[]): Promise<Map<string, BillsbyEvent>> {
    const { rows } = await this.pool.query<{ event_id: string; payload: Buffer; payload_key_id: string }>(
      `SELECT event_id, payload, payload_key_id FROM events
       WHERE account_id = $1 AND event_id = ANY($2::text[]) AND payload_erased_at IS NULL`,
      [accountId, [...new Set(eventIds)]],
    );
    return new Map(
      rows.map((row) => [
        row.event_id,
        this.cipher.open(accountId, row.event_id, { payload: row.payload, keyId: row.payload_key_id }),
      ]),
    );
  }

  async redeliver(accountId: string, changes: RedeliveryChange[], at: string): Promise<RedeliveryOutcome[]> {
    return this.tx(async (c) => {
      const locked = await c.query<{ active: boolean; next_seq: number }>(
        'SELECT active, next_seq FROM accounts WHERE account_id = $1 FOR UPDATE',
        [accountId],
      );
      const account = locked.rows[0];
      let nextSeq = account?.next_seq ?? 0;
      const delta: Record<DeliveryState, number> = { queued: 0, delivered: 0, failed: 0, dropped: 0 };
      const outcomes: RedeliveryOutcome[] = [];
      for (const { eventId, from, to, messageIds } of changes) {
        const current = await c.query<{ state: DeliveryState }>(
          'SELECT state FROM events WHERE account_id = $1 AND event_id = $2 FOR UPDATE',
          [accountId, eventId],
        );
        const state = current.rows[0]?.state ?? null;
        if (!account?.active || state !== from || from === to) {
          outcomes.push({ eventId, applied: false, state });
          continue;
        }
        const ids = checkMessageIds(messageIds);
        if (to === 'queued') {
          await c.query(
            `UPDATE events SET seq = $3, state = 'queued', attempts = 0, first_attempt_at = NULL, delivered_at = NULL,
               last_error = NULL, message_ids = $4, updated_at = $5 WHERE account_id = $1 AND event_id = $2`,
            [accountId, eventId, nextSeq++, ids, at],
          );
        } else {
          await c.query(
            `UPDATE events SET state = 'delivered', delivered_at = $4, message_ids = $3, last_error = NULL, updated_at = $4
             WHERE account_id = $1 AND event_id = $2`,
            [accountId, eventId, ids, at],
          );
        }
        delta[from] -= 1;
        delta[to] += 1;
        outcomes.push({ eventId, applied: true, state: to });
      }
      if (account && outcomes.some((o) => o.applied)) {
        await c.query(
          `UPDATE accounts SET next_seq = $2, queued = queued + $3, delivered = delivered + $4, failed = failed + $5,
             dropped = dropped + $6, updated_at = $7 WHERE account_id = $1`,
          [accountId, nextSeq, delta.queued, delta.delivered, delta.failed, delta.dropped, at],
        );
      }
      return outcomes;
    });
  }

  async erasePayloads(deliveredBefore: string, at: string, limit: number): Promise<number> {
    checkCount('limit', limit);
    const { rowCount } = await this.pool.query(
      `WITH due AS (
         SELECT account_id, seq FROM events
         WHERE state = 'delivered' AND payload_erased_at IS NULL AND delivered_at < $1
         ORDER BY delivered_at LIMIT $3 FOR UPDATE SKIP LOCKED
       )
       UPDATE events e SET payload = ''::bytea, payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL,
         payload_erased_at = $2
       FROM due WHERE e.account_id = due.account_id AND e.seq = due.seq
         AND e.state = 'delivered' AND e.payload_erased_at IS NULL`,
      [isoOrEmpty(deliveredBefore), at, limit],
    );
    return rowCount ?? 0;
  }

  async forgetCustomer(
    accountId: string,
    customerUniqueId: string,
    at: string,
  ): Promise<ForgetOutcome | null> {
    const tags = this.cipher.customerTags(accountId, customerUniqueId);
    // Rows appended before customer tags existed are found by decrypting them (outside the lock).
    const { rows } = await this.pool.query<{ event_id: string; payload: Buffer; payload_key_id: string }>(
      `SELECT event_id, payload, payload_key_id FROM events
       WHERE account_id = $1 AND customer_tag IS NULL AND payload_erased_at IS NULL`,
      [accountId],
    );
    const untagged = rows
      .filter((row) => customerOf(this.cipher, accountId, row) === customerUniqueId)
      .map((row) => row.event_id);
    const match = `account_id = $1 AND payload_erased_at IS NULL
      AND (customer_tag = ANY($2::text[]) OR event_id = ANY($3::text[]))`;
    return this.tx(async (c) => {
      const locked = await c.query('SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE', [accountId]);
      if (locked.rowCount === 0) return null;
      const dropped =
        (
          await c.query(
            `UPDATE events SET state = 'dropped', last_error = $4, updated_at = $5 WHERE state = 'queued' AND ${match}`,
            [accountId, tags, untagged, ERASED_ON_REQUEST, at],
          )
        ).rowCount ?? 0;
      const erased =
        (
          await c.query(
            `UPDATE events SET payload = ''::bytea, payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL,
               payload_erased_at = $4 WHERE ${match}`,
            [accountId, tags, untagged, at],
          )
        ).rowCount ?? 0;
      if (dropped > 0) {
        await c.query(
          'UPDATE accounts SET queued = queued - $2, dropped = dropped + $2, updated_at = $3 WHERE account_id = $1',
          [accountId, dropped, at],
        );
      }
      return { erased, dropped };
    });
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  /** queued → delivered/failed: the account row is locked first, like closeAccount does. */
  private async finish(sql: string, values: unknown[]): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE', [values[0]]);
      await c.query(sql, values);
    });
  }

  private async tx<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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
}

const now = () => new Date().toISOString();
