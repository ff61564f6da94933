import {
  SECRET_COLUMNS,
  secretValues,
  toStoredSecret,
  UPSERT_SECRET_SQLITE,
  type SecretRow,
} from './secret-rows';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { accountsOf, eventKey, planAppend, type AccountState } from './append-plan';
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
import { SQLITE_MIGRATIONS } from './sql/sqlite-migrations';
import { ACTIVATE, ADD_TO_COUNTERS, CREATE_MIGRATIONS_TABLE, INSERT_EVENT } from './sql/sqlite-statements';
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

/** How long a writer waits for another process's write transaction before failing (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export interface SqliteEventLogOptions {
  path: string;
  keys: EncryptionKey[];
  busyTimeoutMs?: number;
}

/** finish()'s arguments: the event, its final state and when, and the other columns to set. */
type FinishArgs = [
  accountId: string,
  seq: number,
  state: 'delivered' | 'failed',
  at: string,
  set: string,
  values: unknown[],
];

/**
 * The embedded engine: one SQLite file in the data folder, opened at once by the gateway, the
 * worker and the CLI. WAL lets readers run beside the one writer; every write transaction is
 * BEGIN IMMEDIATE, so it takes the write lock up front (waiting up to busy_timeout) instead of
 * failing on lock upgrade, and sequence numbers follow commit order. synchronous=FULL makes a
 * commit durable before append() resolves (the gateway's 202 promises it).
 *
 * better-sqlite3 is synchronous: each method runs to completion inside its async wrapper.
 */
export class SqliteEventLog implements EventLog {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly cipher: PayloadCipher;
  private readonly statements = new Map<string, Database.Statement>();
  private closed = false;

  constructor(opts: SqliteEventLogOptions) {
    this.cipher = new PayloadCipher(opts.keys);
    prepareFile(opts.path);
    this.db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    this.write(() => {
      this.db.exec(CREATE_MIGRATIONS_TABLE);
      // Read inside the write lock: another process may have migrated while we waited.
      const applied = new Set(
        this.q<[], { version: number }>('SELECT version FROM schema_migrations')
          .all()
          .map((r) => r.version),
      );
      for (const step of SQLITE_MIGRATIONS) {
        if (applied.has(step.version)) continue;
        this.db.exec(step.sql);
        this.q('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          step.version,
          step.name,
          now(),
        );
      }
    });
  }

  async activateAccount(accountId: string): Promise<void> {
    this.write(() => this.q(ACTIVATE).run({ accountId, at: now() }));
  }

  async closeAccount(accountId: string): Promise<number> {
    return this.write(() => {
      const at = now();
      const account = this.q(
        'UPDATE accounts SET active = 0, updated_at = ? WHERE account_id = ? RETURNING account_id',
      ).get(at, accountId);
      if (!account) return 0;
      const { changes } = this.q(
        "UPDATE events SET state = 'dropped', updated_at = ? WHERE account_id = ? AND state = 'queued'",
      ).run(at, accountId);
      this.q('UPDATE accounts SET queued = queued - ?, dropped = dropped + ? WHERE account_id = ?').run(
        changes,
        changes,
        accountId,
      );
      return changes;
    });
  }

  async isAccountActive(accountId: string): Promise<boolean> {
    const row = this.q<[string], { active: number }>('SELECT active FROM accounts WHERE account_id = ?').get(
      accountId,
    );
    return row?.active === 1;
  }

  async append(requests: AppendRequest[], options: AppendOptions): Promise<AppendOutcome[]> {
    checkCount('maxUndelivered', options.maxUndelivered, 0);
    if (requests.length === 0) return [];
    // Encrypt before taking the write lock, so other processes wait as little as possible.
    const sealed = requests.map((r) => this.cipher.sealEvent(r.accountId, r.event));
    return this.write(() => {
      const readAccount = this.q<[string], { active: number; next_seq: number; queued: number }>(
        'SELECT active, next_seq, queued FROM accounts WHERE account_id = ?',
      );
      const accounts = new Map<string, AccountState>();
      for (const accountId of accountsOf(requests)) {
        const row = readAccount.get(accountId);
        if (row)
          accounts.set(accountId, { active: row.active === 1, nextSeq: row.next_seq, queued: row.queued });
      }
      const exists = this.q('SELECT 1 FROM events WHERE account_id = ? AND event_id = ?').pluck();
      const logged = new Set<string>();
      for (const { accountId, event } of requests) {
        if (accounts.get(accountId)?.active && exists.get(accountId, event.Id) !== undefined) {
          logged.add(eventKey(accountId, event.Id));
        }
      }
      const plan = planAppend(requests, sealed, accounts, logged, options.maxUndelivered);
      const at = now();
      const insert = this.q(INSERT_EVENT);
      for (const { sealed, ...row } of plan.rows) {
        insert.run({
          ...row,
          at,
          payload: sealed.payload,
          keyId: sealed.keyId,
          customerTag: sealed.customerTag,
        });
      }
      const update = this.q(ADD_TO_COUNTERS);
      for (const delta of plan.deltas) update.run({ ...delta, at });
      return plan.outcomes;
    });
  }

  async peekQueued(accountId: string, limit: number): Promise<QueuedRef[]> {
    checkCount('limit', limit);
    return this.q<[string, number], QueuedRef>(
      `SELECT seq, event_id AS eventId, type FROM events
         WHERE account_id = ? AND state = 'queued' ORDER BY seq LIMIT ?`,
    ).all(accountId, limit);
  }

  async readQueued(accountId: string, fromSeq: number, toSeq: number): Promise<QueuedEvent[]> {
    const rows = this.q<[string, number, number], PayloadRow>(
      `SELECT ${RECORD_COLUMNS}, payload, payload_key_id FROM events
         WHERE account_id = ? AND state = 'queued' AND seq BETWEEN ? AND ? ORDER BY seq`,
    ).all(accountId, fromSeq, toSeq);
    return rows.map((row) => ({
      ...toRecord(row),
      payload: this.cipher.open(accountId, row.event_id, { payload: row.payload, keyId: row.payload_key_id }),
    }));
  }

  async beginAttempt(accountId: string, seq: number, at: string): Promise<EventRecord | null> {
    const row = this.write(() => this.claim(accountId, seq, at));
    return row ? toRecord(row) : null;
  }

  async markDeliveredAndBegin(
    accountId: string,
    delivered: { seq: number; messageIds: string[]; at: string },
    next: { seq: number; at: string },
  ): Promise<EventRecord | null> {
    const ids = checkMessageIds(delivered.messageIds);
    const row = this.write(() => {
      this.finishIn(
        accountId,
        delivered.seq,
        'delivered',
        delivered.at,
        'message_ids = ?, delivered_at = ?',
        [ids, delivered.at],
      );
      return this.claim(accountId, next.seq, next.at);
    });
    return row ? toRecord(row) : null;
  }

  async lastMessageIdBefore(accountId: string, seq: number): Promise<string | null> {
    const ids = this.q<[string, number], string>(
      `SELECT message_ids FROM events WHERE account_id = ? AND seq < ? AND message_ids <> '[]'
         ORDER BY seq DESC LIMIT 1`,
    )
      .pluck()
      .get(accountId, seq);
    return ids === undefined ? null : ((JSON.parse(ids) as string[]).at(-1) ?? null);
  }

  async recordParts(accountId: string, seq: number, messageIds: string[]): Promise<void> {
    const ids = checkMessageIds(messageIds);
    this.write(() =>
      this.q("UPDATE events SET message_ids = ? WHERE account_id = ? AND seq = ? AND state = 'queued'").run(
        ids,
        accountId,
        seq,
      ),
    );
  }

  async markDelivered(accountId: string, seq: number, messageIds: string[], at: string): Promise<void> {
    const ids = checkMessageIds(messageIds);
    this.finish(accountId, seq, 'delivered', at, 'message_ids = ?, delivered_at = ?', [ids, at]);
  }

  async markFailed(accountId: string, seq: number, reason: string, at: string): Promise<void> {
    this.finish(accountId, seq, 'failed', at, 'last_error = ?', [reason]);
  }

  async get(accountId: string, eventId: string): Promise<EventRecord | null> {
    const row = this.q<[string, string], EventRow>(
      `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = ? AND event_id = ?`,
    ).get(accountId, eventId);
    return row ? toRecord(row) : null;
  }

  async list(accountId: string, options: { state?: DeliveryState; limit: number }): Promise<EventRecord[]> {
    checkCount('limit', options.limit);
    const rows = options.state
      ? this.q<[string, string, number], EventRow>(
          `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = ? AND state = ?
             ORDER BY seq ${options.state === 'queued' ? 'ASC' : 'DESC'} LIMIT ?`,
        ).all(accountId, options.state, options.limit)
      : this.q<[string, number], EventRow>(
          `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = ? ORDER BY seq DESC LIMIT ?`,
        ).all(accountId, options.limit);
    return rows.map(toRecord);
  }

  async counts(accountId: string): Promise<LogCounts> {
    const row = this.q<[string], CountsRow>(
      'SELECT received, delivered, duplicates, queued, failed, dropped FROM accounts WHERE account_id = ?',
    ).get(accountId);
    return toCounts(row);
  }

  async getWebhookSecret(accountId: string): Promise<StoredWebhookSecret | null> {
    const row = this.q<[string], SecretRow>(
      `SELECT ${SECRET_COLUMNS} FROM webhook_secrets WHERE account_id = ?`,
    ).get(accountId);
    return row ? toStoredSecret(row) : null;
  }

  async putWebhookSecret(accountId: string, secret: StoredWebhookSecret): Promise<void> {
    this.write(() => this.q(UPSERT_SECRET_SQLITE).run(...secretValues(accountId, secret)));
  }

  async consumeToken(tokenId: string, expiresAt: Date): Promise<boolean> {
    return this.write(() => {
      this.q('DELETE FROM used_tokens WHERE expires_at < ?').run(new Date().toISOString());
      const inserted = this.q(
        'INSERT INTO used_tokens (token_id, expires_at) VALUES (?, ?) ON CONFLICT (token_id) DO NOTHING',
      ).run(tokenId, expiresAt.toISOString());
      return inserted.changes === 1;
    });
  }

  async deliverySummary(): Promise<DeliverySummary> {
    return toDeliverySummary(this.q<[], SummaryRow>(deliverySummarySql('sqlite')).get());
  }

  async accountsWithQueued(limit: number): Promise<string[]> {
    checkCount('limit', limit);
    return this.q<[number], string>(
      'SELECT account_id FROM accounts WHERE active = 1 AND queued > 0 ORDER BY account_id LIMIT ?',
    )
      .pluck()
      .all(limit);
  }

  async select(
    accountId: string,
    options: { state: DeliveryState; since?: string; limit: number },
  ): Promise<EventRecord[]> {
    checkCount('limit', options.limit);
    return this.q<[string, string, string, number], EventRow>(
      `SELECT ${RECORD_COLUMNS} FROM events WHERE account_id = ? AND state = ? AND updated_at >= ?
         ORDER BY seq LIMIT ?`,
    )
      .all(accountId, options.state, isoOrEmpty(options.since), options.limit)
      .map(toRecord);
  }

  async readPayloads(accountId: string, eventIds: string[]): Promise<Map<string, BillsbyEvent>> {
    const read = this.q<[string, string], { payload: Buffer; payload_key_id: string }>(
      'SELECT payload, payload_key_id FROM events WHERE account_id = ? AND event_id = ? AND payload_erased_at IS NULL',
    );
    const payloads = new Map<string, BillsbyEvent>();
    for (const eventId of new Set(eventIds)) {
      const row = read.get(accountId, eventId);
      if (row)
        payloads.set(
          eventId,
          this.cipher.open(accountId, eventId, { payload: row.payload, keyId: row.payload_key_id }),
        );
    }
    return payloads;
  }

  async redeliver(accountId: string, changes: RedeliveryChange[], at: string): Promise<RedeliveryOutcome[]> {
    return this.write(() => {
      const account = this.q<[string], { active: number; next_seq: number }>(
        'SELECT active, next_seq FROM accounts WHERE account_id = ?',
      ).get(accountId);
      const stateOf = this.q<[string, string], string>(
        'SELECT state FROM events WHERE account_id = ? AND event_id = ?',
      ).pluck();
      const requeue = this.q(
        `UPDATE events SET seq = ?, state = 'queued', attempts = 0, first_attempt_at = NULL, delivered_at = NULL,
           last_error = NULL, message_ids = ?, updated_at = ? WHERE account_id = ? AND event_id = ?`,
      );
      const deliver = this.q(
        `UPDATE events SET state = 'delivered', delivered_at = ?, message_ids = ?, last_error = NULL, updated_at = ?
         WHERE account_id = ? AND event_id = ?`,
      );
      let nextSeq = account?.next_seq ?? 0;
      const delta: Record<DeliveryState, number> = { queued: 0, delivered: 0, failed: 0, dropped: 0 };
      const outcomes = changes.map(({ eventId, from, to, messageIds }): RedeliveryOutcome => {
        const state = (stateOf.get(accountId, eventId) as DeliveryState | undefined) ?? null;
        if (account?.active !== 1 || state !== from || from === to) return { eventId, applied: false, state };
        const ids = checkMessageIds(messageIds);
        if (to === 'queued') requeue.run(nextSeq++, ids, at, accountId, eventId);
        else deliver.run(at, ids, at, accountId, eventId);
        delta[from] -= 1;
        delta[to] += 1;
        return { eventId, applied: true, state: to };
      });
      if (account && outcomes.some((o) => o.applied)) {
        this.q(
          `UPDATE accounts SET next_seq = ?, queued = queued + ?, delivered = delivered + ?, failed = failed + ?,
             dropped = dropped + ?, updated_at = ? WHERE account_id = ?`,
        ).run(nextSeq, delta.queued, delta.delivered, delta.failed, delta.dropped, at, accountId);
      }
      return outcomes;
    });
  }

  async erasePayloads(deliveredBefore: string, at: string, limit: number): Promise<number> {
    checkCount('limit', limit);
    return this.write(
      () =>
        this.q(
          `UPDATE events SET payload = X'', payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL, payload_erased_at = ?
           WHERE rowid IN (SELECT rowid FROM events WHERE state = 'delivered' AND payload_erased_at IS NULL
             AND delivered_at < ? ORDER BY delivered_at LIMIT ?)`,
        ).run(at, isoOrEmpty(deliveredBefore), limit).changes,
    );
  }

  async forgetCustomer(
    accountId: string,
    customerUniqueId: string,
    at: string,
  ): Promise<ForgetOutcome | null> {
    const tags = this.cipher.customerTags(accountId, customerUniqueId);
    // Rows appended before customer tags existed are found by decrypting them (outside the lock).
    const untagged = this.q<[string], { event_id: string; payload: Buffer; payload_key_id: string }>(
      `SELECT event_id, payload, payload_key_id FROM events
       WHERE account_id = ? AND customer_tag IS NULL AND payload_erased_at IS NULL`,
    )
      .all(accountId)
      .filter((row) => customerOf(this.cipher, accountId, row) === customerUniqueId)
      .map((row) => row.event_id);
    const match = `account_id = ? AND payload_erased_at IS NULL
      AND (customer_tag IN (${tags.map(() => '?').join(', ')}) OR event_id IN (SELECT value FROM json_each(?)))`;
    const args = [accountId, ...tags, JSON.stringify(untagged)];
    return this.write(() => {
      if (this.q('SELECT 1 FROM accounts WHERE account_id = ?').get(accountId) === undefined) return null;
      const dropped = this.q(
        `UPDATE events SET state = 'dropped', last_error = ?, updated_at = ? WHERE state = 'queued' AND ${match}`,
      ).run(ERASED_ON_REQUEST, at, ...args).changes;
      const erased = this.q(
        `UPDATE events SET payload = X'', payload_key_id = '${ERASED_KEY_ID}', customer_tag = NULL,
           payload_erased_at = ? WHERE ${match}`,
      ).run(at, ...args).changes;
      if (dropped > 0) {
        this.q(
          'UPDATE accounts SET queued = queued - ?, dropped = dropped + ?, updated_at = ? WHERE account_id = ?',
        ).run(dropped, dropped, at, accountId);
      }
      return { erased, dropped };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** queued → a final state, with the account's counters, in one write transaction. */
  private finish(...args: FinishArgs): void {
    this.write(() => this.finishIn(...args));
  }

  /** finish()'s statements, inside the caller's write transaction. */
  private finishIn(...[accountId, seq, state, at, set, values]: FinishArgs): void {
    const { changes } = this.q(
      `UPDATE events SET state = ?, updated_at = ?, ${set} WHERE account_id = ? AND seq = ? AND state = 'queued'`,
    ).run(state, at, ...values, accountId, seq);
    if (changes === 0) return;
    this.q(
      `UPDATE accounts SET queued = queued - 1, ${state} = ${state} + 1, updated_at = ? WHERE account_id = ?`,
    ).run(at, accountId);
  }

  /** beginAttempt's claim, inside the caller's write transaction: the row as it was before it. */
  private claim(accountId: string, seq: number, at: string): EventRow | undefined {
    return this.q<[string, string, number], EventRow>(
      `UPDATE events SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?)
       WHERE account_id = ? AND seq = ? AND state = 'queued' RETURNING ${BEFORE_ATTEMPT_COLUMNS}`,
    ).get(at, accountId, seq);
  }

  /** Every write is BEGIN IMMEDIATE (see the class comment). */
  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Prepared statements, compiled once per connection (lazily: the tables exist after migrate). */
  private q<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<P, R>;
  }
}

/** The data folder is created 0700 and the file 0600 before SQLite opens it (WAL files follow). */
function prepareFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}

const now = () => new Date().toISOString();
