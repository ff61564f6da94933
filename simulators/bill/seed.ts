/**
 * The hand-written BILL data set. Each organization exists to pin down one engagement reason of
 * DESIGN.md §4.5 or one of its boundaries, relative to SEED_AS_OF. SEED_EXPECTED_REASONS is written
 * by hand on purpose: deriving it from the data would only test the data against itself.
 */
import { bank, DAY_MS, org, payment, user } from './builders';
import { BillCredentials, BillDataset, EngagementReason, SimOrganization, SimUser } from './types';

export const SEED_AS_OF = '2026-11-01T12:00:00.000Z';
const T = Date.parse(SEED_AS_OF);
const ago = (days: number, extraMs = 0) => T - days * DAY_MS - extraMs;

export const SEED_CREDENTIALS: BillCredentials = {
  username: 'partner@example.com',
  password: 'sim-partner-password',
  appKey: 'sim-app-key',
  devKey: 'sim-dev-key',
};

const O = (n: number) => `00801SEED0000${String(n).padStart(2, '0')}`;
const U = (n: number, k: number) => `00601S${String(n).padStart(2, '0')}USER0${k}`;
const B = (n: number, k: number) => `bac01S${String(n).padStart(2, '0')}BANK0${k}`;
const P = (n: number, k: number) => `stp01S${String(n).padStart(2, '0')}PAY00${k}`;

/** One administrator who can sign in; enough for organizations whose users are not the point. */
const admin = (n: number, first: string, last: string): SimUser[] => [user(U(n, 1), first, last, ago(300))];
const verified = (n: number) => [bank(B(n, 1), 'VERIFIED', ago(250))];
/** A verified account plus payments made the given number of days (and extra ms) before asOf. */
function paying(n: number, ...when: Array<[days: number, extraMs?: number]>) {
  return {
    bankAccounts: verified(n),
    payments: when.map(([d, ms], k) => payment(P(n, k + 1), ago(d, ms ?? 0), B(n, 1))),
  };
}

// Array order is deliberately not createdTime order, so `sort=createdTime:desc` is really exercised.
const organizations: SimOrganization[] = [
  org(O(1), 'Active Anchovy Co', ago(120), {
    users: [
      user(U(1, 1), 'Ada', 'Anchovy', ago(119)),
      user(U(1, 2), 'Ben', 'Brine', ago(118), { role: { id: '0po01CLERK0001', type: 'CLERK' } }),
      user(U(1, 3), 'Cara', 'Caper', ago(117)),
      user(U(1, 4), 'Dev', 'Dill', ago(116), { archived: true }),
      user(U(1, 5), 'Eve', 'Endive', ago(115)),
      user(U(1, 6), 'Finn', 'Fennel', ago(114)),
      user(U(1, 7), 'Gia', 'Garlic', ago(113)),
    ],
    ...paying(1, [40], [1], [100]),
  }),
  org(O(2), 'Boundary Thirty LLC', ago(400), { users: admin(2, 'Tess', 'Thirty'), ...paying(2, [30]) }),
  org(O(3), 'Just Past Thirty Inc', ago(150), { users: admin(3, 'Jay', 'Past'), ...paying(3, [30, 1]) }),
  org(O(4), 'Midmonth Matters', ago(600), { users: admin(4, 'Mia', 'Mid'), ...paying(4, [45], [70]) }),
  org(O(5), 'Exactly Sixty Corp', ago(210), { users: admin(5, 'Sam', 'Sixty'), ...paying(5, [60]) }),
  org(O(6), 'Past Sixty Partners', ago(90), { users: admin(6, 'Pat', 'Sixer'), ...paying(6, [60, 1]) }),
  org(O(7), 'Exactly Ninety Ltd', ago(500), { users: admin(7, 'Nia', 'Ninety'), ...paying(7, [90]) }),
  org(O(8), 'Past Ninety Goods', ago(95), { users: admin(8, 'Gus', 'Goods'), ...paying(8, [90, 1]) }),
  org(O(9), 'Long Dormant Dairy', ago(800), { users: admin(9, 'Dot', 'Dairy'), ...paying(9, [400], [700]) }),
  org(O(10), 'Never Paid Noodles', ago(60), {
    users: admin(10, 'Ned', 'Noodle'),
    bankAccounts: verified(10),
  }),
  org(O(11), 'Pending Pickles', ago(45), {
    users: admin(11, 'Pia', 'Pickle'),
    bankAccounts: [bank(B(11, 1), 'PENDING', ago(40))],
  }),
  org(O(12), 'Unverified Umbrellas', ago(330), {
    users: admin(12, 'Uma', 'Umbrella'),
    // The archived account was verified once; only non-archived accounts count.
    bankAccounts: [bank(B(12, 1), 'VERIFIED', ago(320), true), bank(B(12, 2), 'NOT_VERIFIED', ago(20))],
  }),
  org(O(13), 'Bankless Bakery', ago(30), { users: admin(13, 'Bo', 'Baker') }),
  org(O(14), 'Archived Accounts Antiques', ago(700), {
    users: admin(14, 'Al', 'Antique'),
    bankAccounts: [bank(B(14, 1), 'VERIFIED', ago(690), true), bank(B(14, 2), 'PENDING', ago(100), true)],
  }),
  org(O(15), 'Pending Review Pottery', ago(10), {
    users: admin(15, 'Poppy', 'Potter'),
    riskDecision: 'IN_PROGRESS',
  }),
  org(O(16), 'Ghost Staff Garage', ago(250), {
    users: [
      user(U(16, 1), 'Gil', 'Ghost', ago(249), { archived: true }),
      user(U(16, 2), 'Gwen', 'Ghost', ago(248), { archived: true }),
    ],
    ...paying(16, [2]),
  }),
  org(O(17), 'Empty Office Outfitters', ago(5), { bankAccounts: verified(17) }),
  org(O(18), 'Locked Out Lumber', ago(222), {
    users: [
      user(U(18, 1), 'Lou', 'Locked', ago(221), { canSignIn: false }),
      user(U(18, 2), 'Lea', 'Left', ago(220), { archived: true }),
    ],
    ...paying(18, [3]),
  }),
  org(O(19), 'Second Chance Cycles', ago(180), {
    users: [
      user(U(19, 1), 'Cy', 'Archived', ago(179), { archived: true }),
      user(U(19, 2), 'Cat', 'Locked', ago(178), { canSignIn: false }),
      user(U(19, 3), 'Cole', 'Rider', ago(177)),
    ],
    ...paying(19, [5]),
  }),
  org(O(20), 'Mixed Banks Mills', ago(77), {
    users: admin(20, 'Max', 'Miller'),
    bankAccounts: [bank(B(20, 1), 'PENDING', ago(70)), bank(B(20, 2), 'VERIFIED', ago(60))],
  }),
  org(O(21), 'Shuffled Payments Shop', ago(365), {
    users: admin(21, 'Sid', 'Shuffle'),
    ...paying(21, [200], [75], [120]),
  }),
  org(O(22), 'Unapproved Busy Bistro', ago(15), {
    users: admin(22, 'Bea', 'Bistro'),
    riskDecision: 'REVIEW',
    ...paying(22, [1]),
  }),
  org(O(23), 'Future Dated Foods', ago(50), {
    users: admin(23, 'Fay', 'Future'),
    ...paying(23, [0, -2 * 60 * 60 * 1000]),
  }),
  org(O(24), 'No Verification Yet Yarns', ago(3), { users: admin(24, 'Yara', 'Yarn'), riskDecision: null }),
  org(O(25), 'Blocked Bank Boutique', ago(140), {
    users: admin(25, 'Bly', 'Boutique'),
    bankAccounts: [bank(B(25, 1), 'BLOCKED', ago(130))],
  }),
];

/** Written by hand: the reason §4.5 gives each organization at SEED_AS_OF. */
export const SEED_EXPECTED_REASONS: Readonly<Record<string, EngagementReason>> = {
  '00801SEED000001': 'ACTIVE', // newest of three payments 1 day old
  '00801SEED000002': 'ACTIVE', // newest payment exactly 30 × 24 h old
  '00801SEED000003': 'INACTIVE_30', // 30 × 24 h + 1 ms
  '00801SEED000004': 'INACTIVE_30', // 45 days
  '00801SEED000005': 'INACTIVE_30', // exactly 60 × 24 h
  '00801SEED000006': 'INACTIVE_60', // 60 × 24 h + 1 ms
  '00801SEED000007': 'INACTIVE_60', // exactly 90 × 24 h
  '00801SEED000008': 'INACTIVE_90', // 90 × 24 h + 1 ms
  '00801SEED000009': 'INACTIVE_90', // 400 days
  '00801SEED000010': 'NO_PAYMENTS', // verified bank, no payments
  '00801SEED000011': 'BANK_NOT_VERIFIED', // one PENDING account
  '00801SEED000012': 'BANK_NOT_VERIFIED', // NOT_VERIFIED, plus an archived VERIFIED one
  '00801SEED000013': 'NO_FUNDING_ACCOUNT', // no bank accounts at all
  '00801SEED000014': 'NO_FUNDING_ACCOUNT', // only archived accounts (one of them VERIFIED)
  '00801SEED000015': 'ENROLLMENT_INCOMPLETE', // risk verification IN_PROGRESS
  '00801SEED000016': 'ENROLLMENT_INCOMPLETE', // every user archived (payments exist anyway)
  '00801SEED000017': 'ENROLLMENT_INCOMPLETE', // no users
  '00801SEED000018': 'ENROLLMENT_INCOMPLETE', // the only active user cannot sign in
  '00801SEED000019': 'ACTIVE', // 1st user archived, 2nd cannot sign in, 3rd can; paid 5 days ago
  '00801SEED000020': 'NO_PAYMENTS', // PENDING + VERIFIED accounts, no payments
  '00801SEED000021': 'INACTIVE_60', // payments 200, 75, 120 days old, stored out of order
  '00801SEED000022': 'ACTIVE', // risk verification REVIEW, but a verified bank and a payment yesterday prove enrollment
  '00801SEED000023': 'ACTIVE', // newest payment 2 h after asOf
  '00801SEED000024': 'NO_FUNDING_ACCOUNT', // risk verification never started (404: unavailable, not a "no"), no bank
  '00801SEED000025': 'BANK_NOT_VERIFIED', // one BLOCKED account
};

/**
 * With risk verification unsupported (404 BDC_1121 for everyone), only the organization whose sole
 * evidence of unfinished enrollment was its decision reads differently: IN_PROGRESS, and no bank
 * account, is classified from the facts left, which say no funding account.
 */
export const SEED_EXPECTED_REASONS_WITHOUT_RISK_VERIFICATION: Readonly<Record<string, EngagementReason>> = {
  ...SEED_EXPECTED_REASONS,
  '00801SEED000015': 'NO_FUNDING_ACCOUNT',
};

/** A fresh copy each call, so one simulator's mutations never leak into another. */
export function seedDataset(): BillDataset {
  return { asOf: SEED_AS_OF, organizations: structuredClone(organizations) };
}
