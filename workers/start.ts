import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { AppConfig } from '../config/env';
import { activityDepsFromConfig, createActivities } from '../activities';
import { connectClient, connectWorker, temporalAddress } from '../temporal/connection';
import { temporalSecurity } from '../temporal/security';
import { createDataConverter } from '../temporal/data-converter';
import { loadEncryptionKeys } from '../temporal/keys';
import { DEFAULT_TASK_QUEUES, type TaskQueues } from '../temporal/task-queues';
import { createProductWorkers } from './create-workers';
import { openEventLog } from '../eventlog/open';
import { PayloadRetention } from './payload-retention';
import { signalEventsAvailable, WakeSweep } from './wake-sweep';
import { installWorkerRuntime } from './runtime';
import { productLogger, runtimeLoggingOptions } from '../logging';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { startMetricsServer, type RunningMetricsServer } from '../metrics/server';
import { DATA_DIR } from '../temporal/paths';
import { importDiskReports } from './import-disk-reports';

export interface RunningWorkers {
  temporalAddress: string;
  taskQueues: TaskQueues;
  /** The product's own metrics (WORKER_METRICS_PORT, `GET /metrics`). */
  metricsUrl: string;
  /** The Temporal SDK's Prometheus exporter (TEMPORAL_METRICS_PORT), or why it is not running. */
  sdkMetrics: { address?: string; note?: string };
  /** The deployment-wide wake sweep (wake-sweep.ts), running on its timer. */
  wakeSweep: WakeSweep;
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorkers(
  config: AppConfig,
  opts: {
    taskQueues?: TaskQueues;
    /** Override WORKER_METRICS_PORT / TEMPORAL_METRICS_PORT (tests: 0). */
    metricsPort?: number;
    sdkMetricsPort?: number;
    /** The wake sweep's tick and stall threshold (tests: short); default 10 s and DELIVERY_SWEEP_AFTER_SECONDS. */
    wakeSweep?: { intervalMs?: number; stalledAfterMs?: number };
  } = {},
): Promise<RunningWorkers> {
  // Before any connection: the runtime can be installed once per process.
  // The runtime's logger is the product's (logging/): SDK, workflow and activity lines as JSON.
  const runtime = installWorkerRuntime(
    { host: config.METRICS_HOST, port: opts.sdkMetricsPort ?? config.TEMPORAL_METRICS_PORT },
    runtimeLoggingOptions(),
  );
  const address = temporalAddress(config.TEMPORAL_ADDRESS);
  const security = temporalSecurity(config);
  const connection = await connectWorker({ address, security });
  const taskQueues = opts.taskQueues ?? DEFAULT_TASK_QUEUES;
  const keys = loadEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEY);
  const eventLog = await openEventLog({ databaseUrl: config.DATABASE_URL, keys });
  const metrics = new WorkerMetrics({ defaultMetrics: true }).watchEventLog(eventLog).watchIntegrations({
    workflowService: connection.workflowService,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: taskQueues.webex,
  });
  const deps = activityDepsFromConfig(config, eventLog);
  const dataConverter = createDataConverter(keys);
  const workers: Worker[] = await createProductWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    taskQueues,
    activities: createActivities({
      webex: { ...deps.webex, metrics: metrics.webexActivity },
      bill: { ...deps.bill, metrics: metrics.billActivity },
    }),
    sinks: metrics.sinks,
  });
  let metricsServer: RunningMetricsServer;
  let client: Client | undefined;
  try {
    // The wake sweep signals workflows through a client of its own (a worker's NativeConnection
    // cannot make one), with the same address, TLS and data converter.
    client = await connectClient({ address, namespace: config.TEMPORAL_NAMESPACE, dataConverter, security });
    metricsServer = await startMetricsServer({
      registry: metrics.registry,
      host: config.METRICS_HOST,
      port: opts.metricsPort ?? config.WORKER_METRICS_PORT,
      what: 'worker metrics',
      variable: 'WORKER_METRICS_PORT',
    });
  } catch (err) {
    await client?.connection.close();
    await eventLog.close();
    await connection.close();
    throw err;
  }
  // Engagement history a worker kept on disk before it moved into the database: imported once.
  const fromDisk = await importDiskReports(eventLog, path.join(DATA_DIR, 'reports')).catch((err: Error) => {
    productLogger('worker').warn(
      `[reports] importing the reports folder failed: ${err.message.slice(0, 200)}`,
    );
    return null;
  });
  if (fromDisk && fromDisk.snapshots + fromDisk.latest > 0)
    productLogger('worker').info(
      `[reports] imported ${fromDisk.snapshots} run snapshots and ${fromDisk.latest} latest-run pointers from the reports folder`,
    );
  // Delivered events' payloads are erased after EVENT_PAYLOAD_RETENTION_DAYS (payload-retention.ts).
  const retention = new PayloadRetention(eventLog, {
    retentionDays: config.EVENT_PAYLOAD_RETENTION_DAYS,
    engagementRetentionDays: config.ENGAGEMENT_REPORT_RETENTION_DAYS,
    log: (line) => productLogger('worker').warn(line),
  });
  retention.start();
  // Wakes accounts whose wake-up signal was lost (wake-sweep.ts); one worker of the deployment at a time.
  const wakeSweep = new WakeSweep(eventLog, signalEventsAvailable(client), {
    intervalMs: opts.wakeSweep?.intervalMs,
    stalledAfterMs: opts.wakeSweep?.stalledAfterMs ?? config.DELIVERY_SWEEP_AFTER_SECONDS * 1000,
    log: productLogger('wake-sweep'),
  });
  wakeSweep.start();
  const clientConnection = client.connection;
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await metricsServer.close();
    // Before the event log closes: the sweep gives its lease up through it.
    await wakeSweep.stop();
    await retention.stop();
    await eventLog.close();
    await clientConnection.close();
    await connection.close();
  });
  return {
    temporalAddress: address,
    taskQueues,
    metricsUrl: metricsServer.url,
    sdkMetrics: { address: runtime.sdkMetricsAddress, note: runtime.note },
    wakeSweep,
    done,
    async shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
