import type { Pool } from 'pg';
import { checkMessageIds } from './rows';
import { inTransaction } from './postgres-connection';
import type { DeliveryState, RedeliveryChange, RedeliveryOutcome } from './types';

/**
 * The PostgreSQL engine's redelivery: an operator's state changes (requeue at the end of the
 * queue, or mark delivered), each applied only if the event is still in the state the operator saw.
 */

export async function redeliver(
  pool: Pool,
  accountId: string,
  changes: RedeliveryChange[],
  at: string,
): Promise<RedeliveryOutcome[]> {
  return inTransaction(pool, async (c) => {
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
          `UPDATE events SET seq = $3, state = 'queued', attempts = 0, first_attempt_at = NULL, last_attempt_at = NULL,
             delivered_at = NULL, finished_by_workflow_id = NULL, finished_by_run_id = NULL,
             last_error = NULL, message_ids = $4, updated_at = $5 WHERE account_id = $1 AND event_id = $2`,
          [accountId, eventId, nextSeq++, ids, at],
        );
      } else {
        await c.query(
          `UPDATE events SET state = 'delivered', delivered_at = $4, message_ids = $3, last_error = NULL, updated_at = $4,
             finished_by_workflow_id = NULL, finished_by_run_id = NULL
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
