import {
  inListingOrder,
  utf8Length,
  type EngagementReport,
  type EngagementResult,
  type RankedEngagement,
} from '../../domain/engagement';
import { reportStore } from './bill-api';
import type { EngagementCarry } from './definitions';
import type { EngagementOptions } from './options';

/**
 * The last step. A small run that never flushed builds its report in memory; otherwise the saved
 * parts are assembled by an activity, which returns the report inline when it is small enough and
 * its location on disk when it is not (Temporal payloads must stay well under 2 MB).
 */
export async function finishReport(args: {
  state: EngagementCarry;
  buffer: RankedEngagement[];
  reportKey: string;
  generatedAt: string;
  opts: EngagementOptions;
}): Promise<EngagementResult> {
  const { state, buffer, reportKey, generatedAt, opts } = args;
  if (state.parts === 0) {
    const report: EngagementReport = {
      generatedAt,
      asOf: state.asOf,
      organizations: inListingOrder(buffer),
      totals: state.totals,
    };
    if (utf8Length(JSON.stringify(report)) <= opts.inlineReportLimitBytes) return report;
  }
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
