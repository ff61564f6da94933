/**
 * Each finished run leaves a small snapshot (organization → reason) in the reports folder, and a
 * pointer to the partner's latest run that read every organization. The next run compares itself
 * with that (or with `--compare-to <workflowId>`) to list what changed. Retries are safe: a run's
 * own snapshot remembers which run it was compared with, so a retried finish gives the same changes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  compareRuns,
  snapshotOf,
  type OrganizationEngagement,
  type ReportChanges,
  type RunReference,
  type RunSnapshot,
} from '../../domain/engagement';

interface StoredSnapshot extends RunSnapshot {
  /** The run this one was compared with (null: none); fixed at the first attempt. */
  comparedWith: string | null;
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);

export function createRunHistory(reportsDir: string, partnerKey: string) {
  const dir = path.join(reportsDir, 'runs');
  const snapshotFile = (workflowId: string) => path.join(dir, `${safe(workflowId)}.json`);
  const latestFile = path.join(dir, `latest-${safe(partnerKey)}.json`);

  async function readJson<T>(file: string): Promise<T | null> {
    if (!existsSync(file)) return null;
    return JSON.parse(await readFile(file, 'utf8')) as T;
  }
  async function writeJson(file: string, value: unknown): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(value), { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, file);
  }

  return {
    /** Whether a finished run with this workflow id left a snapshot (for --compare-to). */
    async exists(input: { workflowId: string }): Promise<boolean> {
      return existsSync(snapshotFile(input.workflowId));
    },

    async record(input: {
      run: RunReference;
      organizations: readonly OrganizationEngagement[];
      compareTo?: string;
      listedAll: boolean;
    }): Promise<ReportChanges> {
      const own = await readJson<StoredSnapshot>(snapshotFile(input.run.workflowId));
      let baselineId: string | null;
      if (own) baselineId = own.comparedWith;
      else if (input.compareTo) baselineId = input.compareTo;
      else baselineId = (await readJson<{ workflowId: string }>(latestFile))?.workflowId ?? null;
      if (baselineId === input.run.workflowId) baselineId = null;
      const baseline = baselineId ? await readJson<StoredSnapshot>(snapshotFile(baselineId)) : null;
      const changes = compareRuns(baseline, input.organizations, input.listedAll);
      if (!own) {
        const snapshot: StoredSnapshot = {
          ...snapshotOf(input.run, input.organizations),
          comparedWith: baselineId,
        };
        await writeJson(snapshotFile(input.run.workflowId), snapshot);
      }
      // A --max-orgs run is not a baseline: the next full run would see every other organization as new.
      if (input.listedAll) await writeJson(latestFile, { workflowId: input.run.workflowId });
      return changes;
    },
  };
}
