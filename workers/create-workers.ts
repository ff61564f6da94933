import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { FAILURE_CONVERTER_PATH, refusingUnencrypted } from '../temporal/data-converter';
import { productLogger } from '../logging';
import { productMetricSinks } from '../metrics/worker-metrics';
import type { TaskQueues } from '../temporal/task-queues';
import { loadWorkflowBundle, QUEUE_NAMES, type QueueName } from './workflow-bundles';

export const WORKFLOWS_PATH = require.resolve('../workflows');
/** Every bundle's inbound interceptor: refuses arguments nobody encrypted (issue 23). */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/refuse-unencrypted')];

/**
 * A bundle of every workflow type, with the failure converter they encode with: what tests, the
 * demo and the benchmarks build once for both queues. Production workers bundle each queue's own
 * (workers/workflow-bundles.ts).
 */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: WORKFLOWS_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
  workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
};

export interface ProductWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  dataConverter: DataConverter;
  taskQueues: TaskQueues;
  /** Each queue's activities (activities/index.ts createActivities). */
  activities: Record<QueueName, object>;
  /**
   * One bundle for both queues (tests and the demo build one of every workflow); otherwise each
   * queue's own: prebuilt by `npm run build` when it matches the sources, else bundled at start.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** false: bundle at start-up even when a prebuilt bundle matches (measurements). Default true. */
  prebuiltBundles?: boolean;
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

/** One worker per task queue, each registering its own workflows and activities. */
export async function createProductWorkers(opts: ProductWorkerOptions): Promise<Worker[]> {
  const log = (level: 'info' | 'warn', message: string) => productLogger('worker')[level](message);
  return Promise.all(
    QUEUE_NAMES.map(async (queue) =>
      Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: opts.taskQueues[queue],
        // Workers refuse what nobody encrypted (workflows/refuse-unencrypted.ts).
        dataConverter: refusingUnencrypted(opts.dataConverter),
        activities: opts.activities[queue],
        workflowBundle:
          opts.workflowBundle ?? (await loadWorkflowBundle(queue, log, { prebuilt: opts.prebuiltBundles })),
        sinks: opts.sinks ?? productMetricSinks(),
        ...PRODUCT_WORKER_DEFAULTS,
        ...opts.tuning,
      }),
    ),
  );
}
