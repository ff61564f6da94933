/**
 * Report parts on disk. The workflow flushes classified organizations here in parts so neither its
 * history nor its continue-as-new input grows with the number of organizations; the last step
 * assembles them. Writes are idempotent (same part index → same file), so activity retries are safe.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  inListingOrder,
  type EngagementReport,
  type RankedEngagement,
  type ReasonTotals,
} from '../../domain/engagement';
import { createRunHistory } from './run-history';

export interface SaveReportPartInput {
  reportKey: string;
  index: number;
  organizations: RankedEngagement[];
}

export interface AssembleReportInput {
  reportKey: string;
  parts: number;
  generatedAt: string;
  asOf: string;
  totals: ReasonTotals;
  /** Reports up to this size come back inline; larger ones stay on disk. */
  inlineLimitBytes: number;
  /** For `changes`: this run, the run to compare with (default: the partner's latest full run), and whether it read every organization. */
  workflowId: string;
  compareTo?: string;
  listedAll: boolean;
}

export type AssembleReportResult =
  { report: EngagementReport } | { reportLocation: string; reportBytes: number; organizationCount: number };

/** Workflow ids contain `:`; keep file names portable and inside the reports folder. */
export function reportFileKey(reportKey: string): string {
  return reportKey.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
}

async function writeAtomically(file: string, data: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  // Reports hold customers' emails: the owner's only.
  await writeFile(tmp, data, { encoding: 'utf8', mode: 0o600 });
  await rename(tmp, file);
}

export function createReportStore(reportsDir: string, partnerKey: string) {
  const history = createRunHistory(reportsDir, partnerKey);
  const partsDir = (key: string) => path.join(reportsDir, `${reportFileKey(key)}.parts`);
  const finalFile = (key: string) => path.join(reportsDir, `${reportFileKey(key)}.json`);

  async function readParts(key: string, parts: number): Promise<RankedEngagement[]> {
    const dir = partsDir(key);
    const names = new Set(existsSync(dir) ? await readdir(dir) : []);
    const all: RankedEngagement[] = [];
    for (let i = 0; i < parts; i++) {
      const name = `part-${String(i).padStart(6, '0')}.json`;
      if (!names.has(name)) throw new Error(`report part ${i} of ${key} is missing from ${dir}`);
      all.push(...(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as RankedEngagement[]));
    }
    return all;
  }

  return {
    runExists: history.exists,
    async saveReportPart(input: SaveReportPartInput): Promise<void> {
      const dir = partsDir(input.reportKey);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `part-${String(input.index).padStart(6, '0')}.json`;
      await writeAtomically(path.join(dir, name), JSON.stringify(input.organizations));
    },

    async assembleReport(input: AssembleReportInput): Promise<AssembleReportResult> {
      const file = finalFile(input.reportKey);
      // A retry after the parts were already merged and removed: the file is the answer.
      if (existsSync(file) && !existsSync(partsDir(input.reportKey))) {
        const saved = JSON.parse(await readFile(file, 'utf8')) as EngagementReport;
        return {
          reportLocation: file,
          reportBytes: (await stat(file)).size,
          organizationCount: saved.organizations.length,
        };
      }
      const organizations = inListingOrder(await readParts(input.reportKey, input.parts));
      const changes = await history.record({
        run: { workflowId: input.workflowId, generatedAt: input.generatedAt, asOf: input.asOf },
        organizations,
        compareTo: input.compareTo,
        listedAll: input.listedAll,
      });
      const report: EngagementReport = {
        generatedAt: input.generatedAt,
        asOf: input.asOf,
        organizations,
        totals: input.totals,
        changes,
      };
      const json = JSON.stringify(report, null, 2);
      const bytes = Buffer.byteLength(json);
      // Parts of an inline report stay on disk: a retry after a lost result can then rebuild it.
      if (bytes <= input.inlineLimitBytes) return { report };
      await mkdir(reportsDir, { recursive: true, mode: 0o700 });
      await writeAtomically(file, json);
      await rm(partsDir(input.reportKey), { recursive: true, force: true });
      return { reportLocation: file, reportBytes: bytes, organizationCount: organizations.length };
    },
  };
}
