import path from 'node:path';
import type { EncryptionKey } from '../temporal/codec';
import { DATA_DIR } from '../temporal/paths';
import { postgresEventLog } from './postgres';
import { sqliteEventLog } from './sqlite';
import type { EventLog } from './types';

/** Per-account cap on queued events unless configured otherwise (AppendOptions.maxUndelivered). */
export const DEFAULT_MAX_UNDELIVERED = 1_000_000;

/** The embedded engine's file when no path is given. */
export const DEFAULT_SQLITE_PATH = path.join(DATA_DIR, 'event-log.sqlite');

export interface OpenEventLogOptions {
  /** PostgreSQL URL (`DATABASE_URL`); when set, the PostgreSQL engine is used. */
  databaseUrl?: string;
  /** The SQLite file when no databaseUrl is set; default `<DATA_DIR>/event-log.sqlite`. */
  sqlitePath?: string;
  /** The payload keys: the first encrypts, all decrypt. */
  keys: EncryptionKey[];
  /** PostgreSQL connection pool size (default 10). */
  poolSize?: number;
}

/** Opens the configured engine and migrates its schema before answering. */
export async function openEventLog(opts: OpenEventLogOptions): Promise<EventLog> {
  const postgres = opts.databaseUrl
    ? postgresEventLog({ connectionString: opts.databaseUrl, keys: opts.keys, poolSize: opts.poolSize })
    : undefined;
  const log: EventLog =
    postgres ?? sqliteEventLog({ path: opts.sqlitePath ?? DEFAULT_SQLITE_PATH, keys: opts.keys });
  try {
    await log.migrate();
    await postgres?.warm();
  } catch (err) {
    await log.close().catch(() => undefined);
    throw err;
  }
  return log;
}
