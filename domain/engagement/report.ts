/** The engagement report (DESIGN.md §4.5) and the small pure helpers that build it. */
import type { ReportChanges } from './changes';
import { ENGAGEMENT_REASONS, EngagementReason } from './reasons';

export interface EngagementUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
}

export interface OrganizationEngagement {
  organizationId: string;
  name: string;
  createdTime: string | null;
  /** Non-archived users only: archived ones cannot act on a campaign. */
  users: EngagementUser[];
  /** Exactly one reason when the organization was read; empty when `error` is set. */
  reasons: EngagementReason[];
  lastPaymentAt: string | null;
  bankAccounts: { total: number; verified: number };
  /** Why this organization could not be classified; the rest of the run is unaffected. */
  error?: string;
  /** Which facts the classification rests on (additive to §4.5). */
  signals: OrganizationSignals;
}

/** `ok`: read; `unavailable`: BILL gave no usable answer; `not_read`: never asked (e.g. no sign-in). */
export type SignalState = 'ok' | 'unavailable' | 'not_read';
export const SIGNAL_NAMES = ['riskVerification', 'bankAccounts', 'payments'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];
export type OrganizationSignals = Record<SignalName, SignalState>;

export const NOT_READ: OrganizationSignals = {
  riskVerification: 'not_read',
  bankAccounts: 'not_read',
  payments: 'not_read',
};

export function hasUnavailableSignal(entry: Pick<OrganizationEngagement, 'signals'>): boolean {
  return SIGNAL_NAMES.some((n) => entry.signals?.[n] === 'unavailable');
}

export type ReasonTotals = Record<EngagementReason, number>;

export interface EngagementReport {
  generatedAt: string;
  asOf: string;
  organizations: OrganizationEngagement[];
  totals: ReasonTotals;
  /** Against the previous completed run over the same partner (additive to §4.5; absent in old reports). */
  changes?: ReportChanges;
  /** With `--post-to`: what became of the run's Webex digest (additive to §4.5). */
  digest?: DigestOutcome;
}

/** What the workflow returns when the report was too large for history and went to a file. */
export interface EngagementReportLocation {
  generatedAt: string;
  asOf: string;
  totals: ReasonTotals;
  organizationCount: number;
  errors: number;
  reportLocation: string;
  reportBytes: number;
  /** With `--post-to`: what became of the run's Webex digest. */
  digest?: DigestOutcome;
}

/**
 * What became of a run's digest (additive to §4.5: the result's `digest`). `queued`: in the
 * account's queue, posted by its integration; `not_connected`: the account has no connected
 * integration; `backlog_full`: its queue is full; `failed`: it could not be queued (`error` says why).
 */
export interface DigestOutcome {
  accountId: string;
  eventId: string;
  status: 'queued' | 'not_connected' | 'backlog_full' | 'failed';
  /** How many Webex messages it takes (not when failed). */
  messages?: number;
  error?: string;
}

export type EngagementResult = EngagementReport | EngagementReportLocation;

export function isReportLocation(result: EngagementResult): result is EngagementReportLocation {
  return typeof (result as EngagementReportLocation).reportLocation === 'string';
}

export function emptyTotals(): ReasonTotals {
  return Object.fromEntries(ENGAGEMENT_REASONS.map((r) => [r, 0])) as ReasonTotals;
}

export function addToTotals(totals: ReasonTotals, entry: OrganizationEngagement): void {
  for (const reason of entry.reasons) totals[reason] += 1;
}

/** UTF-8 size of a string, counted by hand: this module runs inside the workflow sandbox. */
export { utf8ByteLength as utf8Length } from '../billsby/message-text';

/** An organization's place in the listing (newest first), so a report assembled from parts keeps that order. */
export interface RankedEngagement {
  rank: number;
  entry: OrganizationEngagement;
}

export function inListingOrder(parts: readonly RankedEngagement[]): OrganizationEngagement[] {
  return [...parts].sort((a, b) => a.rank - b.rank).map((p) => p.entry);
}
