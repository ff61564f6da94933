import type { Pool } from 'pg';
import {
  eventKey,
  planAppend,
  prepareRequests,
  requestEventId,
  type AccountState,
  type LoggedState,
} from './append-plan';
import type { PayloadCipher } from './payload-cipher';
import { checkCount, now } from './rows';
import { inTransaction, pipelinedTransaction, type Statement } from './postgres-connection';
import { APPEND_WRITE, LOCK_ACCOUNTS, LOGGED_IDS, TAKEN_ONCE_KEYS } from './sql/postgres-statements';
import type { AppendOptions, AppendOutcome, AppendRequest } from './types';

/**
 * The PostgreSQL engine's writes that let events in: an account's activation and closing, and
 * append. Each takes the account rows' locks first, so sequence numbers follow commit order.
 */

export async function activateAccount(pool: Pool, accountId: string): Promise<void> {
  await pool.query(
    `INSERT INTO accounts (account_id, active, created_at, updated_at) VALUES ($1, true, $2, $2)
     ON CONFLICT (account_id) DO UPDATE SET active = true, updated_at = excluded.updated_at`,
    [accountId, now()],
  );
}

export async function closeAccount(pool: Pool, accountId: string): Promise<number> {
  return inTransaction(pool, async (c) => {
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

export async function isAccountActive(pool: Pool, accountId: string): Promise<boolean> {
  const { rows } = await pool.query<{ active: boolean }>(
    'SELECT active FROM accounts WHERE account_id = $1',
    [accountId],
  );
  return rows[0]?.active === true;
}

/**
 * Appends a batch in one transaction and two round trips (pipelinedTransaction): the account locks
 * and the reads of ids and once keys already logged go out with BEGIN; the rows, the counters and
 * COMMIT go out together. `pool` must be pipelined. Five sequential round trips made a batch
 * take 20-50 ms on a busy two-core machine, and webhooks wait for the batch before theirs as well
 * as their own.
 */
export async function append(
  pool: Pool,
  cipher: PayloadCipher,
  requests: AppendRequest[],
  options: AppendOptions,
): Promise<AppendOutcome[]> {
  checkCount('maxUndelivered', options.maxUndelivered, 0);
  if (requests.length === 0) return [];
  // Encrypt and tag before the transaction, so account locks are held as briefly as possible.
  const { prepared, lookups } = prepareRequests(cipher, requests);
  const accountIds = [...new Set(requests.map((r) => r.accountId))];
  const reads: Statement[] = [
    [LOCK_ACCOUNTS, [accountIds]],
    // These run after the locks are held: their snapshots include every earlier writer's rows.
    [LOGGED_IDS, [requests.map((r) => r.accountId), requests.map(requestEventId)]],
    [TAKEN_ONCE_KEYS, [lookups.map((l) => l.accountId), lookups.map((l) => l.keyTag)]],
  ];
  return pipelinedTransaction(pool, reads, ([locked, loggedRows, onceRows]) => {
    const accounts = new Map<string, AccountState>(
      (locked!.rows as { account_id: string; active: boolean; next_seq: number; queued: number }[]).map(
        (r) => [r.account_id, { active: r.active, nextSeq: r.next_seq, queued: r.queued }],
      ),
    );
    const logged: LoggedState = {
      ids: new Set<string>(
        (loggedRows!.rows as { account_id: string; event_id: string }[]).map((row) =>
          eventKey(row.account_id, row.event_id),
        ),
      ),
      onceKeys: new Map(),
    };
    const firstByTag = new Map(
      (onceRows!.rows as { account_id: string; key_tag: string; event_id: string }[]).map((row) => [
        eventKey(row.account_id, row.key_tag),
        row.event_id,
      ]),
    );
    for (const { accountId, keyTag, once } of lookups) {
      const first = firstByTag.get(eventKey(accountId, keyTag));
      if (first !== undefined) logged.onceKeys.set(once, first);
    }
    const plan = planAppend(requests, prepared, accounts, logged, options.maxUndelivered);
    if (plan.deltas.length === 0) return { writes: [], answer: plan.outcomes };
    const { rows, ignored, onceKeys, deltas } = plan;
    const write: Statement = [
      APPEND_WRITE,
      [
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
        deltas.map((d) => d.ignored),
        ignored.map((r) => r.accountId),
        ignored.map((r) => r.seq),
        ignored.map((r) => r.eventId),
        ignored.map((r) => r.type),
        ignored.map((r) => r.reason),
        onceKeys.map((r) => r.accountId),
        onceKeys.map((r) => r.keyTag),
        onceKeys.map((r) => r.eventId),
      ],
    ];
    return { writes: [write], answer: plan.outcomes };
  });
}
