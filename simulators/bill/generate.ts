/**
 * Deterministic large data sets for load tests and benchmarks. Each organization is built *from* a
 * reason drawn first, so `expected` is known by construction rather than re-derived from the data.
 */
import { bank, DAY_MS, org, payment, user } from './builders';
import { BillDataset, EngagementReason, SimOrganization, SimUser } from './types';

export interface GenerateOptions {
  organizations: number;
  seed: number;
  /** Reference instant; defaults to the seed's asOf. */
  asOf?: string;
  /** Users per organization are drawn from 1..maxUsersPerOrg. Default 3. */
  maxUsersPerOrg?: number;
}

export interface GeneratedDataset extends BillDataset {
  expected: Record<string, EngagementReason>;
}

/** mulberry32: tiny, fast and reproducible across Node versions. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REASONS: Array<[EngagementReason, number]> = [
  ['ACTIVE', 40],
  ['INACTIVE_30', 10],
  ['INACTIVE_60', 8],
  ['INACTIVE_90', 8],
  ['NO_PAYMENTS', 10],
  ['BANK_NOT_VERIFIED', 8],
  ['NO_FUNDING_ACCOUNT', 8],
  ['ENROLLMENT_INCOMPLETE', 8],
];
const FIRST = ['Ada', 'Ben', 'Cara', 'Dev', 'Eve', 'Finn', 'Gia', 'Hal', 'Ivy', 'Jon', 'Kai', 'Lena'];
const LAST = ['Stone', 'Rivers', 'Oak', 'Fields', 'Marsh', 'Hill', 'Brook', 'Vale', 'Frost', 'Wells'];

export function generateBillDataset(opts: GenerateOptions): GeneratedDataset {
  const rnd = prng(opts.seed);
  const asOf = opts.asOf ?? '2026-11-01T12:00:00.000Z';
  const T = Date.parse(asOf);
  const maxUsers = opts.maxUsersPerOrg ?? 3;
  const total = REASONS.reduce((s, [, w]) => s + w, 0);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pickReason = (): EngagementReason => {
    let x = rnd() * total;
    for (const [r, w] of REASONS) if ((x -= w) < 0) return r;
    return 'ACTIVE';
  };

  const organizations: SimOrganization[] = [];
  const expected: Record<string, EngagementReason> = {};
  for (let i = 0; i < opts.organizations; i++) {
    const n = String(i + 1).padStart(8, '0');
    const id = `00802GEN${n}`;
    const reason = pickReason();
    const createdMs = T - int(1, 1500) * DAY_MS - int(0, DAY_MS - 1);
    const users: SimUser[] = [];
    for (let k = 1, c = int(1, maxUsers); k <= c; k++) {
      users.push(
        user(`00602G${n}U${k}`, FIRST[int(0, FIRST.length - 1)], LAST[int(0, LAST.length - 1)], createdMs),
      );
      users[users.length - 1].email = `user${k}.${n}@example.com`;
    }
    const bankId = `bac02G${n}B1`;
    const paidAgo = (loDays: number, hiDays: number) =>
      // Strictly inside (lo, hi] days so the reason never sits on an ambiguous boundary.
      T - loDays * DAY_MS - int(1, (hiDays - loDays) * DAY_MS);
    let parts: Parameters<typeof org>[3] = { users };
    switch (reason) {
      case 'ENROLLMENT_INCOMPLETE':
        if (rnd() < 0.5) parts.riskDecision = 'IN_PROGRESS';
        else users.forEach((u) => (u.archived = true));
        break;
      case 'NO_FUNDING_ACCOUNT':
        if (rnd() < 0.5) parts.bankAccounts = [bank(bankId, 'VERIFIED', createdMs, true)];
        break;
      case 'BANK_NOT_VERIFIED':
        parts.bankAccounts = [bank(bankId, rnd() < 0.5 ? 'PENDING' : 'NOT_VERIFIED', createdMs)];
        break;
      case 'NO_PAYMENTS':
        parts.bankAccounts = [bank(bankId, 'VERIFIED', createdMs)];
        break;
      default: {
        const [lo, hi] = {
          ACTIVE: [0, 30],
          INACTIVE_30: [30, 60],
          INACTIVE_60: [60, 90],
          INACTIVE_90: [90, 900],
        }[reason];
        const newest = reason === 'ACTIVE' ? T - int(0, 30 * DAY_MS) : paidAgo(lo, hi);
        const pays = [payment(`stp02G${n}P1`, newest, bankId, int(100, 500000) / 100)];
        for (let k = 2, c = int(1, 4); k <= c; k++) {
          pays.push(
            payment(`stp02G${n}P${k}`, newest - int(1, 200) * DAY_MS, bankId, int(100, 500000) / 100),
          );
        }
        parts = { ...parts, bankAccounts: [bank(bankId, 'VERIFIED', createdMs)], payments: pays };
      }
    }
    organizations.push(org(id, `Generated Org ${n}`, createdMs, parts));
    expected[id] = reason;
  }
  return { asOf, organizations, expected };
}
