/**
 * Behaviours seen on real partner accounts, switched on per simulator (issue 13):
 * - `riskVerificationsUnsupported`: GET /v3/risk-verifications answers 404 BDC_1121 "API not
 *   supported" for every organization, as in a sandbox where the partner cannot call it;
 * - `unsortedPayments`: GET /v3/payments ignores `sort` and pages in storage order, as list
 *   endpoints do with a sort they do not support;
 * - malformed records per organization: a payment without `createdTime`, a bank account with a
 *   status outside BILL's set, an active user without `email`, an organization whose `createdTime`
 *   is not a date.
 */
import type { SimBankAccount, SimOrganization, SimPayment, SimUser } from './types';

export interface SimSwitches {
  riskVerificationsUnsupported: boolean;
  unsortedPayments: boolean;
}

export type MalformedKind = 'paymentCreatedTime' | 'bankStatus' | 'userEmail' | 'organizationCreatedTime';
export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'paymentCreatedTime',
  'bankStatus',
  'userEmail',
  'organizationCreatedTime',
];

/** Which organizations serve which malformed records (the stored data stays intact). */
export type MalformedRecords = Map<string, Set<MalformedKind>>;

function firstWhere<T>(items: T[], pick: (t: T) => boolean, change: (t: T) => T): T[] {
  const i = items.findIndex(pick);
  return i < 0 ? items : items.map((t, k) => (k === i ? change(t) : t));
}

export function servedUsers(org: SimOrganization, malformed: MalformedRecords): SimUser[] {
  if (!malformed.get(org.id)?.has('userEmail')) return org.users;
  return firstWhere(
    org.users,
    (u) => !u.archived,
    (u) => {
      const { email: _email, ...rest } = u;
      return rest as SimUser;
    },
  );
}

export function servedBanks(org: SimOrganization, malformed: MalformedRecords): SimBankAccount[] {
  if (!malformed.get(org.id)?.has('bankStatus')) return org.bankAccounts;
  return firstWhere(
    org.bankAccounts,
    () => true,
    (b) => ({ ...b, status: 'SOMETHING_NEW' as SimBankAccount['status'] }),
  );
}

export function servedPayments(org: SimOrganization, malformed: MalformedRecords): SimPayment[] {
  if (!malformed.get(org.id)?.has('paymentCreatedTime')) return org.payments;
  return firstWhere(
    org.payments,
    () => true,
    (p) => {
      const { createdTime: _t, ...rest } = p;
      return rest as SimPayment;
    },
  );
}

/** The organization as the partner listing serves it. */
export function servedOrganization(o: SimOrganization, malformed: MalformedRecords) {
  const broken = malformed.get(o.id)?.has('organizationCreatedTime');
  return {
    id: o.id,
    archived: o.archived,
    name: o.name,
    address: o.address,
    createdTime: broken ? 'not-a-date' : o.createdTime,
    updatedTime: o.updatedTime,
  };
}
