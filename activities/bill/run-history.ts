/**
 * Each finished run leaves a small snapshot (organization → reason), and a pointer to the
 * partner's latest run that read every organization, in the event log's database (issue 22: any
 * worker of the deployment, and the CLI, sees them). The next run compares itself with that (or
 * with `--compare-to <workflowId>`) to list what changed. Retries are safe: a run's own snapshot
 * remembers which run it was compared with, so a retried finish gives the same changes.
 */
import {
  compareRuns,
  snapshotOf,
  type OrganizationEngagement,
  type ReportChanges,
  type RunReference,
  type RunSnapshot,
} from '../../domain/engagement';
import type { EngagementDocumentStore } from '../../eventlog/types';

interface StoredSnapshot extends RunSnapshot {
  /** The run this one was compared with (null: none); fixed at the first attempt. */
  comparedWith: string | null;
}

export function createRunHistory(documents: EngagementDocumentStore, partnerKey: string) {
  const snapshot = (workflowId: string) =>
    documents.getEngagementDocument<StoredSnapshot>('snapshot', workflowId);

  return {
    /** Whether a finished run with this workflow id left a snapshot (for --compare-to). */
    async exists(input: { workflowId: string }): Promise<boolean> {
      return (await snapshot(input.workflowId)) !== null;
    },

    async record(input: {
      run: RunReference;
      organizations: readonly OrganizationEngagement[];
      compareTo?: string;
      listedAll: boolean;
    }): Promise<ReportChanges> {
      const own = await snapshot(input.run.workflowId);
      let baselineId: string | null;
      if (own) baselineId = own.comparedWith;
      else if (input.compareTo) baselineId = input.compareTo;
      else
        baselineId =
          (await documents.getEngagementDocument<{ workflowId: string }>('latest', partnerKey))?.workflowId ??
          null;
      if (baselineId === input.run.workflowId) baselineId = null;
      const baseline = baselineId ? await snapshot(baselineId) : null;
      const changes = compareRuns(baseline, input.organizations, input.listedAll);
      if (!own) {
        const stored: StoredSnapshot = {
          ...snapshotOf(input.run, input.organizations),
          comparedWith: baselineId,
        };
        // ifAbsent: two attempts of the same finish racing keep the first one's baseline.
        await documents.putEngagementDocument('snapshot', input.run.workflowId, stored, { ifAbsent: true });
      }
      // A --max-orgs run is not a baseline: the next full run would see every other organization as new.
      if (input.listedAll)
        await documents.putEngagementDocument('latest', partnerKey, { workflowId: input.run.workflowId });
      return changes;
    },
  };
}
