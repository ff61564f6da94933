import {
  CAMPAIGN_BY_REASON,
  classifyOrganization,
  DAY_MS,
  ENGAGEMENT_REASONS,
  inListingOrder,
  paymentRecencyReason,
  summarizeBankAccounts,
  utf8Length,
} from '../../domain/engagement';

const AS_OF = '2026-11-01T12:00:00.000Z';
const T = Date.parse(AS_OF);
const paidAgo = (ms: number) => new Date(T - ms).toISOString();
const ready = { signedIn: true, risk: 'approved' as const, bankAccounts: { total: 1, verified: 1 } };

describe('engagement reasons (DESIGN.md §4.5)', () => {
  it.each([
    [0, 'ACTIVE'],
    [30 * DAY_MS, 'ACTIVE'],
    [30 * DAY_MS + 1, 'INACTIVE_30'],
    [60 * DAY_MS, 'INACTIVE_30'],
    [60 * DAY_MS + 1, 'INACTIVE_60'],
    [90 * DAY_MS, 'INACTIVE_60'],
    [90 * DAY_MS + 1, 'INACTIVE_90'],
    [900 * DAY_MS, 'INACTIVE_90'],
    [-2 * 3_600_000, 'ACTIVE'],
  ])('a newest payment %d ms before asOf is %s', (age, reason) => {
    expect(paymentRecencyReason(T - age, T)).toBe(reason);
    expect(classifyOrganization({ ...ready, lastPaymentAt: paidAgo(age) }, AS_OF)).toBe(reason);
  });

  it('takes the first unfinished step of the journey', () => {
    const paid = paidAgo(DAY_MS);
    expect(classifyOrganization({ ...ready, signedIn: false, lastPaymentAt: paid }, AS_OF)).toBe(
      'ENROLLMENT_INCOMPLETE',
    );
    expect(
      classifyOrganization(
        { ...ready, risk: 'not_approved', bankAccounts: { total: 0, verified: 0 }, lastPaymentAt: null },
        AS_OF,
      ),
    ).toBe('ENROLLMENT_INCOMPLETE');
    expect(
      classifyOrganization({ ...ready, bankAccounts: { total: 0, verified: 0 }, lastPaymentAt: null }, AS_OF),
    ).toBe('NO_FUNDING_ACCOUNT');
    expect(
      classifyOrganization({ ...ready, bankAccounts: { total: 2, verified: 0 }, lastPaymentAt: null }, AS_OF),
    ).toBe('BANK_NOT_VERIFIED');
    expect(classifyOrganization({ ...ready, lastPaymentAt: null }, AS_OF)).toBe('NO_PAYMENTS');
  });

  it('counts only non-archived bank accounts, and only VERIFIED ones as verified', () => {
    expect(
      summarizeBankAccounts([
        { archived: true, status: 'VERIFIED' },
        { archived: false, status: 'PENDING' },
        { archived: false, status: 'VERIFIED' },
        { archived: false, status: 'BLOCKED' },
      ]),
    ).toEqual({ total: 3, verified: 1 });
  });

  it('maps every reason to one of the four campaigns', () => {
    expect(ENGAGEMENT_REASONS.map((r) => CAMPAIGN_BY_REASON[r])).toEqual([
      'complete enrollment',
      'complete enrollment',
      'complete enrollment',
      'make a first payment',
      'resume payments',
      'resume payments',
      'resume payments',
      'deepen use',
    ]);
  });

  it('measures UTF-8 like Buffer does and restores listing order', () => {
    for (const s of ['plain', 'café', '日本語', 'emoji 😀 ok'])
      expect(utf8Length(s)).toBe(Buffer.byteLength(s));
    const entry = (id: string) => ({ organizationId: id }) as never;
    expect(
      inListingOrder([
        { rank: 2, entry: entry('c') },
        { rank: 0, entry: entry('a') },
        { rank: 1, entry: entry('b') },
      ]).map((e: { organizationId: string }) => e.organizationId),
    ).toEqual(['a', 'b', 'c']);
  });
});
