/**
 * Report parts in the event log's database (issue 22: every worker of the deployment sees them, so
 * a part written on one machine is assembled on another). The workflow flushes classified
 * organizations here in parts so neither its history nor its continue-as-new input grows with the
 * number of organizations; the last step assembles them. Writes are idempotent (same part index →
 * same document), so activity retries are safe.
 */
import { REPORT_LOCATION_PREFIX } from '../../eventlog/engagement-documents';
import type { EngagementDocumentStore } from '../../eventlog/types';
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
  /** Reports up to this size come back inline; larger ones stay in the database. */
  inlineLimitBytes: number;
  /** For `changes`: this run, the run to compare with (default: the partner's latest full run), and whether it read every organization. */
  workflowId: string;
  compareTo?: string;
  listedAll: boolean;
}

export type AssembleReportResult =
  { report: EngagementReport } | { reportLocation: string; reportBytes: number; organizationCount: number };

const partKey = (reportKey: string, index: number) => `${reportKey}/${String(index).padStart(6, '0')}`;

export function createReportStore(documents: EngagementDocumentStore, partnerKey: string) {
  const history = createRunHistory(documents, partnerKey);

  async function readParts(key: string, parts: number): Promise<RankedEngagement[]> {
    const all: RankedEngagement[] = [];
    for (let i = 0; i < parts; i++) {
      const part = await documents.getEngagementDocument<RankedEngagement[]>('part', partKey(key, i));
      if (!part) throw new Error(`report part ${i} of ${key} is missing`);
      all.push(...part);
    }
    return all;
  }

  return {
    runExists: history.exists,
    async saveReportPart(input: SaveReportPartInput): Promise<void> {
      // Same part index, same document: an activity retry overwrites it with the same content.
      await documents.putEngagementDocument(
        'part',
        partKey(input.reportKey, input.index),
        input.organizations,
      );
    },

    async assembleReport(input: AssembleReportInput): Promise<AssembleReportResult> {
      const key = input.reportKey;
      const location = `${REPORT_LOCATION_PREFIX}${key}`;
      // A retry after the parts were already merged and removed: the stored report is the answer.
      const saved = await documents.getEngagementDocument<EngagementReport>('report', key);
      if (saved && (await documents.listEngagementDocumentKeys('part', `${key}/`)).length === 0) {
        return {
          reportLocation: location,
          reportBytes: Buffer.byteLength(JSON.stringify(saved, null, 2)),
          organizationCount: saved.organizations.length,
        };
      }
      const organizations = inListingOrder(await readParts(key, input.parts));
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
      const bytes = Buffer.byteLength(JSON.stringify(report, null, 2));
      // Parts of an inline report stay (until the retention sweep): a retry after a lost result can
      // then rebuild it.
      if (bytes <= input.inlineLimitBytes) return { report };
      await documents.putEngagementDocument('report', key, report);
      await documents.deleteEngagementDocuments('part', `${key}/`);
      return { reportLocation: location, reportBytes: bytes, organizationCount: organizations.length };
    },
  };
}
