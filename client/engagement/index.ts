export {
  runEngagement,
  scheduleEngagement,
  printReport,
  loadReport,
  ENGAGEMENT_SCHEDULE_ID,
} from './commands';
export type { Output } from './commands';
export {
  runOptionsSchema,
  scheduleOptionsSchema,
  reportArgsSchema,
  parseOptions,
  parseDuration,
} from './options';
export type { RunOptions, ScheduleOptions, ReportArgs } from './options';
export {
  progressLine,
  summaryTable,
  campaignContacts,
  reportCsv,
  unavailableSignals,
  changesSummary,
} from './output';
