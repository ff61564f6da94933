/** The SQLite engine's statements that are longer than a line (named parameters: `@name`). */

export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`;

export const ACTIVATE = `
  INSERT INTO accounts (account_id, active, created_at, updated_at) VALUES (@accountId, 1, @at, @at)
  ON CONFLICT (account_id) DO UPDATE SET active = 1, updated_at = excluded.updated_at`;

export const INSERT_EVENT = `
  INSERT INTO events (account_id, seq, event_id, type, state, received_at, updated_at, payload, payload_key_id, customer_tag)
  VALUES (@accountId, @seq, @eventId, @type, 'queued', @at, @at, @payload, @keyId, @customerTag)`;

export const INSERT_IGNORED = `
  INSERT INTO ignored_events (account_id, seq, event_id, type, reason, received_at)
  VALUES (@accountId, @seq, @eventId, @type, @reason, @at)`;

export const INSERT_ONCE_KEY = `
  INSERT INTO once_keys (account_id, key_tag, event_id) VALUES (@accountId, @keyTag, @eventId)`;

/** Whether the account's log holds this id, as an event or as an ignored event. */
export const ID_LOGGED = `
  SELECT 1 FROM events WHERE account_id = @accountId AND event_id = @eventId
  UNION ALL SELECT 1 FROM ignored_events WHERE account_id = @accountId AND event_id = @eventId`;

export const ADD_TO_COUNTERS = `
  UPDATE accounts SET next_seq = @nextSeq, received = received + @received,
    duplicates = duplicates + @duplicates, queued = queued + @queued, ignored = ignored + @ignored,
    updated_at = @at
  WHERE account_id = @accountId`;
