import {
  accountsOf,
  eventKey,
  planAppend,
  prepareRequests,
  requestEventId,
  type AccountState,
  type LoggedState,
} from './append-plan';
import type { PayloadCipher } from './payload-cipher';
import { checkCount, now } from './rows';
import type { SqliteConnection } from './sqlite-connection';
import {
  ACTIVATE,
  ADD_TO_COUNTERS,
  ID_LOGGED,
  INSERT_EVENT,
  INSERT_IGNORED,
  INSERT_ONCE_KEY,
} from './sql/sqlite-statements';
import type { AppendOptions, AppendOutcome, AppendRequest } from './types';

/**
 * The SQLite engine's writes that let events in: an account's activation and closing, and
 * append, each in one write transaction.
 */

export function activateAccount(db: SqliteConnection, accountId: string): void {
  db.write(() => db.q(ACTIVATE).run({ accountId, at: now() }));
}

export function closeAccount(db: SqliteConnection, accountId: string): number {
  return db.write(() => {
    const at = now();
    const account = db
      .q('UPDATE accounts SET active = 0, updated_at = ? WHERE account_id = ? RETURNING account_id')
      .get(at, accountId);
    if (!account) return 0;
    const { changes } = db
      .q("UPDATE events SET state = 'dropped', updated_at = ? WHERE account_id = ? AND state = 'queued'")
      .run(at, accountId);
    db.q('UPDATE accounts SET queued = queued - ?, dropped = dropped + ? WHERE account_id = ?').run(
      changes,
      changes,
      accountId,
    );
    return changes;
  });
}

export function isAccountActive(db: SqliteConnection, accountId: string): boolean {
  const row = db
    .q<[string], { active: number }>('SELECT active FROM accounts WHERE account_id = ?')
    .get(accountId);
  return row?.active === 1;
}

export function append(
  db: SqliteConnection,
  cipher: PayloadCipher,
  requests: AppendRequest[],
  options: AppendOptions,
): AppendOutcome[] {
  checkCount('maxUndelivered', options.maxUndelivered, 0);
  if (requests.length === 0) return [];
  // Encrypt and tag before taking the write lock, so other processes wait as little as possible.
  const { prepared, lookups } = prepareRequests(cipher, requests);
  return db.write(() => {
    const readAccount = db.q<[string], { active: number; next_seq: number; queued: number }>(
      'SELECT active, next_seq, queued FROM accounts WHERE account_id = ?',
    );
    const accounts = new Map<string, AccountState>();
    for (const accountId of accountsOf(requests)) {
      const row = readAccount.get(accountId);
      if (row)
        accounts.set(accountId, { active: row.active === 1, nextSeq: row.next_seq, queued: row.queued });
    }
    const logged: LoggedState = { ids: new Set(), onceKeys: new Map() };
    const exists = db.q(ID_LOGGED).pluck();
    for (const request of requests) {
      const eventId = requestEventId(request);
      if (
        accounts.get(request.accountId)?.active &&
        exists.get({ accountId: request.accountId, eventId }) !== undefined
      ) {
        logged.ids.add(eventKey(request.accountId, eventId));
      }
    }
    const taken = db
      .q<[string, string], string>('SELECT event_id FROM once_keys WHERE account_id = ? AND key_tag = ?')
      .pluck();
    for (const { accountId, keyTag, once } of lookups) {
      const first = accounts.get(accountId)?.active ? taken.get(accountId, keyTag) : undefined;
      if (first !== undefined) logged.onceKeys.set(once, first);
    }
    const plan = planAppend(requests, prepared, accounts, logged, options.maxUndelivered);
    const at = now();
    const insert = db.q(INSERT_EVENT);
    for (const { sealed, ...row } of plan.rows) {
      insert.run({
        ...row,
        at,
        payload: sealed.payload,
        keyId: sealed.keyId,
        customerTag: sealed.customerTag,
      });
    }
    const insertIgnored = db.q(INSERT_IGNORED);
    for (const row of plan.ignored) insertIgnored.run({ ...row, at });
    const insertOnceKey = db.q(INSERT_ONCE_KEY);
    for (const row of plan.onceKeys) insertOnceKey.run(row);
    const update = db.q(ADD_TO_COUNTERS);
    for (const delta of plan.deltas) update.run({ ...delta, at });
    return plan.outcomes;
  });
}
