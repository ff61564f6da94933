import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';
import { productLogger } from '../logging';
import { productMetricSinks } from '../metrics/worker-metrics';
import type { TaskQueues } from '../temporal/task-queues';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** What every workflow bundle is built with: the workflows and the failure converter they encode with. */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: WORKFLOWS_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
};

export interface ProductWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  dataConverter: DataConverter;
  taskQueues: TaskQueues;
  activities: object;
  /** Prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Partial<WorkerOptions>;
  /** The workflows' metric sinks (metrics/worker-metrics.ts); default: registered, counting nothing. */
  sinks?: WorkerOptions['sinks'];
}

/**
 * Heartbeats carry cancellation to a running activity: sent at most once a second (the SDK's
 * default waits up to 30 s), an uninstall stops a batch delivery between two posts, promptly.
 */
export const PRODUCT_WORKER_DEFAULTS: Partial<WorkerOptions> = {
  maxHeartbeatThrottleInterval: '1 second',
  defaultHeartbeatThrottleInterval: '1 second',
};

/** One worker per task queue, sharing the bundle, converter and activities. */
export async function createProductWorkers(opts: ProductWorkerOptions): Promise<Worker[]> {
  const code = opts.workflowBundle ?? { code: (await bundle()).code };
  return Promise.all(
    [opts.taskQueues.webex, opts.taskQueues.bill].map((taskQueue) =>
      Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue,
        dataConverter: opts.dataConverter,
        activities: opts.activities,
        workflowBundle: code,
        sinks: opts.sinks ?? productMetricSinks(),
        ...PRODUCT_WORKER_DEFAULTS,
        ...opts.tuning,
      }),
    ),
  );
}

async function bundle() {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  return bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    productLogger('bundler').warn(message);
  },
  error(message: string) {
    productLogger('bundler').error(message);
  },
};
