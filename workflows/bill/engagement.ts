import {
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { emptyTotals, type EngagementResult } from '../../domain/engagement';
import { workflowNow, workflowNowIso } from '../clock';
import type { BillFailure } from '../../temporal/failures';
import { billApi, failureMessage, failureType, reportStore } from './bill-api';
import { engagementProgressQuery, type BillEngagementInput, type EngagementCarry } from './definitions';
import { queueDigest } from './digest';
import { finishReport } from './finish';
import { EngagementLanes } from './lanes';
import { resolveOptions } from './options';
import { BillSessions } from './sessions';

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
  let finished = false;
  const parentId = workflowInfo().workflowId;
  const reportKey = `${parentId}-${workflowInfo().firstExecutionRunId}`;
  const lanes = new EngagementLanes(state, sessions, opts, reportKey);

  setHandler(engagementProgressQuery, () => ({
    asOf: state.asOf,
    done: state.done,
    known: state.known,
    listingComplete: state.listingDone,
    running: lanes.running,
    errors: state.errors,
    totals: state.totals,
    runs: state.runs,
    finished,
    requests: state.requests,
    maxRequestsPerHour: state.maxRequestsPerHour,
  }));

  await lanes.run();
  state.partnerSessionId = sessions.partnerSessionId;

  const { fatal } = lanes;
  if (fatal) {
    throw ApplicationFailure.nonRetryable(
      failureMessage(fatal),
      failureType(fatal) ?? ('Bill.fatal' satisfies BillFailure),
    );
  }
  if (state.queue.length > 0 || !state.listingDone) {
    await lanes.flush();
    await continueAsNew<typeof billEngagement>({ ...input, asOf: state.asOf, carry: state });
  }
  const report = await finishReport({
    state,
    buffer: lanes.buffer,
    reportKey,
    generatedAt: workflowNowIso(),
    opts,
    workflowId: parentId,
    compareTo: input.compareTo,
  });
  const result = opts.postTo
    ? { ...report, digest: await queueDigest(report, opts.postTo, opts.withContacts, parentId) }
    : report;
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
