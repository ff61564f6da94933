import { INTEGRATION_STATUSES, type IntegrationStatusValue } from '../domain/integration/status';

/**
 * How many integration workflows run in each status, counted by Temporal visibility queries
 * (the worker's integrations gauge reads these when scraped).
 */

/** Integration statuses a running integration workflow can have (an uninstalled one has ended). */
export const RUNNING_INTEGRATION_STATUSES = INTEGRATION_STATUSES.filter((s) => s !== 'uninstalled');

/** What visibility counts run against: the gateway's Client and the worker's NativeConnection both have it. */
export interface VisibilitySource {
  workflowService: {
    countWorkflowExecutions(request: {
      namespace: string;
      query: string;
    }): Promise<{ count?: number | { toNumber(): number } | null }>;
  };
  namespace: string;
  /** Only integrations on this task queue (a deployment's, or a test's own). */
  taskQueue?: string;
}

/** Running integration workflows in one status (on the source's task queue when it names one). */
export async function countRunning(
  source: VisibilitySource,
  status: IntegrationStatusValue,
): Promise<number> {
  const clauses = [
    `WorkflowType = 'webexIntegration'`,
    `ExecutionStatus = 'Running'`,
    `IntegrationStatus = '${status}'`,
    ...(source.taskQueue ? [`TaskQueue = ${JSON.stringify(source.taskQueue)}`] : []),
  ];
  const answer = await source.workflowService.countWorkflowExecutions({
    namespace: source.namespace,
    query: clauses.join(' AND '),
  });
  const count = answer.count ?? 0;
  return typeof count === 'number' ? count : count.toNumber();
}
