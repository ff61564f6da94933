import { existsSync } from 'node:fs';
import { readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { EngagementDocumentStore } from '../eventlog/types';

/**
 * Engagement history written to a worker's disk before runs moved into the database (issue 22):
 * each finished run's snapshot (`reports/runs/<id>.json`, with its own workflow id inside) and the
 * partner's latest full run (`reports/runs/latest-<partner>.json`). Imported once at the worker's
 * start (documents already in the database are kept: `ifAbsent`), then the folder is renamed
 * `runs.imported`, so `changes` of the next run compares with the last run before the upgrade.
 * Assembled report files stay where they are: their runs' results name those paths, and
 * `engagement report` still reads them there on that machine.
 */
export async function importDiskReports(
  documents: EngagementDocumentStore,
  reportsDir: string,
): Promise<{ snapshots: number; latest: number }> {
  const runsDir = path.join(reportsDir, 'runs');
  const imported = { snapshots: 0, latest: 0 };
  if (!existsSync(runsDir)) return imported;
  for (const name of (await readdir(runsDir)).filter((n) => n.endsWith('.json')).sort()) {
    const value = JSON.parse(await readFile(path.join(runsDir, name), 'utf8')) as { workflowId?: unknown };
    if (typeof value.workflowId !== 'string') continue;
    if (name.startsWith('latest-')) {
      const partnerKey = name.slice('latest-'.length, -'.json'.length);
      if (
        await documents.putEngagementDocument(
          'latest',
          partnerKey,
          { workflowId: value.workflowId },
          { ifAbsent: true },
        )
      )
        imported.latest++;
    } else if (
      await documents.putEngagementDocument('snapshot', value.workflowId, value, { ifAbsent: true })
    ) {
      imported.snapshots++;
    }
  }
  await rename(runsDir, `${runsDir}.imported`);
  return imported;
}
