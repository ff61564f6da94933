/**
 * One BILL budget for the whole deployment (issue 22): three workers on one devKey, each with its
 * own activities and its own connection to the event log (as three processes would have), run one
 * engagement. The budget is scaled to seconds (72,000 an hour: one request every 50 ms, on the
 * real clock, as a simulated clock that jumps at every sleep would hide three pacers racing): no
 * second holds more than its share, and BILL never answers BDC_1144; with per-process pacers the
 * three would spend it three times over. A worker that died holding a permit holds nobody back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBillActivities } from '../../activities/bill';
import { budgetKeyOf } from '../../activities/bill/shared-pacer';
import { loadReport } from '../../client/engagement';
import { openEventLog } from '../../eventlog/open';
import type { EventLog } from '../../eventlog/types';
import { generateBillDataset, SEED_CREDENTIALS, startBillSimulator } from '../../simulators/bill';
import { billEngagement } from '../../workflows';
import {
  closeTestConnections,
  createTestClient,
  createTestWorker,
  testKeys,
  uniqueTaskQueues,
} from '../harness/temporal';
import { FAST_RETRY, reasonsById } from './bill-harness';

const HOUR = 3_600_000;
const BUDGET = 72_000; // 20 a second
const PER_SECOND = BUDGET / 3_600;
const WORKERS = 3;

const logs: EventLog[] = [];
afterAll(async () => {
  await Promise.all(logs.map((l) => l.close()));
  await closeTestConnections();
});

it('three workers on one devKey share one budget: no second over its share, never BDC_1144', async () => {
  const dataset = generateBillDataset({ organizations: 30, seed: 22 });
  const sim = await startBillSimulator({ dataset, hourlyLimit: BUDGET, maxLogEntries: 100_000 });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'shared-budget-')), 'event-log.sqlite');
  try {
    for (let i = 0; i < WORKERS; i++) logs.push(await openEventLog({ sqlitePath: file, keys: testKeys() }));
    // A worker that died with a request in flight: its permit is never released.
    await logs[0]!.takeBillSlot({
      budgetKey: budgetKeyOf(sim.baseUrl, SEED_CREDENTIALS.devKey),
      permitId: 'dead-worker',
      nowMs: Date.now(),
      spacingMs: HOUR / BUDGET,
      maxPerHour: BUDGET,
      leaseMs: 120_000,
    });
    const { bill: taskQueue } = uniqueTaskQueues('shared-budget');
    const servedBy = new Array<number>(WORKERS).fill(0);
    const workers = await Promise.all(
      logs.map(async (log, i) => {
        const activities = createBillActivities({
          apiBaseUrl: sim.baseUrl,
          ...SEED_CREDENTIALS,
          documents: log,
          pacing: log,
          retry: FAST_RETRY,
          maxRequestsPerHour: BUDGET,
        });
        // Count which worker ran each BILL call.
        const counted = Object.fromEntries(
          Object.entries(activities).map(([name, fn]) => [
            name,
            async (...args: unknown[]) => {
              if (name.startsWith('bill') && !/Report|RunExists|Pacing/.test(name)) servedBy[i]!++;
              return (fn as (...a: unknown[]) => unknown)(...args);
            },
          ]),
        );
        return createTestWorker({ taskQueue, activities: counted });
      }),
    );
    const client = await createTestClient();
    const run = client.workflow.execute(billEngagement, {
      taskQueue,
      workflowId: `bill-shared-budget-${Date.now()}`,
      args: [{ asOf: dataset.asOf, concurrency: 12 }],
    });
    const result = await workers[0]!.runUntil(workers[1]!.runUntil(workers[2]!.runUntil(run)));
    const report = await loadReport(result, async () => logs[0]!);
    expect(reasonsById(report)).toEqual(dataset.expected);

    const log = sim.control.requestLog();
    expect(log.filter((e) => e.code === 'BDC_1144')).toEqual([]);
    // The busiest second (any window of 1,000 ms) holds its share of the budget, give or take one.
    const times = log.map((e) => e.at).sort((a, b) => a - b);
    let busiest = 0;
    for (let first = 0, last = 0; last < times.length; last++) {
      while (times[last]! - times[first]! >= 1_000) first++;
      busiest = Math.max(busiest, last - first + 1);
    }
    expect(times.length).toBeGreaterThan(5 * PER_SECOND);
    expect(busiest).toBeLessThanOrEqual(PER_SECOND + 1);
    // Every worker did its share: the budget was shared, not just used by one.
    expect(servedBy.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  } finally {
    await sim.close();
  }
}, 600_000);
