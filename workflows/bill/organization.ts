import {
  classifyOrganization,
  NOT_READ,
  type EngagementUser,
  type OrganizationEngagement,
  type OrganizationSignals,
  type RiskSignal,
} from '../../domain/engagement';
import { billApi } from './bill-api';
import type { RankedOrganization } from './definitions';
import { BillSessions } from './sessions';

export interface OrganizationInput {
  organization: RankedOrganization;
  partnerSessionId: string;
  asOf: string;
  pageSize: number;
}

export interface OrganizationOutcome {
  entry: OrganizationEngagement;
  /** Set when this child had to log in as partner again, so the parent uses the fresh session. */
  renewedPartnerSessionId?: string;
  /** BILL requests this organization took (one per call, payment pages included): feeds the time estimate. */
  requests: number;
}

/**
 * `bill-engagement-org:<parent>:<organizationId>`: users → sign in as the first user who can →
 * risk verification, bank accounts and newest payment → one §4.5 reason, with the signals it rests on. Partner calls run one at a time
 * and the three organization calls run together, so at most 3 requests per organization are ever
 * in flight (BILL's concurrency limit, BDC_1322).
 */
export async function billEngagementOrganization(input: OrganizationInput): Promise<OrganizationOutcome> {
  const { organization: org } = input;
  const sessions = new BillSessions(input.partnerSessionId);
  let requests = 1;
  const users = await sessions.withPartner((sessionId) =>
    billApi.billListUsers({ sessionId, organizationId: org.id, pageSize: input.pageSize }),
  );
  const active = users.filter((u) => !u.archived);

  // The recipe signs in as the first user; archived ones are skipped and a refusal moves on to the next.
  let signedIn = false;
  for (const user of active) {
    requests++;
    const res = await sessions.withPartner((sessionId) =>
      billApi.billLoginAsUser({ sessionId, organizationId: org.id, userId: user.id }),
    );
    if ('sessionId' in res) {
      sessions.setOrgSession(res.sessionId, { organizationId: org.id, userId: user.id });
      signedIn = true;
      break;
    }
  }

  let facts = {
    risk: 'unavailable' as RiskSignal,
    bankAccounts: { total: 0, verified: 0 },
    lastPaymentAt: null as string | null,
  };
  let signals: OrganizationSignals = NOT_READ;
  if (signedIn) {
    const [approval, bankAccounts, payment] = await Promise.all([
      sessions.withOrg((orgSessionId) => billApi.billGetApproval({ orgSessionId })),
      sessions.withOrg((orgSessionId) => billApi.billListBankAccounts({ orgSessionId })),
      sessions.withOrg((orgSessionId) => billApi.billNewestPayment({ orgSessionId })),
    ]);
    requests += 2 + payment.requests;
    facts = { risk: approval.risk, bankAccounts, lastPaymentAt: payment.lastPaymentAt };
    signals = {
      riskVerification: approval.risk === 'unavailable' ? 'unavailable' : 'ok',
      bankAccounts: 'ok',
      payments: 'ok',
    };
  }

  const reason = classifyOrganization({ signedIn, ...facts }, input.asOf);
  return {
    entry: {
      ...entryBase(org, active),
      reasons: [reason],
      lastPaymentAt: facts.lastPaymentAt,
      bankAccounts: facts.bankAccounts,
      signals,
    },
    requests,
    ...(sessions.partnerRenewed ? { renewedPartnerSessionId: sessions.partnerSessionId } : {}),
  };
}

/** The entry's identity and contacts (the organization's active users). */
function entryBase(org: RankedOrganization, active: EngagementUser[]) {
  return {
    organizationId: org.id,
    name: org.name,
    createdTime: org.createdTime,
    users: active.map((u) => ({
      id: u.id,
      email: u.email,
      firstName: u.firstName,
      lastName: u.lastName,
      role: u.role,
    })),
  };
}
