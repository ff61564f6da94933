import { proxyActivities } from '@temporalio/workflow';
import type { BillActivities } from '../../activities/bill';
import type { BillFailure } from '../../temporal/failures';
import { withSummaries, type Summarizers } from '../summaries';

/** What each call says in the Web UI (workflows/summaries.ts): organization ids and counts only. */
const SUMMARIES: Summarizers<BillActivities> = {
  billPacing: () => "Read this worker's BILL request budget",
  billPartnerLogin: () => 'BILL partner login',
  billListOrganizationsPage: (input) => `List BILL organizations (page ${input.page ?? '1'})`,
  billListUsers: (input) => `List the users of organization ${input.organizationId}`,
  billLoginAsUser: (input) => `Sign in as a user of organization ${input.organizationId}`,
  billGetApproval: () => "Read the organization's risk verification",
  billListBankAccounts: () => "List the organization's bank accounts",
  billNewestPayment: () => "Find the organization's newest payment",
  billSaveReportPart: (input) =>
    `Save report part ${input.index + 1} (${input.organizations.length} organizations)`,
  billAssembleReport: (input) =>
    `Assemble the report from ${input.parts} parts and compare it with the last run`,
  billRunExists: (input) => `Check that ${input.workflowId} is a finished engagement run`,
  billQueueEngagementDigest: (input) =>
    `Queue the run's digest for the BILL Engagement space of account ${input.accountId}`,
};

/**
 * Failures that no retry of the same call can fix. `Bill.session_expired` is here on purpose: the
 * workflow signs in again and retries the step with the new session.
 */
export const NEVER_RETRY: BillFailure[] = [
  'Bill.bad_credentials',
  'Bill.not_configured',
  'Bill.bad_request',
  'Bill.not_found',
  'Bill.forbidden',
  'Bill.invalid_response',
  'Bill.session_expired',
];

/** Failures that would hit every organization alike: the whole run stops with a clear message. */
export const FATAL_TYPES: BillFailure[] = ['Bill.bad_credentials', 'Bill.not_configured'];

/** BILL calls. Each failure carries its own next delay (BDC_1322 short, BDC_1144 next hour, 5xx backoff). */
export const billApi = withSummaries(
  proxyActivities<BillActivities>({
    // Includes the wait for the request's turn at the pacer (BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR):
    // with C organizations at once up to ~3C requests queue, 3C × 3,600 s / budget (150 at 10,000/h:
    // 54 s). Each HTTP request itself times out after 20 s.
    startToCloseTimeout: '10 minutes',
    // The activity heartbeats while it waits and calls: a dead worker is noticed in 30 s.
    heartbeatTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      maximumAttempts: 12,
      nonRetryableErrorTypes: NEVER_RETRY,
    },
  }),
  SUMMARIES,
);

export const reportStore = withSummaries(
  proxyActivities<BillActivities>({
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
  }),
  SUMMARIES,
);

export { failureMessage, failureType, isFailure } from '../../temporal/failures';
