import { proxyActivities } from '@temporalio/workflow';
import type * as diagnostics from '../activities/diagnostics';

const { echo } = proxyActivities<typeof diagnostics>({ startToCloseTimeout: '10 seconds' });

/** `diagnostic-echo`: runs one activity and returns what it answered. Used to check a deployment. */
export async function diagnosticEcho(message: string): Promise<{ message: string; handledBy: string }> {
  return echo({ message });
}
