import type { Worker } from '@temporalio/worker';
import type { AppConfig } from '../config/env';
import { activityDepsFromConfig, createActivities } from '../activities';
import { connectWorker, temporalAddress } from '../temporal/connection';
import { temporalSecurity } from '../temporal/security';
import { createDataConverter } from '../temporal/data-converter';
import { loadEncryptionKeys } from '../temporal/keys';
import { DEFAULT_TASK_QUEUES, type TaskQueues } from '../temporal/task-queues';
import { createProductWorkers } from './create-workers';
import { openEventLog } from '../eventlog/open';
import { PayloadRetention } from './payload-retention';

export interface RunningWorkers {
  temporalAddress: string;
  taskQueues: TaskQueues;
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorkers(
  config: AppConfig,
  opts: { taskQueues?: TaskQueues } = {},
): Promise<RunningWorkers> {
  const address = temporalAddress(config.TEMPORAL_ADDRESS);
  const connection = await connectWorker({ address, security: temporalSecurity(config) });
  const taskQueues = opts.taskQueues ?? DEFAULT_TASK_QUEUES;
  const keys = loadEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEY);
  const eventLog = await openEventLog({ databaseUrl: config.DATABASE_URL, keys });
  const workers: Worker[] = await createProductWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keys),
    taskQueues,
    activities: createActivities(activityDepsFromConfig(config, eventLog)),
  });
  // Delivered events' payloads are erased after EVENT_PAYLOAD_RETENTION_DAYS (payload-retention.ts).
  const retention = new PayloadRetention(eventLog, {
    retentionDays: config.EVENT_PAYLOAD_RETENTION_DAYS,
    log: (line) => console.warn(line),
  });
  retention.start();
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await retention.stop();
    await eventLog.close();
    await connection.close();
  });
  return {
    temporalAddress: address,
    taskQueues,
    done,
    async shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
