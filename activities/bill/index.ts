/**
 * BILL engagement activities: one per recipe step, plus report storage. Credentials come only from
 * the worker's configuration (deps). Session ids are returned to the workflow, which is fine because
 * the data converter encrypts every payload; they never appear in failure messages.
 */
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { createBillClient, isBillApiError, type BillClient } from '../../connectors/bill';
import { summarizeBankAccounts, type EngagementUser } from '../../domain/engagement';
import { DEFAULT_BILL_RETRY, toBillFailure, type BillRetryPolicy } from './failures';
import { createReportStore } from './report-store';

export interface BillActivityDeps {
  apiBaseUrl: string;
  username?: string;
  password?: string;
  appKey?: string;
  devKey?: string;
  timeoutMs?: number;
  /** Folder for reports too large for a workflow result. */
  reportsDir: string;
  /** Retry pacing (tests shorten the BDC_1144 wait with maxHourlyWaitMs). */
  retry?: Partial<BillRetryPolicy>;
}

export interface OrganizationSummary {
  id: string;
  name: string;
  createdTime: string | null;
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

export function createBillActivities(deps: BillActivityDeps) {
  const policy: BillRetryPolicy = { ...DEFAULT_BILL_RETRY, ...deps.retry };
  let cached: BillClient | undefined;

  /** Missing credentials are a configuration error: no attempt can fix it, so fail at once. */
  function client(): BillClient {
    if (!deps.appKey || !deps.devKey) {
      throw ApplicationFailure.nonRetryable(
        'BILL_APP_KEY and BILL_DEV_KEY must be configured on the worker',
        'Bill.not_configured',
      );
    }
    cached ??= createBillClient({
      baseUrl: deps.apiBaseUrl,
      appKey: deps.appKey,
      devKey: deps.devKey,
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    return cached;
  }

  async function bill<T>(call: (c: BillClient) => Promise<T>): Promise<T> {
    try {
      return await call(client());
    } catch (err) {
      throw toBillFailure(err, activityInfo().attempt, policy);
    }
  }

  return {
    async billPartnerLogin(): Promise<{ sessionId: string }> {
      const { username, password } = deps;
      if (!username || !password) {
        throw ApplicationFailure.nonRetryable(
          'BILL_USERNAME and BILL_PASSWORD must be configured on the worker',
          'Bill.not_configured',
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
        c.listOrganizations(input.sessionId, {
          max: input.pageSize,
          page: input.page,
          sort: 'createdTime:desc',
        }),
      );
      return {
        organizations: res.results.map((o) => ({
          id: o.id,
          name: o.name,
          createdTime: o.createdTime ?? null,
        })),
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

    /** Enrollment is complete only when risk verification says APPROVE (the one documented signal). */
    async billGetApproval(input: {
      orgSessionId: string;
    }): Promise<{ approved: boolean; decision: string | null }> {
      const { decision } = await bill((c) => c.getRiskVerification(input.orgSessionId));
      return { approved: decision === 'APPROVE', decision };
    },

    async billListBankAccounts(input: {
      orgSessionId: string;
    }): Promise<{ total: number; verified: number }> {
      const accounts = await bill((c) => c.listAllBankAccounts(input.orgSessionId));
      return summarizeBankAccounts(accounts);
    },

    /** Only the newest payment matters for §4.5, so ask BILL for one, newest first. */
    async billNewestPayment(input: { orgSessionId: string }): Promise<{ lastPaymentAt: string | null }> {
      const page = await bill((c) =>
        c.listPayments(input.orgSessionId, { max: 1, sort: 'createdTime:desc' }),
      );
      return { lastPaymentAt: page.results[0]?.createdTime ?? null };
    },

    ...reportActivities(deps.reportsDir),
  };
}

function reportActivities(reportsDir: string) {
  const store = createReportStore(reportsDir);
  return {
    billSaveReportPart: store.saveReportPart,
    billAssembleReport: store.assembleReport,
  };
}

export type BillActivities = ReturnType<typeof createBillActivities>;
export type { AssembleReportInput, AssembleReportResult, SaveReportPartInput } from './report-store';
