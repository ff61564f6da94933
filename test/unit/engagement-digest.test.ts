/**
 * The engagement digest's text (DESIGN §4.5.1). The expected texts are written from the format in
 * DESIGN.md, not from the product's code.
 */
import {
  compareRuns,
  emptyTotals,
  formatEngagementDigest,
  NOT_READ,
  snapshotOf,
  addToTotals,
  type EngagementReason,
  type EngagementReport,
  type OrganizationEngagement,
} from '../../domain/engagement';
import { batchActivitySummary } from '../../workflows/summaries';

const org = (
  id: string,
  name: string,
  reason: EngagementReason | null,
  emails: string[] = [],
): OrganizationEngagement => ({
  organizationId: id,
  name,
  createdTime: null,
  users: emails.map((email, i) => ({ id: `${id}-u${i}`, email, firstName: '', lastName: '', role: 'ADMIN' })),
  reasons: reason ? [reason] : [],
  lastPaymentAt: null,
  bankAccounts: { total: 0, verified: 0 },
  signals: NOT_READ,
  ...(reason ? {} : { error: 'BILL listPayments failed: timeout' }),
});

function report(
  asOf: string,
  organizations: OrganizationEngagement[],
  previous: EngagementReport | null,
): EngagementReport {
  const totals = emptyTotals();
  for (const o of organizations) addToTotals(totals, o);
  const snapshot = previous
    ? snapshotOf(
        { workflowId: 'run-1', generatedAt: previous.generatedAt, asOf: previous.asOf },
        previous.organizations,
      )
    : null;
  return {
    generatedAt: asOf,
    asOf,
    organizations,
    totals,
    changes: compareRuns(snapshot, organizations, true),
  };
}

const first = report(
  '2026-11-01T00:00:00.000Z',
  [
    org('00901', 'Acme Plumbing', 'NO_PAYMENTS', ['ap@example.com']),
    org('00902', 'Blue Bakery', 'ACTIVE'),
    org('00903', 'Corner Cafe', 'BANK_NOT_VERIFIED'),
    org('00904', 'Delta Dental', 'INACTIVE_60'),
  ],
  null,
);

const second = report(
  '2026-11-08T00:00:00.000Z',
  [
    org('00905', 'Echo Electric', 'ENROLLMENT_INCOMPLETE', ['ee@example.com', 'boss@example.com']),
    org('00901', 'Acme Plumbing', 'ACTIVE', ['ap@example.com']),
    org('00902', 'Blue Bakery', 'ACTIVE'),
    org('00904', 'Delta Dental', null),
  ],
  first,
);

describe('the engagement digest', () => {
  it('of a first run: the title and every reason in order, zeros included, no changes section', () => {
    expect(formatEngagementDigest(first)).toEqual([
      [
        'BILL engagement as of 2026-11-01T00:00:00.000Z',
        'ENROLLMENT_INCOMPLETE: 0',
        'NO_FUNDING_ACCOUNT: 0',
        'BANK_NOT_VERIFIED: 1',
        'NO_PAYMENTS: 1',
        'INACTIVE_30: 0',
        'INACTIVE_60: 1',
        'INACTIVE_90: 0',
        'ACTIVE: 1',
      ].join('\n'),
    ]);
  });

  it('of its successor: the changes since the first run, new and left included', () => {
    expect(formatEngagementDigest(second)).toEqual([
      [
        'BILL engagement as of 2026-11-08T00:00:00.000Z',
        'ENROLLMENT_INCOMPLETE: 1',
        'NO_FUNDING_ACCOUNT: 0',
        'BANK_NOT_VERIFIED: 0',
        'NO_PAYMENTS: 0',
        'INACTIVE_30: 0',
        'INACTIVE_60: 0',
        'INACTIVE_90: 0',
        'ACTIVE: 2',
        'Changes since 2026-11-01T00:00:00.000Z:',
        'Echo Electric (00905): new → ENROLLMENT_INCOMPLETE',
        'Acme Plumbing (00901): NO_PAYMENTS → ACTIVE',
        'Delta Dental (00904): INACTIVE_60 → unclassified',
        'Corner Cafe (00903): BANK_NOT_VERIFIED → left',
      ].join('\n'),
    ]);
  });

  it('names contacts only when asked', () => {
    const lines = formatEngagementDigest(second, { withContacts: true })[0]!.split('\n');
    expect(lines.slice(10)).toEqual([
      'Echo Electric (00905): new → ENROLLMENT_INCOMPLETE — ee@example.com, boss@example.com',
      'Acme Plumbing (00901): NO_PAYMENTS → ACTIVE — ap@example.com',
      'Delta Dental (00904): INACTIVE_60 → unclassified',
      'Corner Cafe (00903): BANK_NOT_VERIFIED → left',
    ]);
    expect(formatEngagementDigest(second).join('\n')).not.toContain('@');
  });

  it('keeps a name with line breaks on its line', () => {
    const broken = report(
      '2026-11-08T00:00:00.000Z',
      [org('00909', 'Two\nLines\r\nInc', 'NO_PAYMENTS')],
      first,
    );
    expect(formatEngagementDigest(broken)[0]).toContain('\nTwo Lines Inc (00909): new → NO_PAYMENTS\n');
  });

  it('splits a long digest like a long message: the title, then "(continued k/n)" parts', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      org(`0${String(i).padStart(4, '0')}`, `Organization number ${i}`, 'NO_PAYMENTS'),
    );
    const parts = formatEngagementDigest(report('2026-11-08T00:00:00.000Z', many, first));
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, k) => {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(7439);
      if (k > 0)
        expect(part.split('\n')[0]).toBe(
          `BILL engagement as of 2026-11-08T00:00:00.000Z (continued ${k + 1}/${parts.length})`,
        );
    });
    const body = parts.flatMap((p) => p.split('\n').slice(1));
    expect(body.filter((l) => l.endsWith(': new → NO_PAYMENTS'))).toHaveLength(400);
  });
});

it('a delivery batch with a digest names the BILL Engagement space in the Web UI', () => {
  const digest = { seq: 7, type: 'EngagementDigest' };
  expect(batchActivitySummary([digest])).toBe(
    'Post event #7 (EngagementDigest) to BILL Engagement, in order',
  );
  expect(batchActivitySummary([{ seq: 6, type: 'CustomerCreated' }, digest])).toBe(
    'Post events #6–#7 (CustomerCreated, EngagementDigest) to Billsby Data and BILL Engagement, in order',
  );
  expect(batchActivitySummary([{ seq: 6, type: 'CustomerCreated' }])).toBe(
    'Post event #6 (CustomerCreated) to Billsby Data, in order',
  );
});
