import type { EngagementResult, RankedEngagement } from '../../domain/engagement';
import { reportStore } from './bill-api';
import type { EngagementCarry } from './definitions';
import type { EngagementOptions } from './options';

/**
 * The last step. Remaining organizations are saved as a last part and an activity assembles the
 * report, compares it with the previous run (`changes`) and records this run for the next one. It
 * returns the report inline when it is small enough and its location on disk when it is not
 * (Temporal payloads must stay well under 2 MB).
 */
export async function finishReport(args: {
  state: EngagementCarry;
  buffer: RankedEngagement[];
  reportKey: string;
  generatedAt: string;
  opts: EngagementOptions;
  workflowId: string;
  compareTo?: string;
}): Promise<EngagementResult> {
  const { state, buffer, reportKey, generatedAt, opts } = args;
  if (buffer.length > 0) {
    await reportStore.billSaveReportPart({
      reportKey,
      index: state.parts++,
      organizations: buffer.splice(0),
    });
  }
  const assembled = await reportStore.billAssembleReport({
    reportKey,
    parts: state.parts,
    generatedAt,
    asOf: state.asOf,
    totals: state.totals,
    inlineLimitBytes: opts.inlineReportLimitBytes,
    workflowId: args.workflowId,
    compareTo: args.compareTo,
    listedAll: opts.maxOrgs === Number.MAX_SAFE_INTEGER,
  });
  if ('report' in assembled) return assembled.report;
  return {
    generatedAt,
    asOf: state.asOf,
    totals: state.totals,
    organizationCount: assembled.organizationCount,
    errors: state.errors,
    reportLocation: assembled.reportLocation,
    reportBytes: assembled.reportBytes,
  };
}
