import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { now } from './rows';
import { SQLITE_MIGRATIONS } from './sql/sqlite-migrations';
import { CREATE_MIGRATIONS_TABLE } from './sql/sqlite-statements';

/**
 * The SQLite engine's connection: the file's permissions and pragmas, write transactions,
 * prepared statements and schema migrations. Kept apart from the statements so each group of
 * EventLog methods (appends, delivery, queries, redelivery, privacy, secrets, leases) only runs
 * SQL through `q` and `write`.
 */

/** How long a writer waits for another process's write transaction before failing (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export class SqliteConnection {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private closed = false;

  constructor(file: string, busyTimeoutMs = SQLITE_BUSY_TIMEOUT_MS) {
    prepareFile(file);
    this.db = new Database(file, { timeout: busyTimeoutMs });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
  }

  /** Applies the migrations not yet recorded in schema_migrations, inside the write lock. */
  migrate(): void {
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

  /** Every write is BEGIN IMMEDIATE (see SqliteEventLog's comment). */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Prepared statements, compiled once per connection (lazily: the tables exist after migrate). */
  q<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<P, R>;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** The data folder is created 0700 and the file 0600 before SQLite opens it (WAL files follow). */
function prepareFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}
