export * from './types';
export { DEFAULT_MAX_UNDELIVERED, DEFAULT_SQLITE_PATH, openEventLog, type OpenEventLogOptions } from './open';
export { PayloadCipher, type SealedPayload } from './payload-cipher';
export { DEFAULT_POOL_SIZE, postgresEventLog, type PostgresEventLogOptions } from './postgres';
export { SQLITE_BUSY_TIMEOUT_MS, sqliteEventLog, type SqliteEventLogOptions } from './sqlite';
