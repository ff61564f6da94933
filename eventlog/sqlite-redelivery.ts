import { checkMessageIds } from './rows';
import type { SqliteConnection } from './sqlite-connection';
import type { DeliveryState, RedeliveryChange, RedeliveryOutcome } from './types';

/**
 * The SQLite engine's redelivery: an operator's state changes (requeue at the end of the queue,
 * or mark delivered), each applied only if the event is still in the state the operator saw.
 */

export function redeliver(
  db: SqliteConnection,
  accountId: string,
  changes: RedeliveryChange[],
  at: string,
): RedeliveryOutcome[] {
  return db.write(() => {
    const account = db
      .q<[string], { active: number; next_seq: number }>(
        'SELECT active, next_seq FROM accounts WHERE account_id = ?',
      )
      .get(accountId);
    const stateOf = db
      .q<[string, string], string>('SELECT state FROM events WHERE account_id = ? AND event_id = ?')
      .pluck();
    const requeue = db.q(
      `UPDATE events SET seq = ?, state = 'queued', attempts = 0, first_attempt_at = NULL, last_attempt_at = NULL,
         delivered_at = NULL, finished_by_workflow_id = NULL, finished_by_run_id = NULL,
         last_error = NULL, message_ids = ?, updated_at = ? WHERE account_id = ? AND event_id = ?`,
    );
    const deliver = db.q(
      `UPDATE events SET state = 'delivered', delivered_at = ?, message_ids = ?, last_error = NULL, updated_at = ?,
         finished_by_workflow_id = NULL, finished_by_run_id = NULL
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
      db.q(
        `UPDATE accounts SET next_seq = ?, queued = queued + ?, delivered = delivered + ?, failed = failed + ?,
           dropped = dropped + ?, updated_at = ? WHERE account_id = ?`,
      ).run(nextSeq, delta.queued, delta.delivered, delta.failed, delta.dropped, at, accountId);
    }
    return outcomes;
  });
}
