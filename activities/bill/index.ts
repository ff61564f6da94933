/**
 * BILL engagement activities: one per recipe step, plus report storage. Credentials come only from
 * the worker's configuration (deps). Session ids are returned to the workflow, which is fine because
 * the data converter encrypts every payload; they never appear in failure messages.
 */
import { createHash } from 'node:crypto';
import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import {
  createBillClient,
  createRequestPacer,
  isBillApiError,
  newestPayment,
  systemClock,
  type BillClient,
  type Clock,
} from '../../connectors/bill';
import {
  riskSignal,
  summarizeBankAccounts,
  type EngagementUser,
  type RiskSignal,
} from '../../domain/engagement';
import { DEFAULT_BILL_RETRY, toBillFailure, type BillRetryPolicy } from './failures';
import type { BillFailure } from '../../temporal/failures';
import { createReportStore } from './report-store';
import { createDigestQueue, type DigestQueueDeps } from './digest-queue';
import type { BillPacingStore, EngagementDocumentStore } from '../../eventlog/types';
import { budgetKeyOf, createSharedRequestPacer } from './shared-pacer';
import { productLogger } from '../../logging';
import { observeClient, type CallObserver } from '../observe-calls';

export interface BillActivityDeps {
  apiBaseUrl: string;
  username?: string;
  password?: string;
  appKey?: string;
  devKey?: string;
  timeoutMs?: number;
  /**
   * Where runs keep report parts, reports too large for a workflow result and snapshots: the event
   * log's database, shared by every worker of the deployment (issue 22).
   */
  documents: EngagementDocumentStore;
  /**
   * Where a run's digest is queued for the account it is posted to (`--post-to`): the event log
   * the integration delivers from. None: a run with --post-to fails at its digest, saying so.
   */
  digests?: DigestQueueDeps;
  /** The deployment's shared BILL budget (the event log); none: a budget of this process alone. */
  pacing?: BillPacingStore;
  /** Retry pacing (tests shorten the BDC_1144 wait with maxHourlyWaitMs). */
  retry?: Partial<BillRetryPolicy>;
  /** BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR: this worker's requests are spread evenly at this rate. Default 10,000. */
  maxRequestsPerHour?: number;
  /** The pacer's clock (tests and the benchmark share a simulated one with the BILL simulator). */
  clock?: Clock;
  /** Identifies the partner whose runs are compared (`changes`); default derived from URL and username. */
  partnerKey?: string;
  /** The worker's metrics: every BILL client call by answer (metrics/worker-metrics.ts); none: not measured. */
  metrics?: { billCall?: CallObserver };
}

export const DEFAULT_MAX_REQUESTS_PER_HOUR = 10_000;

export interface OrganizationSummary {
  id: string;
  name: string;
  createdTime: string | null;
  /** Set when BILL's record of the organization is malformed: why, naming the field. */
  malformed?: string;
}

export interface OrganizationsPage {
  organizations: OrganizationSummary[];
  nextPage?: string;
}

/** A user as the child workflow needs it: who can be signed in as, and who to contact. */
export interface OrganizationUser extends EngagementUser {
  archived: boolean;
}

export type LoginAsUserResult = { sessionId: string } | { refused: true; reason: string };

const DEFAULT_TIMEOUT_MS = 20_000;
/** Well inside the activities' heartbeat timeout (workflows/bill/bill-api.ts). */
const BILL_HEARTBEAT_EVERY_MS = 5_000;

export function createBillActivities(deps: BillActivityDeps) {
  const policy: BillRetryPolicy = { ...DEFAULT_BILL_RETRY, ...deps.retry };
  const clock = deps.clock ?? systemClock;
  const maxPerHour = deps.maxRequestsPerHour ?? DEFAULT_MAX_REQUESTS_PER_HOUR;
  // With the event log: one budget per devKey for every worker of the deployment (shared-pacer.ts);
  // without (tools and tests that run alone): this process's own pacer.
  const pacer = deps.pacing
    ? createSharedRequestPacer({
        store: deps.pacing,
        budgetKey: budgetKeyOf(deps.apiBaseUrl, deps.devKey),
        maxPerHour,
        clock,
        log: (line) => productLogger('worker').warn(line),
      })
    : createRequestPacer(maxPerHour, clock);
  let cached: BillClient | undefined;

  /** Missing credentials are a configuration error: no attempt can fix it, so fail at once. */
  function client(): BillClient {
    if (!deps.appKey || !deps.devKey) {
      throw ApplicationFailure.nonRetryable(
        'BILL_APP_KEY and BILL_DEV_KEY must be configured on the worker',
        'Bill.not_configured' satisfies BillFailure,
      );
    }
    cached ??= observeClient(
      createBillClient({
        baseUrl: deps.apiBaseUrl,
        appKey: deps.appKey,
        devKey: deps.devKey,
        timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        now: clock.now,
        pacer,
      }),
      deps.metrics?.billCall,
    );
    return cached;
  }

  async function bill<T>(call: (c: BillClient) => Promise<T>): Promise<T> {
    // A call may wait minutes for its turn at the pacer: heartbeats say the worker is alive, so a
    // killed worker's call is taken up again within the heartbeat timeout, not the 10 minutes.
    const context = Context.current();
    const alive = setInterval(() => context.heartbeat(), BILL_HEARTBEAT_EVERY_MS);
    try {
      return await call(client());
    } catch (err) {
      throw toBillFailure(err, activityInfo().attempt, policy);
    } finally {
      clearInterval(alive);
    }
  }

  return {
    /** The pace the progress bar's time estimate is based on. */
    async billPacing(): Promise<{ maxRequestsPerHour: number }> {
      return { maxRequestsPerHour: pacer.maxPerHour };
    },

    async billPartnerLogin(): Promise<{ sessionId: string }> {
      const { username, password } = deps;
      if (!username || !password) {
        throw ApplicationFailure.nonRetryable(
          'BILL_USERNAME and BILL_PASSWORD must be configured on the worker',
          'Bill.not_configured' satisfies BillFailure,
        );
      }
      return bill((c) => c.partnerLogin({ username, password }));
    },

    /** One page of organizations, newest first; the workflow owns the cursor so it can continue-as-new. */
    async billListOrganizationsPage(input: {
      sessionId: string;
      page?: string;
      pageSize: number;
    }): Promise<OrganizationsPage> {
      const res = await bill((c) =>
        c.listOrganizationsChecked(input.sessionId, {
          max: input.pageSize,
          page: input.page,
          sort: 'createdTime:desc',
        }),
      );
      return {
        // A malformed organization is carried with its problem; the workflow reports it, unclassified.
        organizations: res.results.map((o, i) =>
          o.valid
            ? {
                id: o.organization.id,
                name: o.organization.name,
                createdTime: o.organization.createdTime ?? null,
              }
            : {
                id: o.id ?? `(no id: page item ${i})`,
                name: o.name ?? '',
                createdTime: null,
                malformed: o.problem,
              },
        ),
        ...(res.nextPage ? { nextPage: res.nextPage } : {}),
      };
    },

    /** Every user of one organization (all pages), archived ones included so the child can skip them. */
    async billListUsers(input: {
      sessionId: string;
      organizationId: string;
      pageSize: number;
    }): Promise<OrganizationUser[]> {
      const users = await bill((c) =>
        c.listAllUsers(input.sessionId, input.organizationId, { max: input.pageSize }),
      );
      // A contact without an email cannot be engaged; say which record, never whose (no personal data).
      const noEmail = users.findIndex((u) => !u.archived && !u.email?.trim());
      if (noEmail >= 0) {
        throw ApplicationFailure.nonRetryable(
          `BILL listUsers failed: invalid_response: field results.${noEmail}.email: active user ${users[noEmail]!.id} has no email`,
          'Bill.invalid_response' satisfies BillFailure,
        );
      }
      return users.map((u) => ({
        id: u.id,
        archived: u.archived,
        email: u.email ?? '',
        firstName: u.firstName ?? '',
        lastName: u.lastName ?? '',
        role: u.role?.type ?? '',
      }));
    },

    /** A refusal (archived, inactive or unknown user) is an answer, not a failure: try the next user. */
    async billLoginAsUser(input: {
      sessionId: string;
      organizationId: string;
      userId: string;
    }): Promise<LoginAsUserResult> {
      try {
        return await client().loginAsUser(input.sessionId, {
          organizationId: input.organizationId,
          userId: input.userId,
        });
      } catch (err) {
        if (
          isBillApiError(err) &&
          (err.kind === 'bad_request' || err.kind === 'forbidden' || err.kind === 'not_found')
        ) {
          return { refused: true, reason: err.message };
        }
        throw toBillFailure(err, activityInfo().attempt, policy);
      }
    },

    /** Risk verification is one signal among others: no usable answer is `unavailable`, never a "no". */
    async billGetApproval(input: {
      orgSessionId: string;
    }): Promise<{ risk: RiskSignal; decision: string | null; unavailable?: string }> {
      const answer = await bill((c) => c.getRiskVerification(input.orgSessionId));
      if (answer.decision === null)
        return { risk: 'unavailable', decision: null, unavailable: answer.unavailable };
      return { risk: riskSignal(answer.decision), decision: answer.decision };
    },

    async billListBankAccounts(input: {
      orgSessionId: string;
    }): Promise<{ total: number; verified: number }> {
      const accounts = await bill((c) => c.listAllBankAccounts(input.orgSessionId));
      return summarizeBankAccounts(accounts);
    },

    /** The newest createdTime, checked rather than trusted (see connectors/bill/newest-payment.ts). */
    async billNewestPayment(input: {
      orgSessionId: string;
    }): Promise<{ lastPaymentAt: string | null; requests: number; sortHonoured: boolean }> {
      return bill((c) => newestPayment(c, input.orgSessionId));
    },

    ...reportActivities(deps.documents, deps.partnerKey ?? partnerKeyOf(deps)),
    billQueueEngagementDigest: createDigestQueue(deps.digests, deps.documents),
  };
}

/** Runs over the same partner (same API and username) are compared; the key reveals neither. */
function partnerKeyOf(deps: BillActivityDeps): string {
  return createHash('sha256')
    .update(`${deps.apiBaseUrl}\n${deps.username ?? ''}`)
    .digest('hex')
    .slice(0, 16);
}

function reportActivities(documents: EngagementDocumentStore, partnerKey: string) {
  const store = createReportStore(documents, partnerKey);
  return {
    billSaveReportPart: store.saveReportPart,
    billAssembleReport: store.assembleReport,
    billRunExists: store.runExists,
  };
}

export type BillActivities = ReturnType<typeof createBillActivities>;
export type { AssembleReportInput, AssembleReportResult, SaveReportPartInput } from './report-store';
export type { QueueDigestInput, QueueDigestResult } from './digest-queue';
