/**
 * BILL v3 client for the Embed partner "customer engagement" recipe. Header sets follow the reference:
 * partner calls send `sessionId` + `appKey` (users also `organizationId`), organization calls send
 * `devKey` + `sessionId`. The client holds no session state: callers own and renew sessions.
 */
import { BillApiError } from './errors';
import { createHttpClient } from '../http';
import { HttpDeps, send } from './http';
import { collect, listParams, pages, type ListOptions } from './paging';

export type { ListOptions } from './paging';
import type { RequestPacer } from './pacer';
import {
  bankAccountSchema,
  BillBankAccount,
  BillOrganization,
  BillPayment,
  anyItem,
  BillUser,
  checkOrganization,
  CheckedOrganization,
  listSchema,
  organizationSchema,
  Page,
  paymentSchema,
  riskDecisionOf,
  riskVerificationSchema,
  sessionSchema,
  userSchema,
} from './schemas';

export interface BillClientConfig {
  baseUrl: string;
  devKey: string;
  appKey: string;
  timeoutMs: number;
  /** Clock for retryAfterMs of BDC_1144; defaults to Date.now. */
  now?: () => number;
  /** Paces every request (the run's share of the devKey's hourly limit); none: unpaced. */
  pacer?: RequestPacer;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface BillClient {
  partnerLogin(
    creds: { username: string; password: string },
    call?: CallOptions,
  ): Promise<{ sessionId: string }>;
  listOrganizations(
    partnerSessionId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): Promise<Page<BillOrganization>>;
  /**
   * One page of organizations, each checked on its own: a malformed one comes back as `invalid`
   * (naming the field) instead of failing the page, so one bad record cannot sink a whole run.
   */
  listOrganizationsChecked(
    partnerSessionId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): Promise<Page<CheckedOrganization>>;
  iterateOrganizations(
    partnerSessionId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): AsyncGenerator<Page<BillOrganization>>;
  listAllOrganizations(
    partnerSessionId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): Promise<BillOrganization[]>;
  listUsers(
    partnerSessionId: string,
    organizationId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): Promise<Page<BillUser>>;
  iterateUsers(
    partnerSessionId: string,
    organizationId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): AsyncGenerator<Page<BillUser>>;
  listAllUsers(
    partnerSessionId: string,
    organizationId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): Promise<BillUser[]>;
  loginAsUser(
    partnerSessionId: string,
    ids: { organizationId: string; userId: string },
    call?: CallOptions,
  ): Promise<{ sessionId: string }>;
  listBankAccounts(
    orgSessionId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): Promise<Page<BillBankAccount>>;
  listAllBankAccounts(
    orgSessionId: string,
    opts?: ListOptions,
    call?: CallOptions,
  ): Promise<BillBankAccount[]>;
  listPayments(orgSessionId: string, opts?: ListOptions, call?: CallOptions): Promise<Page<BillPayment>>;
  /**
   * `decision` of the organization's risk verification (APPROVE, IN_PROGRESS, REVIEW, …), or why
   * there is none: the endpoint is optional and undocumented, so 404/403/no record/an unknown shape
   * are "unavailable", never an error.
   */
  getRiskVerification(orgSessionId: string, call?: CallOptions): Promise<RiskVerificationAnswer>;
}

export type RiskVerificationAnswer = { decision: string } | { decision: null; unavailable: string };

const NEWEST_FIRST = 'createdTime:desc';

export function createBillClient(config: BillClientConfig): BillClient {
  const deps: HttpDeps = {
    http: createHttpClient({ baseUrl: config.baseUrl, timeoutMs: config.timeoutMs }),
    now: config.now ?? Date.now,
    pacer: config.pacer,
  };
  const keys = [config.devKey, config.appKey];

  const partnerHeaders = (sessionId: string) => ({ sessionId, appKey: config.appKey });
  const orgHeaders = (sessionId: string) => ({ devKey: config.devKey, sessionId });

  const client: BillClient = {
    partnerLogin: (creds, call) =>
      send(deps, {
        operation: 'partnerLogin',
        method: 'POST',
        path: '/v3/partner/login',
        headers: { 'Content-Type': 'application/json' },
        data: { appKey: config.appKey, username: creds.username, password: creds.password },
        schema: sessionSchema,
        secrets: [...keys, creds.username, creds.password],
        signal: call?.signal,
      }),

    listOrganizations: async (sid, opts, call) =>
      send(deps, {
        operation: 'listOrganizations',
        method: 'GET',
        path: '/v3/partner/organizations',
        headers: partnerHeaders(sid),
        params: listParams('listOrganizations', opts, NEWEST_FIRST),
        schema: listSchema(organizationSchema),
        secrets: [...keys, sid],
        signal: call?.signal,
      }),
    listOrganizationsChecked: async (sid, opts, call) => {
      const page = await send(deps, {
        operation: 'listOrganizations',
        method: 'GET',
        path: '/v3/partner/organizations',
        headers: partnerHeaders(sid),
        params: listParams('listOrganizations', opts, NEWEST_FIRST),
        schema: listSchema(anyItem),
        secrets: [...keys, sid],
        signal: call?.signal,
      });
      return { ...page, results: page.results.map(checkOrganization) };
    },
    iterateOrganizations: (sid, opts, call) =>
      pages(
        'listOrganizations',
        (page) => client.listOrganizations(sid, { ...opts, page }, call),
        opts?.page,
      ),
    listAllOrganizations: (sid, opts, call) => collect(client.iterateOrganizations(sid, opts, call)),

    listUsers: async (sid, organizationId, opts, call) =>
      send(deps, {
        operation: 'listUsers',
        method: 'GET',
        path: '/v3/partner/users',
        headers: { ...partnerHeaders(sid), organizationId },
        params: listParams('listUsers', opts),
        schema: listSchema(userSchema),
        secrets: [...keys, sid],
        signal: call?.signal,
      }),
    iterateUsers: (sid, orgId, opts, call) =>
      pages('listUsers', (page) => client.listUsers(sid, orgId, { ...opts, page }, call), opts?.page),
    listAllUsers: (sid, orgId, opts, call) => collect(client.iterateUsers(sid, orgId, opts, call)),

    loginAsUser: (sid, ids, call) =>
      send(deps, {
        operation: 'loginAsUser',
        method: 'POST',
        path: '/v3/partner/login-as-user',
        headers: { ...partnerHeaders(sid), 'Content-Type': 'application/json' },
        data: { organizationId: ids.organizationId, userId: ids.userId },
        schema: sessionSchema,
        secrets: [...keys, sid],
        signal: call?.signal,
      }),

    listBankAccounts: async (sid, opts, call) =>
      send(deps, {
        operation: 'listBankAccounts',
        method: 'GET',
        path: '/v3/funding-accounts/banks',
        headers: orgHeaders(sid),
        params: listParams('listBankAccounts', opts),
        schema: listSchema(bankAccountSchema),
        secrets: [...keys, sid],
        signal: call?.signal,
      }),
    listAllBankAccounts: (sid, opts, call) =>
      collect(
        pages(
          'listBankAccounts',
          (page) => client.listBankAccounts(sid, { ...opts, page }, call),
          opts?.page,
        ),
      ),

    listPayments: async (sid, opts, call) =>
      send(deps, {
        operation: 'listPayments',
        method: 'GET',
        path: '/v3/payments',
        headers: orgHeaders(sid),
        params: listParams('listPayments', opts, NEWEST_FIRST),
        schema: listSchema(paymentSchema),
        secrets: [...keys, sid],
        signal: call?.signal,
      }),

    getRiskVerification: async (sid, call) => {
      try {
        const body = await send(deps, {
          operation: 'getRiskVerification',
          method: 'GET',
          path: '/v3/risk-verifications',
          headers: orgHeaders(sid),
          schema: riskVerificationSchema,
          secrets: [...keys, sid],
          signal: call?.signal,
        });
        return riskDecisionOf(body);
      } catch (err) {
        if (err instanceof BillApiError && (err.kind === 'not_found' || err.kind === 'forbidden')) {
          return {
            decision: null,
            unavailable: `${err.kind} (HTTP ${err.status ?? '?'} ${err.code ?? ''})`.trim(),
          };
        }
        throw err;
      }
    },
  };
  return client;
}
