import {
  changeLabel,
  compareRuns,
  estimateMsLeft,
  formatDuration,
  NOT_READ,
  snapshotOf,
  type EngagementReason,
  type OrganizationEngagement,
} from '../../domain/engagement';

const entry = (id: string, reason: EngagementReason | null): OrganizationEngagement => ({
  organizationId: id,
  name: `Org ${id}`,
  createdTime: null,
  users: [],
  reasons: reason ? [reason] : [],
  lastPaymentAt: null,
  bankAccounts: { total: 0, verified: 0 },
  signals: NOT_READ,
  ...(reason ? {} : { error: 'BILL listPayments failed: invalid_response' }),
});
const ref = {
  workflowId: 'bill-engagement-a',
  generatedAt: '2026-11-01T00:00:00.000Z',
  asOf: '2026-11-01T00:00:00.000Z',
};

describe('changes against the previous run', () => {
  const previous = snapshotOf(ref, [
    entry('same', 'ACTIVE'),
    entry('moves', 'NO_PAYMENTS'),
    entry('failedBefore', null),
    entry('failsNow', 'INACTIVE_30'),
    entry('gone', 'BANK_NOT_VERIFIED'),
  ]);
  const current = [
    entry('same', 'ACTIVE'),
    entry('moves', 'ACTIVE'),
    entry('failedBefore', 'NO_FUNDING_ACCOUNT'),
    entry('failsNow', null),
    entry('fresh', 'ENROLLMENT_INCOMPLETE'),
  ];

  it('lists new, moved, entered and left organizations, and nothing unchanged', () => {
    const changes = compareRuns(previous, current, true);
    expect(changes.comparedTo).toEqual(ref);
    expect(changes.organizations.map((c) => [c.organizationId, c.change, c.from, c.to])).toEqual([
      ['moves', 'moved', 'NO_PAYMENTS', 'ACTIVE'],
      ['failedBefore', 'entered', null, 'NO_FUNDING_ACCOUNT'],
      ['failsNow', 'left', 'INACTIVE_30', null],
      ['fresh', 'new', null, 'ENROLLMENT_INCOMPLETE'],
      ['gone', 'left', 'BANK_NOT_VERIFIED', null],
    ]);
    expect(changes.organizations.map(changeLabel)).toEqual([
      'moved from NO_PAYMENTS',
      'entered',
      'left INACTIVE_30',
      'new',
      'left BANK_NOT_VERIFIED',
    ]);
  });

  it('a partial run (--max-orgs) does not call the organizations it did not read "left"', () => {
    const changes = compareRuns(previous, current, false);
    expect(changes.organizations.find((c) => c.organizationId === 'gone')).toBeUndefined();
  });

  it('a first run has nothing to compare with and lists nothing', () => {
    expect(compareRuns(null, current, true)).toEqual({ comparedTo: null, organizations: [] });
    expect(changeLabel(undefined)).toBe('');
  });
});

describe('time left at the paced rate', () => {
  it('divides the requests still to make by the hourly budget', () => {
    // 1,000 organizations × 5 requests at 10,000 per hour: half an hour.
    expect(estimateMsLeft({ done: 0, known: 1000, maxRequestsPerHour: 10_000 })).toBe(1_800_000);
    // Measured: 6 requests per organization so far.
    expect(estimateMsLeft({ done: 100, known: 200, requests: 600, maxRequestsPerHour: 3600 })).toBe(600_000);
    expect(estimateMsLeft({ done: 1, known: 2 })).toBeUndefined();
    expect([
      formatDuration(42_000),
      formatDuration(1_800_000),
      formatDuration(5 * 3_600_000 + 60_000),
    ]).toEqual(['42s', '30m', '5h01m']);
  });
});
