import { Connection } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';

/**
 * How long Temporal keeps a closed workflow's history (namespace retention), the same for the
 * embedded dev server and the cluster (README: "What is kept, and for how long"). Histories hold
 * ids, states and encrypted payloads (tokens, engagement reports); open workflows are kept while
 * they run.
 */
export const TEMPORAL_RETENTION_HOURS = 72;

/**
 * Sets a namespace's retention. `temporal server start-dev` has no flag for it (it registers its
 * namespaces with 24 h), so the embedded server is given its retention this way once it is up.
 */
export async function setNamespaceRetention(
  address: string,
  namespace: string,
  hours: number,
): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(`${hours} hours`) },
    });
  } finally {
    await connection.close();
  }
}

/** The namespace's retention in hours, as the server reports it. */
export async function namespaceRetentionHours(address: string, namespace: string): Promise<number> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    return tsToMs(described.config?.workflowExecutionRetentionTtl) / 3_600_000;
  } finally {
    await connection.close();
  }
}
