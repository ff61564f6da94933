/**
 * BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR over 1,000 generated organizations, on a simulated clock
 * shared by the pacer and the BILL simulator (hours of pacing, no real waiting). The simulator's
 * own hourly limit is set to the budget, so any overshoot would also show as BDC_1144.
 */
import { loadReport } from '../../client/engagement';
import { createSimulatedClock, generateBillDataset } from '../../simulators/bill';
import { engagementProgressQuery } from '../../workflows/bill/definitions';
import { closeTestConnections } from '../harness/temporal';
import { reasonsById, startBillEnv, type BillEnv } from './bill-harness';

afterAll(closeTestConnections);

const HOUR = 3_600_000;
const MINUTE = 60_000;
const BUDGET = 3_000; // requests per hour: 1.2 s apart

function countBy(times: number[], size: number): number[] {
  const first = Math.floor(times[0]! / size);
  const last = Math.floor(times[times.length - 1]! / size);
  const counts = new Array<number>(last - first + 1).fill(0);
  for (const t of times) counts[Math.floor(t / size) - first]! += 1;
  return counts;
}

describe('pacing at a low hourly budget', () => {
  let env: BillEnv;
  const dataset = generateBillDataset({ organizations: 1_000, seed: 13 });
  // Start mid-hour, so the run crosses clock hours (BILL's window) as well as its own.
  const clock = createSimulatedClock(Date.parse('2026-11-02T09:20:00.000Z'));
  beforeAll(async () => {
    env = await startBillEnv(
      { dataset, now: clock.now, hourlyLimit: BUDGET, maxLogEntries: 100_000 },
      { clock, maxRequestsPerHour: BUDGET },
    );
  });
  afterAll(() => env.close());

  it('never exceeds the budget in any hour and keeps every minute under twice the average', async () => {
    const workflowId = env.newWorkflowId();
    const started = clock.now();
    const result = await env.run({ asOf: dataset.asOf, concurrency: 20 }, workflowId);
    const report = await loadReport(result, async () => env.documents);
    expect(reasonsById(report)).toEqual(dataset.expected);

    const log = env.sim.control.requestLog();
    expect(log.filter((e) => e.code === 'BDC_1144')).toEqual([]);
    const times = log.map((e) => e.at).sort((a, b) => a - b);
    const hours = countBy(times, HOUR);
    expect(hours.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...hours)).toBeLessThanOrEqual(BUDGET);
    const minutes = countBy(times, MINUTE);
    const average = times.length / minutes.length;
    expect(Math.max(...minutes)).toBeLessThanOrEqual(2 * average);
    // Even pacing: the run takes what the budget implies, 1.2 s of simulated time per request.
    const elapsed = clock.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual((log.length - 1) * (HOUR / BUDGET));

    const progress = await env.withWorker(() =>
      env.client.workflow.getHandle(workflowId).query(engagementProgressQuery),
    );
    expect(progress.maxRequestsPerHour).toBe(BUDGET);
    // The workflow's count (for the time estimate) is within a few requests of BILL's.
    expect(Math.abs(progress.requests - log.length)).toBeLessThanOrEqual(log.length * 0.02);
  }, 600_000);
});
