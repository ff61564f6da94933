import {
  ApplicationFailure,
  continueAsNew,
  executeChild,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  addToTotals,
  emptyTotals,
  NOT_READ,
  utf8Length,
  type EngagementResult,
  type OrganizationEngagement,
  type RankedEngagement,
} from '../../domain/engagement';
import { BillOrganizationId } from '../../temporal/search-attributes';
import { workflowNow, workflowNowIso } from '../clock';
import { productMetrics } from '../metric-sinks';
import type { BillFailure } from '../../temporal/failures';
import { billApi, FATAL_TYPES, failureMessage, failureType, isFailure, reportStore } from './bill-api';
import {
  engagementProgressQuery,
  organizationWorkflowId,
  type BillEngagementInput,
  type EngagementCarry,
  type RankedOrganization,
} from './definitions';
import { billEngagementOrganization } from './organization';
import { finishReport } from './finish';
import { resolveOptions } from './options';
import { BillSessions } from './sessions';
import { organizationSummary } from '../summaries';

/**
 * `bill-engagement`: partner login → organizations (newest first, page by page) → one child per
 * organization, `concurrency` at a time → report. Classified organizations are flushed to the report
 * store in parts, and the run continues as new every `continueAsNewAfterOrgs` organizations, so
 * neither history nor any payload grows with the number of organizations.
 */
export async function billEngagement(input: BillEngagementInput = {}): Promise<EngagementResult> {
  const opts = resolveOptions(input);
  const carry: EngagementCarry = input.carry ?? (await firstCarry(opts.asOf, input.compareTo));
  const state = { ...carry, queue: [...carry.queue], runs: carry.runs + 1 };
  const sessions = new BillSessions(state.partnerSessionId);
  const buffer: RankedEngagement[] = [];
  let bufferBytes = 0;
  let running = 0;
  let startedThisRun = 0;
  let stopping = false;
  let fatal: unknown;
  let finished = false;
  let pageFetch: Promise<void> | undefined;
  const seenThisRun = new Set<string>();
  const parentId = workflowInfo().workflowId;
  const reportKey = `${parentId}-${workflowInfo().firstExecutionRunId}`;

  setHandler(engagementProgressQuery, () => ({
    asOf: state.asOf,
    done: state.done,
    known: state.known,
    listingComplete: state.listingDone,
    running,
    errors: state.errors,
    totals: state.totals,
    runs: state.runs,
    finished,
    requests: state.requests,
    maxRequestsPerHour: state.maxRequestsPerHour,
  }));

  async function fetchPage(): Promise<void> {
    if (state.known >= opts.maxOrgs) {
      state.listingDone = true;
      return;
    }
    const page = await sessions.withPartner((sessionId) =>
      billApi.billListOrganizationsPage({ sessionId, page: state.nextPage, pageSize: opts.pageSize }),
    );
    for (const org of page.organizations) {
      // A customer enrolling mid-listing shifts BILL's pages; never classify one organization twice.
      if (state.known >= opts.maxOrgs || seenThisRun.has(org.id)) continue;
      seenThisRun.add(org.id);
      state.queue.push({ rank: state.known++, ...org });
    }
    state.nextPage = page.nextPage;
    if (!page.nextPage || state.known >= opts.maxOrgs) state.listingDone = true;
  }

  async function nextOrganization(): Promise<RankedOrganization | undefined> {
    for (;;) {
      if (stopping) return undefined;
      const org = state.queue.shift();
      if (org) {
        startedThisRun++;
        if (startedThisRun >= opts.continueAsNewAfterOrgs || workflowInfo().continueAsNewSuggested)
          stopping = true;
        return org;
      }
      if (state.listingDone) return undefined;
      pageFetch ??= fetchPage().finally(() => (pageFetch = undefined));
      await pageFetch;
    }
  }

  async function flush(): Promise<void> {
    if (buffer.length === 0) return;
    const organizations = buffer.splice(0);
    bufferBytes = 0;
    const index = state.parts++;
    await reportStore.billSaveReportPart({ reportKey, index, organizations });
  }

  async function classify(org: RankedOrganization): Promise<void> {
    running++;
    let entry: OrganizationEngagement;
    let done: 'classified' | 'failed' = 'classified';
    try {
      if (org.malformed)
        throw ApplicationFailure.nonRetryable(org.malformed, 'Bill.invalid_response' satisfies BillFailure);
      const outcome = await executeChild(billEngagementOrganization, {
        workflowId: organizationWorkflowId(parentId, org.id),
        args: [
          {
            organization: org,
            partnerSessionId: sessions.partnerSessionId,
            asOf: state.asOf,
            pageSize: opts.pageSize,
          },
        ],
        typedSearchAttributes: [{ key: BillOrganizationId, value: org.id }],
        staticSummary: organizationSummary(org.id),
      });
      if (outcome.renewedPartnerSessionId) sessions.partnerSessionId = outcome.renewedPartnerSessionId;
      state.requests += outcome.requests ?? 0;
      entry = outcome.entry;
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (isFailure(err, ...FATAL_TYPES)) {
        fatal ??= err;
        stopping = true;
        return;
      }
      // One organization's trouble is recorded in its entry and does not sink the run.
      entry = failedEntry(org, failureMessage(err));
      done = 'failed';
      state.errors++;
    } finally {
      running--;
    }
    addToTotals(state.totals, entry);
    state.done++;
    productMetrics.organizationDone(done);
    const ranked = { rank: org.rank, entry };
    buffer.push(ranked);
    bufferBytes += utf8Length(JSON.stringify(ranked));
    if (bufferBytes >= opts.flushAfterBytes) await flush();
  }

  async function lane(): Promise<void> {
    for (let org = await nextOrganization(); org; org = await nextOrganization()) await classify(org);
  }

  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  state.partnerSessionId = sessions.partnerSessionId;

  if (fatal) {
    throw ApplicationFailure.nonRetryable(
      failureMessage(fatal),
      failureType(fatal) ?? ('Bill.fatal' satisfies BillFailure),
    );
  }
  if (state.queue.length > 0 || !state.listingDone) {
    await flush();
    await continueAsNew<typeof billEngagement>({ ...input, asOf: state.asOf, carry: state });
  }
  const result = await finishReport({
    state,
    buffer,
    reportKey,
    generatedAt: workflowNowIso(),
    opts,
    workflowId: parentId,
    compareTo: input.compareTo,
  });
  finished = true;
  return result;
}

async function firstCarry(asOf: string | undefined, compareTo: string | undefined): Promise<EngagementCarry> {
  // A --compare-to that names no finished run is the caller's mistake: say so before any BILL work.
  if (compareTo && !(await reportStore.billRunExists({ workflowId: compareTo }))) {
    throw ApplicationFailure.nonRetryable(
      `compareTo ${compareTo} is not a finished engagement run on this worker`,
      'Bill.bad_input' satisfies BillFailure,
    );
  }
  const { maxRequestsPerHour } = await reportStore.billPacing();
  let sessionId: string;
  try {
    sessionId = (await billApi.billPartnerLogin()).sessionId;
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Bad credentials or missing configuration: stop at once, naming the problem; no retry storm.
    throw ApplicationFailure.nonRetryable(
      failureMessage(err),
      failureType(err) ?? ('Bill.login_failed' satisfies BillFailure),
    );
  }
  return {
    asOf: asOf ?? new Date(workflowNow()).toISOString(),
    partnerSessionId: sessionId,
    listingDone: false,
    queue: [],
    known: 0,
    done: 0,
    errors: 0,
    totals: emptyTotals(),
    parts: 0,
    runs: 0,
    requests: 1,
    maxRequestsPerHour,
  };
}

function failedEntry(org: RankedOrganization, error: string): OrganizationEngagement {
  return {
    organizationId: org.id,
    name: org.name,
    createdTime: org.createdTime,
    users: [],
    reasons: [],
    lastPaymentAt: null,
    bankAccounts: { total: 0, verified: 0 },
    error,
    signals: NOT_READ,
  };
}
