/** Shared set-up for the BILL engagement workflow tests: simulator + activities + worker + client. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createBillActivities, type BillActivityDeps } from '../../activities/bill';
import type { EngagementReport, EngagementResult } from '../../domain/engagement';
import {
  SEED_CREDENTIALS,
  startBillSimulator,
  type BillSimulator,
  type BillSimulatorOptions,
} from '../../simulators/bill';
import { billEngagement } from '../../workflows';
import type { BillEngagementInput } from '../../workflows/bill/definitions';
import type { EngagementDocumentStore, EventLog } from '../../eventlog/types';
import { createTestClient, createTestWorker, uniqueTaskQueues } from '../harness/temporal';
import { openTestEventLog } from '../harness/webex-app';

/** Fast retry pacing: faults cost milliseconds, and BDC_1144 waits at most 200 ms instead of an hour. */
export const FAST_RETRY = {
  concurrencyBaseMs: 20,
  initialBackoffMs: 50,
  maxBackoffMs: 400,
  maxHourlyWaitMs: 200,
};

/** A budget so high the pacer never waits (0.36 ms between requests). */
export const UNPACED = 10_000_000;

export interface BillEnv {
  sim: BillSimulator;
  client: Client;
  taskQueue: string;
  /** Where its runs keep report parts, reports and snapshots. */
  documents: EngagementDocumentStore;
  newWorkflowId(): string;
  /** Starts a run and waits for its result while the worker runs. */
  run(input: BillEngagementInput, workflowId?: string): Promise<EngagementResult>;
  /** Runs `fn` while a worker polls the task queue (queries of finished runs need one too). */
  withWorker<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startBillEnv(
  simOptions: BillSimulatorOptions = {},
  deps: Partial<BillActivityDeps> = {},
): Promise<BillEnv> {
  const sim = await startBillSimulator(simOptions);
  // Runs keep their parts, reports and snapshots in an event log of their own (a SQLite file).
  const documents = deps.documents ?? (await openTestEventLog());
  const activities = createBillActivities({
    apiBaseUrl: sim.baseUrl,
    ...SEED_CREDENTIALS,
    documents,
    retry: FAST_RETRY,
    // Unpaced unless a test asks: pacing tests share a simulated clock with the simulator instead.
    maxRequestsPerHour: UNPACED,
    ...deps,
  });
  const { bill: taskQueue } = uniqueTaskQueues('bill');
  const client = await createTestClient();
  const newWorkflowId = () => `bill-engagement-test-${randomUUID()}`;
  return {
    sim,
    client,
    taskQueue,
    documents,
    newWorkflowId,
    // A worker runs once; each run gets its own on the same task queue.
    run: async (input, workflowId = newWorkflowId()) => {
      const worker = await createTestWorker({ taskQueue, activities });
      return worker.runUntil(
        client.workflow.execute(billEngagement, { taskQueue, workflowId, args: [input] }),
      );
    },
    withWorker: async (fn) => (await createTestWorker({ taskQueue, activities })).runUntil(fn),
    close: async () => {
      await sim.close();
      if (!deps.documents) await (documents as EventLog).close();
    },
  };
}

export function asReport(result: EngagementResult): EngagementReport {
  if ('reportLocation' in result) throw new Error(`expected an inline report, got ${result.reportLocation}`);
  return result;
}

export const reasonsById = (report: EngagementReport) =>
  Object.fromEntries(report.organizations.map((o) => [o.organizationId, o.reasons.join(',')]));
