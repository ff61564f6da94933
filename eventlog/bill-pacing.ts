import type { BillPacingStore, BillSlot, BillSlotRequest } from './types';

/**
 * The shared BILL budget's rules, the same on both engines (sqlite-bill-pacing.ts,
 * postgres-bill-pacing.ts run them inside one write transaction on the budget's row):
 * - a permit past its lease is dropped (its worker died with the request in flight);
 * - when the clock hour changes, the new hour starts counting the requests still in flight: a
 *   request counts against every hour it is in flight in, as BILL's own counter does;
 * - a request may start no sooner than the slot after the last one, and not once the hour's count
 *   has reached the budget.
 */
export const HOUR_MS = 3_600_000;

export interface BudgetRow {
  nextSlotMs: number;
  hour: number;
  hourCount: number;
}

export function checkSlotRequest(request: BillSlotRequest): void {
  const { budgetKey, permitId, nowMs, spacingMs, maxPerHour, leaseMs } = request;
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(budgetKey))
    throw new RangeError('budgetKey must be 1-100 letters, digits, _ or -');
  if (typeof permitId !== 'string' || permitId.length < 1 || permitId.length > 100)
    throw new RangeError('permitId must be 1-100 characters');
  for (const [name, value] of Object.entries({ nowMs, spacingMs, maxPerHour, leaseMs }))
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0`);
}

/** The budget row as of `nowMs`, given how many permits are still in flight (after expiry). */
export function rollHour(row: BudgetRow | undefined, nowMs: number, inFlight: number): BudgetRow {
  const hour = Math.floor(nowMs / HOUR_MS);
  if (!row) return { nextSlotMs: 0, hour, hourCount: inFlight };
  if (row.hour === hour) return row;
  return { ...row, hour, hourCount: inFlight };
}

/** Whether this request may start now; the row after it, when it may. */
export function decide(row: BudgetRow, request: BillSlotRequest): { slot: BillSlot; row: BudgetRow } {
  const { nowMs, spacingMs, maxPerHour } = request;
  if (nowMs < row.nextSlotMs) return { slot: { granted: false, waitMs: row.nextSlotMs - nowMs }, row };
  if (row.hourCount >= maxPerHour)
    return { slot: { granted: false, waitMs: (row.hour + 1) * HOUR_MS - nowMs }, row };
  return {
    slot: { granted: true },
    row: { nextSlotMs: nowMs + spacingMs, hour: row.hour, hourCount: row.hourCount + 1 },
  };
}

/** One engine's SQL for the shared budget (sqlite-bill-pacing.ts, postgres-bill-pacing.ts). */
export interface BillPacingSql<C> {
  takeBillSlot(conn: C, request: BillSlotRequest): BillSlot | Promise<BillSlot>;
  releaseBillSlot(
    conn: C,
    release: { budgetKey: string; permitId: string; nowMs: number },
  ): void | Promise<void>;
}

/** The store either engine composes into its log, over its connection. */
export function billPacingStore<C>(conn: C, sql: BillPacingSql<C>): BillPacingStore {
  return {
    takeBillSlot: async (request) => sql.takeBillSlot(conn, request),
    releaseBillSlot: async (release) => sql.releaseBillSlot(conn, release),
  };
}
