/**
 * `engagement run | schedule | report`: starter-script logic. The CLI parses argv into the raw
 * option objects, these functions validate them (zod) and talk to Temporal through a Client.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import {
  CAMPAIGNS,
  isReportLocation,
  type Campaign,
  type DigestOutcome,
  type EngagementReport,
  type EngagementResult,
} from '../../domain/engagement';
import { campaignCsv, campaignFileName } from '../../domain/engagement/campaign-csv';
import { loadStoredReport, REPORT_LOCATION_PREFIX } from '../../eventlog/engagement-documents';
import type { EngagementDocumentStore } from '../../eventlog/types';
import { BILL_TASK_QUEUE } from '../../temporal/task-queues';
import type { billEngagement } from '../../workflows/bill';
import {
  engagementProgressQuery,
  type BillEngagementInput,
  type EngagementProgress,
} from '../../workflows/bill/definitions';
import { parseOptions, reportArgsSchema, runOptionsSchema, scheduleOptionsSchema } from './options';
import {
  campaignContacts,
  changesSummary,
  progressLine,
  reportCsv,
  summaryTable,
  unavailableSignals,
} from './output';
import { engagementSummary } from '../../workflows/summaries';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

interface Common {
  client: Client;
  out: Output;
  /**
   * The event log's engagement documents, for a report too large for a workflow result (opened
   * only when one is needed). None: such a report cannot be read here.
   */
  documents?: () => Promise<EngagementDocumentStore>;
  /** Default: the product's `bill-engagement` task queue. */
  taskQueue?: string;
  /**
   * Whether an account has a connected Webex integration (its event log takes events), checked
   * before a run or schedule with `--post-to` starts. None: not checked here.
   */
  accountConnected?: (accountId: string) => Promise<boolean>;
}

/** A `--post-to` account that cannot take the digest is the person's mistake: said before any BILL work. */
async function checkPostTo(args: Common, postTo: string | undefined): Promise<void> {
  if (postTo === undefined || !args.accountConnected) return;
  if (!(await args.accountConnected(postTo))) {
    throw new Error(
      `--post-to: account ${postTo} has no connected Webex integration (connect it first: npm run cli -- connect ${postTo})`,
    );
  }
}

/** What became of the digest, in one line. */
export function digestLine(digest: DigestOutcome): string {
  switch (digest.status) {
    case 'queued':
      return `Digest: queued for the BILL Engagement space of account ${digest.accountId} (${digest.messages ?? 1} message${digest.messages === 1 ? '' : 's'}; event ${digest.eventId})`;
    case 'not_connected':
      return `Digest: not posted: account ${digest.accountId} has no connected Webex integration`;
    case 'backlog_full':
      return `Digest: not posted: account ${digest.accountId}'s queue is full (EVENT_LOG_MAX_UNDELIVERED)`;
    default:
      return `Digest: not posted: ${digest.error ?? 'it could not be queued'}`;
  }
}

export const ENGAGEMENT_SCHEDULE_ID = 'bill-engagement-schedule';
export const newEngagementWorkflowId = () =>
  `bill-engagement-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;

/**
 * A report too large for a workflow result is read from the event log's database, which every
 * worker and CLI of the deployment shares (issue 22). A location that is a file path (runs from
 * before reports moved into the database) is read from that file.
 */
export async function loadReport(
  result: EngagementResult,
  documents?: () => Promise<EngagementDocumentStore>,
): Promise<EngagementReport> {
  if (!isReportLocation(result)) return result;
  if (!result.reportLocation.startsWith(REPORT_LOCATION_PREFIX))
    return JSON.parse(await readFile(result.reportLocation, 'utf8')) as EngagementReport;
  if (!documents)
    throw new Error(`the report is in the event log (${result.reportLocation}): open it to read`);
  const report = await loadStoredReport(await documents(), result.reportLocation);
  if (!report)
    throw new Error(
      `the report ${result.reportLocation} is no longer kept (ENGAGEMENT_REPORT_RETENTION_DAYS)`,
    );
  return report;
}

async function writeOutFile(file: string, report: EngagementReport, changesOnly = false): Promise<void> {
  const changed = new Set((report.changes?.organizations ?? []).map((c) => c.organizationId));
  const shown = changesOnly
    ? { ...report, organizations: report.organizations.filter((o) => changed.has(o.organizationId)) }
    : report;
  const body = /\.csv$/i.test(file)
    ? reportCsv(report, { changesOnly })
    : `${JSON.stringify(shown, null, 2)}\n`;
  // An export holds customers' emails: the owner's only.
  await writeFile(file, body, { encoding: 'utf8', mode: 0o600 });
}

function printSummary(out: Output, report: EngagementReport, showEmails = false): void {
  const errors = report.organizations.filter((o) => o.error).length;
  out.write(`\nEngagement report as of ${report.asOf} (generated ${report.generatedAt})\n\n`);
  out.write(`${summaryTable(report.totals, errors)}\n\n${unavailableSignals(report)}\n`);
  out.write(`${changesSummary(report)}\n\n${campaignContacts(report, { showEmails })}\n`);
}

export async function runEngagement(
  args: Common & {
    options: unknown;
    workflowId?: string;
    pollMs?: number;
    /** Workflow input the CLI has no flag for (tests: small parts and inline limits). */
    input?: Partial<BillEngagementInput>;
  },
): Promise<{ workflowId: string; report: EngagementReport; digest?: DigestOutcome }> {
  const options = parseOptions(runOptionsSchema, args.options);
  const workflowId = args.workflowId ?? newEngagementWorkflowId();
  const input: BillEngagementInput = {
    ...args.input,
    asOf: options.asOf,
    maxOrgs: options.maxOrgs,
    concurrency: options.concurrency,
    ...(options.compareTo ? { compareTo: options.compareTo } : {}),
    ...(options.postTo ? { postTo: options.postTo } : {}),
    ...(options.withContacts ? { withContacts: true } : {}),
  };
  await checkPostTo(args, options.postTo);
  const handle = await args.client.workflow.start<typeof billEngagement>('billEngagement', {
    taskQueue: args.taskQueue ?? BILL_TASK_QUEUE,
    workflowId,
    args: [input],
    staticSummary: engagementSummary(input.maxOrgs, input.asOf),
  });
  args.out.write(`Started ${workflowId}\n`);

  let last = '';
  const show = (p: EngagementProgress) => {
    const line = progressLine(p);
    if (line === last) return;
    last = line;
    // On a terminal the bar redraws in place; in a log it becomes one line per change.
    args.out.write(args.out.isTTY ? `\r${line}` : `${line}\n`);
  };
  let finished = false;
  const resultPromise = handle.result().finally(() => (finished = true));
  while (!finished) {
    await Promise.race([resultPromise.catch(() => undefined), sleep(args.pollMs ?? 500)]);
    if (finished) break;
    try {
      show(await handle.query(engagementProgressQuery));
    } catch {
      // Between runs (continue-as-new) or before the first task a query can fail; try again next tick.
    }
  }
  const result = await resultPromise;
  const report = await loadReport(result, args.documents);
  const errors = report.organizations.filter((o) => o.error).length;
  show({
    done: report.organizations.length,
    known: report.organizations.length,
    listingComplete: true,
    errors,
  } as EngagementProgress);
  if (args.out.isTTY) args.out.write('\n');
  printSummary(args.out, report, options.showEmails);
  if (isReportLocation(result)) args.out.write(`\nFull report: ${result.reportLocation}\n`);
  if (result.digest) args.out.write(`${digestLine(result.digest)}\n`);
  if (options.out) {
    await writeOutFile(options.out, report);
    args.out.write(`Wrote ${options.out}\n`);
  }
  return { workflowId, report, ...(result.digest ? { digest: result.digest } : {}) };
}

/** Creates the daily (or any interval) schedule, or updates it when it already exists. */
export async function scheduleEngagement(
  args: Common & { options: unknown; scheduleId?: string },
): Promise<{ scheduleId: string; created: boolean }> {
  const options = parseOptions(scheduleOptionsSchema, args.options);
  const scheduleId = args.scheduleId ?? ENGAGEMENT_SCHEDULE_ID;
  // No asOf: each scheduled run classifies against its own start time.
  const input: BillEngagementInput = {
    ...(options.maxOrgs ? { maxOrgs: options.maxOrgs } : {}),
    ...(options.postTo ? { postTo: options.postTo } : {}),
    ...(options.withContacts ? { withContacts: true } : {}),
  };
  await checkPostTo(args, options.postTo);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'billEngagement',
    taskQueue: args.taskQueue ?? BILL_TASK_QUEUE,
    // Temporal appends the scheduled time, so each run gets its own `bill-engagement-…` id.
    workflowId: 'bill-engagement-scheduled',
    args: [input],
    staticSummary: engagementSummary(input.maxOrgs, undefined),
  };
  const spec = { intervals: [{ every: options.every }] };
  const handle = args.client.schedule.getHandle(scheduleId);
  let created = false;
  try {
    await handle.update((prev) => ({ ...prev, spec, action }));
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    await args.client.schedule.create({
      scheduleId,
      spec,
      action,
      // A slow run is never doubled up by the next tick.
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    created = true;
  }
  args.out.write(
    `${created ? 'Created' : 'Updated'} schedule ${scheduleId}: bill-engagement every ${options.every / 1000}s` +
      `${options.postTo ? `, each run's digest posted to account ${options.postTo}` : ''}\n`,
  );
  return { scheduleId, created };
}

/**
 * `--campaign <name> --out FILE.csv`: that campaign's contact list; `--campaign all --out DIR`: one
 * file per campaign in DIR. Owner-only files: they hold customers' emails. Answers what it wrote.
 */
async function writeCampaignLists(report: EngagementReport, campaign: Campaign | 'all', out: string) {
  const files: [Campaign, string][] =
    campaign === 'all' ? CAMPAIGNS.map((c) => [c, path.join(out, campaignFileName(c))]) : [[campaign, out]];
  if (campaign === 'all') await mkdir(out, { recursive: true, mode: 0o700 });
  const wrote: string[] = [];
  for (const [name, file] of files) {
    const csv = campaignCsv(report, name);
    await writeFile(file, csv, { encoding: 'utf8', mode: 0o600 });
    wrote.push(`Wrote ${file} (${name}: ${csv.split('\r\n').length - 2} contacts)`);
  }
  return wrote;
}

/** Prints a finished run's report; for a run still going, its progress. */
export async function printReport(
  args: Common & { options: unknown },
): Promise<EngagementReport | undefined> {
  const { workflowId, out, changesOnly, showEmails, campaign } = parseOptions(reportArgsSchema, args.options);
  const handle = args.client.workflow.getHandle(workflowId);
  const { status } = await handle.describe();
  if (status.name === 'RUNNING') {
    args.out.write(
      `${workflowId} is still running: ${progressLine(await handle.query(engagementProgressQuery))}\n`,
    );
    return undefined;
  }
  if (status.name !== 'COMPLETED') throw new Error(`${workflowId} did not complete (status ${status.name})`);
  const report = await loadReport((await handle.result()) as EngagementResult, args.documents);
  if (changesOnly) args.out.write(`${changesSummary(report, true)}\n`);
  else printSummary(args.out, report, showEmails);
  if (out && campaign) {
    for (const line of await writeCampaignLists(report, campaign, out)) args.out.write(`${line}\n`);
  } else if (out) {
    await writeOutFile(out, report, changesOnly);
    args.out.write(`Wrote ${out}\n`);
  }
  return report;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
