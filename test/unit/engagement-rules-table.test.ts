/**
 * The classification rules as a table over every combination of signals the issue names: signed
 * in or not × risk decision × bank accounts × newest payment. The expected column is written from
 * the wording (not from the implementation): evidence of enrollment (a verified bank or any
 * payment) beats a "not approved"; an unavailable risk verification is never a "no".
 */
import {
  classifyOrganization,
  DAY_MS,
  riskSignal,
  summarizeBankAccounts,
  type EngagementReason,
} from '../../domain/engagement';

const AS_OF = '2026-11-01T12:00:00.000Z';
const T = Date.parse(AS_OF);

const DECISIONS = { approve: 'APPROVE', pending: 'IN_PROGRESS', declined: 'DECLINE', unavailable: null };
const BANKS = {
  none: [],
  unverified: [{ archived: false, status: 'PENDING' }],
  verified: [{ archived: false, status: 'VERIFIED' }],
  archived: [{ archived: true, status: 'VERIFIED' }],
};
const PAYMENTS: Record<string, number | null> = { none: null, '≤30d': 30, '31d': 31, '61d': 61, '91d': 91 };

/** The journey after enrollment, by bank accounts then payment age (DESIGN §4.5 order). */
const AFTER_ENROLLMENT: Record<keyof typeof BANKS, Record<string, EngagementReason>> = {
  none: Object.fromEntries(Object.keys(PAYMENTS).map((p) => [p, 'NO_FUNDING_ACCOUNT'])),
  archived: Object.fromEntries(Object.keys(PAYMENTS).map((p) => [p, 'NO_FUNDING_ACCOUNT'])),
  unverified: Object.fromEntries(Object.keys(PAYMENTS).map((p) => [p, 'BANK_NOT_VERIFIED'])),
  verified: {
    none: 'NO_PAYMENTS',
    '≤30d': 'ACTIVE',
    '31d': 'INACTIVE_30',
    '61d': 'INACTIVE_60',
    '91d': 'INACTIVE_90',
  },
};

function expected(
  signedIn: boolean,
  decision: keyof typeof DECISIONS,
  banks: keyof typeof BANKS,
  payments: string,
): EngagementReason {
  if (!signedIn) return 'ENROLLMENT_INCOMPLETE';
  const evidence = banks === 'verified' || payments !== 'none';
  const notApproved = decision === 'pending' || decision === 'declined';
  if (notApproved && !evidence) return 'ENROLLMENT_INCOMPLETE';
  return AFTER_ENROLLMENT[banks][payments]!;
}

const rows: Array<[boolean, keyof typeof DECISIONS, keyof typeof BANKS, string]> = [];
for (const signedIn of [true, false])
  for (const d of Object.keys(DECISIONS) as Array<keyof typeof DECISIONS>)
    for (const b of Object.keys(BANKS) as Array<keyof typeof BANKS>)
      for (const p of Object.keys(PAYMENTS)) rows.push([signedIn, d, b, p]);

describe('classification over every combination of signals', () => {
  it('has 160 rows', () => expect(rows).toHaveLength(2 * 4 * 4 * 5));

  it.each(rows)('signed in %s, decision %s, banks %s, payments %s', (signedIn, d, b, p) => {
    const days = PAYMENTS[p];
    const lastPaymentAt = days === null ? null : new Date(T - days * DAY_MS).toISOString();
    const reason = classifyOrganization(
      {
        signedIn,
        risk: riskSignal(DECISIONS[d]),
        bankAccounts: summarizeBankAccounts(BANKS[b]),
        lastPaymentAt,
      },
      AS_OF,
    );
    expect(reason).toBe(expected(signedIn, d, b, p));
  });

  it('reads any decision but APPROVE as not approved, and no decision as unavailable', () => {
    expect(riskSignal('APPROVE')).toBe('approved');
    for (const d of ['IN_PROGRESS', 'PENDING', 'REVIEW', 'HOLD', 'DECLINE', 'SOMETHING_NEW'])
      expect(riskSignal(d)).toBe('not_approved');
    for (const d of [null, undefined, '', '  ']) expect(riskSignal(d)).toBe('unavailable');
  });
});
