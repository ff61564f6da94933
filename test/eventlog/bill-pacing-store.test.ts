import type { BillSlotRequest, EventLog } from '../../eventlog/types';
import { engines } from './engines';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T09:59:50.000Z');

/** The shared BILL budget's rules (issue 22) on both engines, several "workers" at once. */
describe.each(engines())('shared BILL budget on $name', (engine) => {
  let workers: EventLog[];
  beforeAll(async () => {
    workers = [await engine.open(), await engine.open(), await engine.open()];
  });
  afterAll(() => engine.closeAll());

  let n = 0;
  const budget = () => `budget-${engine.name}-${n++}`;
  const ask = (log: EventLog, budgetKey: string, nowMs: number, extra: Partial<BillSlotRequest> = {}) =>
    log.takeBillSlot({
      budgetKey,
      permitId: `p-${nowMs}-${Math.random()}`,
      nowMs,
      spacingMs: 1_000,
      maxPerHour: 3,
      leaseMs: 120_000,
      ...extra,
    });

  test('slots are evenly spaced across every worker of the budget', async () => {
    const key = budget();
    expect(await ask(workers[0]!, key, T0 - 50_000)).toEqual({ granted: true });
    expect(await ask(workers[1]!, key, T0 - 49_800)).toEqual({ granted: false, waitMs: 800 });
    expect(await ask(workers[2]!, key, T0 - 49_000)).toEqual({ granted: true });
    // Another budget (another devKey) is not held back.
    expect(await ask(workers[1]!, budget(), T0 - 49_000)).toEqual({ granted: true });
  });

  test('the hour’s cap holds across workers; a request in flight across the hour counts in the next one too', async () => {
    const key = budget();
    const permit = (id: string, nowMs: number) =>
      workers[0]!.takeBillSlot({
        budgetKey: key,
        permitId: id,
        nowMs,
        spacingMs: 1_000,
        maxPerHour: 3,
        leaseMs: 120_000,
      });
    expect(await permit('a', T0 - 5_000)).toEqual({ granted: true });
    expect(await permit('b', T0 - 4_000)).toEqual({ granted: true });
    expect(await permit('c', T0 - 3_000)).toEqual({ granted: true });
    // Three in this hour: the fourth waits for the next hour (12 s away).
    expect(await ask(workers[1]!, key, T0 - 2_000)).toEqual({ granted: false, waitMs: 12_000 });
    // b and c are answered before 10:00; a is still in flight then, so it counts against 10:00 too.
    for (const id of ['b', 'c'])
      await workers[2]!.releaseBillSlot({ budgetKey: key, permitId: id, nowMs: T0 - 1_000 });
    for (const at of [T0 + 10_000, T0 + 11_000]) {
      const slot = await workers[1]!.takeBillSlot({
        budgetKey: key,
        permitId: `d${at}`,
        nowMs: at,
        spacingMs: 1_000,
        maxPerHour: 3,
        leaseMs: 120_000,
      });
      expect(slot).toEqual({ granted: true });
      await workers[1]!.releaseBillSlot({ budgetKey: key, permitId: `d${at}`, nowMs: at + 100 });
    }
    expect(await ask(workers[2]!, key, T0 + 12_000)).toEqual({ granted: false, waitMs: HOUR - 2_000 });
    await workers[0]!.releaseBillSlot({ budgetKey: key, permitId: 'a', nowMs: T0 + 13_000 });
  });

  test('a dead worker’s permits are dropped after their lease and never hold others back', async () => {
    const key = budget();
    // A worker takes a slot and dies (never releases) just before the hour.
    expect(await ask(workers[0]!, key, T0 - 1_000, { maxPerHour: 2, leaseMs: 30_000 })).toEqual({
      granted: true,
    });
    // Within its lease, the new hour counts it (it may still be in flight at BILL)…
    expect(await ask(workers[1]!, key, T0 + 10_000, { maxPerHour: 2 })).toEqual({ granted: true });
    expect((await ask(workers[1]!, key, T0 + 12_000, { maxPerHour: 2 })).granted).toBe(false);
    // …and once the lease has run out, an hour that begins no longer does.
    expect(await ask(workers[2]!, key, T0 + HOUR + 10_000, { maxPerHour: 2 })).toEqual({ granted: true });
    expect(await ask(workers[2]!, key, T0 + HOUR + 12_000, { maxPerHour: 2 })).toEqual({ granted: true });
  });

  test('a bad request is refused before anything is stored', async () => {
    await expect(ask(workers[0]!, 'not a key!', T0)).rejects.toThrow(/budgetKey/);
    await expect(ask(workers[0]!, budget(), Number.NaN)).rejects.toThrow(/nowMs/);
  });
});
