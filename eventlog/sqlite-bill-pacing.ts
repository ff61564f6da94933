import { checkSlotRequest, decide, rollHour, type BudgetRow } from './bill-pacing';
import type { SqliteConnection } from './sqlite-connection';
import type { BillSlot, BillSlotRequest } from './types';

/** The SQLite engine's shared BILL budget (see bill-pacing.ts): one write transaction per call. */

function current(db: SqliteConnection, budgetKey: string, nowMs: number): BudgetRow {
  db.q('DELETE FROM bill_permits WHERE budget_key = ? AND lease_until_ms <= ?').run(budgetKey, nowMs);
  const inFlight = db
    .q<[string], number>('SELECT count(*) FROM bill_permits WHERE budget_key = ?')
    .pluck()
    .get(budgetKey)!;
  const row = db
    .q<[string], { next_slot_ms: number; hour: number; hour_count: number }>(
      'SELECT next_slot_ms, hour, hour_count FROM bill_budgets WHERE budget_key = ?',
    )
    .get(budgetKey);
  return rollHour(
    row && { nextSlotMs: row.next_slot_ms, hour: row.hour, hourCount: row.hour_count },
    nowMs,
    inFlight,
  );
}

function save(db: SqliteConnection, budgetKey: string, row: BudgetRow): void {
  db.q(
    `INSERT INTO bill_budgets (budget_key, next_slot_ms, hour, hour_count) VALUES (?, ?, ?, ?)
     ON CONFLICT (budget_key) DO UPDATE SET next_slot_ms = excluded.next_slot_ms, hour = excluded.hour,
       hour_count = excluded.hour_count`,
  ).run(budgetKey, row.nextSlotMs, row.hour, row.hourCount);
}

export function takeBillSlot(db: SqliteConnection, request: BillSlotRequest): BillSlot {
  checkSlotRequest(request);
  return db.write(() => {
    const { slot, row } = decide(current(db, request.budgetKey, request.nowMs), request);
    save(db, request.budgetKey, row);
    if (slot.granted)
      db.q('INSERT INTO bill_permits (budget_key, permit_id, lease_until_ms) VALUES (?, ?, ?)').run(
        request.budgetKey,
        request.permitId,
        request.nowMs + request.leaseMs,
      );
    return slot;
  });
}

export function releaseBillSlot(
  db: SqliteConnection,
  release: { budgetKey: string; permitId: string; nowMs: number },
): void {
  db.write(() => {
    // The hour rolls (if it did) with this request still counted, then it leaves.
    save(db, release.budgetKey, current(db, release.budgetKey, release.nowMs));
    db.q('DELETE FROM bill_permits WHERE budget_key = ? AND permit_id = ?').run(
      release.budgetKey,
      release.permitId,
    );
  });
}
