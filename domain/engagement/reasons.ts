/**
 * Engagement reasons and their rules (DESIGN.md §4.5). Pure: workflows import this, so no IO and no
 * clock; `asOf` is always passed in.
 */

export const ENGAGEMENT_REASONS = [
  'ENROLLMENT_INCOMPLETE',
  'NO_FUNDING_ACCOUNT',
  'BANK_NOT_VERIFIED',
  'NO_PAYMENTS',
  'INACTIVE_30',
  'INACTIVE_60',
  'INACTIVE_90',
  'ACTIVE',
] as const;
export type EngagementReason = (typeof ENGAGEMENT_REASONS)[number];

export const CAMPAIGNS = [
  'complete enrollment',
  'make a first payment',
  'resume payments',
  'deepen use',
] as const;
export type Campaign = (typeof CAMPAIGNS)[number];

/**
 * The recipe's campaigns. A missing or unverified funding account is part of enrollment: the customer
 * cannot pay yet, so the message is "finish setting up" rather than "make a payment".
 */
export const CAMPAIGN_BY_REASON: Readonly<Record<EngagementReason, Campaign>> = {
  ENROLLMENT_INCOMPLETE: 'complete enrollment',
  NO_FUNDING_ACCOUNT: 'complete enrollment',
  BANK_NOT_VERIFIED: 'complete enrollment',
  NO_PAYMENTS: 'make a first payment',
  INACTIVE_30: 'resume payments',
  INACTIVE_60: 'resume payments',
  INACTIVE_90: 'resume payments',
  ACTIVE: 'deepen use',
};

export const DAY_MS = 24 * 60 * 60 * 1000;

/** BILL's "VERIFIED" is the only status that lets a customer pay from the account. */
export const VERIFIED_STATUS = 'VERIFIED';

export interface BankAccountFacts {
  archived: boolean;
  status: string;
}

/** Archived accounts do not count at all: an archived VERIFIED account cannot fund a payment. */
export function summarizeBankAccounts(accounts: readonly BankAccountFacts[]): {
  total: number;
  verified: number;
} {
  const live = accounts.filter((a) => !a.archived);
  return { total: live.length, verified: live.filter((a) => a.status === VERIFIED_STATUS).length };
}

/** The inactivity reason for the newest payment; exactly 30 × 24 h is still ACTIVE (strictly "more than"). */
export function paymentRecencyReason(lastPaymentAtMs: number, asOfMs: number): EngagementReason {
  const age = asOfMs - lastPaymentAtMs;
  if (age > 90 * DAY_MS) return 'INACTIVE_90';
  if (age > 60 * DAY_MS) return 'INACTIVE_60';
  if (age > 30 * DAY_MS) return 'INACTIVE_30';
  return 'ACTIVE';
}

/**
 * What BILL's risk verification says. `unavailable` when BILL did not answer it usefully (404
 * BDC_1121, 403, no record, an empty or unknown shape): an undocumented, optional endpoint must not
 * act as a gate, so "unavailable" is never read as "not approved".
 */
export type RiskSignal = 'approved' | 'not_approved' | 'unavailable';

export interface OrganizationFacts {
  /** A non-archived user could be signed in as. */
  signedIn: boolean;
  /** Only meaningful when signedIn. */
  risk: RiskSignal;
  bankAccounts: { total: number; verified: number };
  /** ISO time of the newest payment, or null when the organization never paid. */
  lastPaymentAt: string | null;
}

/** Any decision but APPROVE is a "no"; a missing or empty decision is no answer at all. */
export function riskSignal(decision: string | null | undefined): RiskSignal {
  if (typeof decision !== 'string' || decision.trim() === '') return 'unavailable';
  return decision.trim().toUpperCase() === 'APPROVE' ? 'approved' : 'not_approved';
}

/**
 * One reason per organization: the first step of the customer journey that is not done yet. A
 * verified bank account or any payment is evidence that enrollment was completed, whatever risk
 * verification says; so ENROLLMENT_INCOMPLETE needs no signed-in user, or a known "not approved"
 * with neither of those.
 */
export function classifyOrganization(facts: OrganizationFacts, asOf: string): EngagementReason {
  if (!facts.signedIn) return 'ENROLLMENT_INCOMPLETE';
  const enrolledByEvidence = facts.bankAccounts.verified > 0 || facts.lastPaymentAt !== null;
  if (facts.risk === 'not_approved' && !enrolledByEvidence) return 'ENROLLMENT_INCOMPLETE';
  if (facts.bankAccounts.total === 0) return 'NO_FUNDING_ACCOUNT';
  if (facts.bankAccounts.verified === 0) return 'BANK_NOT_VERIFIED';
  if (facts.lastPaymentAt === null) return 'NO_PAYMENTS';
  return paymentRecencyReason(Date.parse(facts.lastPaymentAt), Date.parse(asOf));
}

export function isEngagementReason(value: string): value is EngagementReason {
  return (ENGAGEMENT_REASONS as readonly string[]).includes(value);
}
