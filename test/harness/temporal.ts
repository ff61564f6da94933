import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { runtimeLoggingOptions } from '../../logging';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../../temporal/codec';
import { createDataConverter, refusingUnencrypted } from '../../temporal/data-converter';
import type { TaskQueues } from '../../temporal/task-queues';
import { productMetricSinks } from '../../metrics/worker-metrics';

/** Access to the run's shared dev server and bundle (see global-setup.ts). */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest (global setup starts Temporal)`);
  return value;
}

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // The product's runtime logger, as in the worker: the SDK's, workflows' and activities' lines
    // go through logging/ (LOG_LEVEL; none on the console in tests, all in the capture files: global-setup.ts), where the log scans see them.
    Runtime.install(runtimeLoggingOptions());
  } catch {
    // Already installed by an earlier helper in this file's realm.
  }
}

export const testNamespace = 'default';
export const testAddress = () => required('TEST_TEMPORAL_ADDRESS');
export const testKeys = () => parseEncryptionKeys(required('TEST_PAYLOAD_KEY'));
export const testDataConverter = () => createDataConverter(testKeys());
export const testCodec = () => new AesGcmPayloadCodec(testKeys());
export const testWorkflowBundle = () => ({ codePath: required('TEST_WORKFLOW_BUNDLE') });

export function uniqueTaskQueues(prefix: string): TaskQueues {
  const id = randomUUID().slice(0, 8);
  return { webex: `${prefix}-webex-${id}`, bill: `${prefix}-bill-${id}` };
}

const opened: { close(): Promise<void> }[] = [];

/** A client of the run's shared dev server, or of `address` (a test's own server). */
export async function createTestClient(address = testAddress()): Promise<Client> {
  const connection = await Connection.connect({ address });
  opened.push(connection);
  return new Client({ connection, namespace: testNamespace, dataConverter: testDataConverter() });
}

export async function createTestWorker(
  opts: { taskQueue: string; activities: object; address?: string } & Partial<WorkerOptions>,
): Promise<Worker> {
  quietRuntime();
  const { address = testAddress(), ...workerOptions } = opts;
  const connection = await NativeConnection.connect({ address });
  opened.push(connection);
  return Worker.create({
    connection,
    namespace: testNamespace,
    dataConverter: refusingUnencrypted(testDataConverter()),
    workflowBundle: testWorkflowBundle(),
    // The workflows' metric sinks are always registered, as in production (counting nothing here).
    sinks: productMetricSinks(),
    ...workerOptions,
  });
}

/** Runs the worker in the background; returns a stop function that waits for it to finish. */
export function runInBackground(worker: Worker): () => Promise<void> {
  const running = worker.run();
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
}

/** Close every connection this file opened (call in afterAll). */
export async function closeTestConnections(): Promise<void> {
  await Promise.all(opened.splice(0).map((c) => c.close().catch(() => undefined)));
}

/** Replays a history with today's workflow code (the run's bundle); rejects on non-determinism. */
export function replayWithTodaysCode(
  history: Parameters<typeof Worker.runReplayHistory>[1],
  workflowId: string,
): Promise<void> {
  quietRuntime(); // the replay worker's state lines go to the product's log, not the console
  return Worker.runReplayHistory(
    {
      workflowBundle: testWorkflowBundle(),
      dataConverter: refusingUnencrypted(testDataConverter()),
      sinks: productMetricSinks(),
    },
    history,
    workflowId,
  );
}
