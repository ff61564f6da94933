import type { Pool, PoolClient } from 'pg';
import { checkSlotRequest, decide, rollHour, type BudgetRow } from './bill-pacing';
import { inTransaction } from './postgres-connection';
import type { BillSlot, BillSlotRequest } from './types';

/**
 * The PostgreSQL engine's shared BILL budget (see bill-pacing.ts): every call locks the budget's
 * row (created on first use), so workers on several machines take slots one at a time.
 */

async function current(client: PoolClient, budgetKey: string, nowMs: number): Promise<BudgetRow> {
  await client.query(
    'INSERT INTO bill_budgets (budget_key, next_slot_ms, hour, hour_count) VALUES ($1, 0, -1, 0) ON CONFLICT DO NOTHING',
    [budgetKey],
  );
  const { rows } = await client.query<{ next_slot_ms: string; hour: string; hour_count: number }>(
    'SELECT next_slot_ms, hour, hour_count FROM bill_budgets WHERE budget_key = $1 FOR UPDATE',
    [budgetKey],
  );
  await client.query('DELETE FROM bill_permits WHERE budget_key = $1 AND lease_until_ms <= $2', [
    budgetKey,
    nowMs,
  ]);
  const inFlight = await client.query<{ n: string }>(
    'SELECT count(*) AS n FROM bill_permits WHERE budget_key = $1',
    [budgetKey],
  );
  const row = rows[0]!;
  return rollHour(
    { nextSlotMs: Number(row.next_slot_ms), hour: Number(row.hour), hourCount: row.hour_count },
    nowMs,
    Number(inFlight.rows[0]!.n),
  );
}

async function save(client: PoolClient, budgetKey: string, row: BudgetRow): Promise<void> {
  await client.query(
    'UPDATE bill_budgets SET next_slot_ms = $2, hour = $3, hour_count = $4 WHERE budget_key = $1',
    [budgetKey, row.nextSlotMs, row.hour, row.hourCount],
  );
}

export async function takeBillSlot(pool: Pool, request: BillSlotRequest): Promise<BillSlot> {
  checkSlotRequest(request);
  return inTransaction(pool, async (client) => {
    const { slot, row } = decide(await current(client, request.budgetKey, request.nowMs), request);
    await save(client, request.budgetKey, row);
    if (slot.granted)
      await client.query(
        'INSERT INTO bill_permits (budget_key, permit_id, lease_until_ms) VALUES ($1, $2, $3)',
        [request.budgetKey, request.permitId, request.nowMs + request.leaseMs],
      );
    return slot;
  });
}

export async function releaseBillSlot(
  pool: Pool,
  release: { budgetKey: string; permitId: string; nowMs: number },
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await save(client, release.budgetKey, await current(client, release.budgetKey, release.nowMs));
    await client.query('DELETE FROM bill_permits WHERE budget_key = $1 AND permit_id = $2', [
      release.budgetKey,
      release.permitId,
    ]);
  });
}
