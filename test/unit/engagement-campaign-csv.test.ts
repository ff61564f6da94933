import { campaignCsv, campaignFileName, parseCampaign } from '../../domain/engagement/campaign-csv';
import type { EngagementReport, OrganizationEngagement } from '../../domain/engagement';

const ok = { riskVerification: 'ok', bankAccounts: 'ok', payments: 'ok' } as const;
const org = (o: Partial<OrganizationEngagement> & Pick<OrganizationEngagement, 'organizationId' | 'name'>) =>
  ({
    createdTime: '2026-01-01T00:00:00.000Z',
    users: [],
    reasons: [],
    lastPaymentAt: null,
    bankAccounts: { total: 0, verified: 0 },
    signals: ok,
    ...o,
  }) as OrganizationEngagement;

/** Seeded data with every hard case: a comma, a quote, a leading `=`, non-ASCII, no active user. */
const report = {
  generatedAt: '2026-11-02T08:00:00.000Z',
  asOf: '2026-11-01T00:00:00.000Z',
  totals: {},
  organizations: [
    org({
      organizationId: '00801AAA',
      name: 'Acme, Inc.',
      reasons: ['NO_FUNDING_ACCOUNT'],
      users: [
        { id: 'u1', email: 'zoë@acme.example', firstName: 'Zoë', lastName: "O'Brien", role: 'ADMIN' },
        { id: 'u2', email: 'sam@acme.example', firstName: 'Sam "The Clerk"', lastName: 'Lee', role: 'CLERK' },
      ],
    }),
    org({
      organizationId: '00801BBB',
      name: '=HYPERLINK("http://evil")',
      reasons: ['ENROLLMENT_INCOMPLETE'],
      users: [],
    }),
    org({
      organizationId: '00801CCC',
      name: 'Paid Up Ltd',
      reasons: ['INACTIVE_60'],
      lastPaymentAt: '2026-08-15T10:00:00.000Z',
      users: [{ id: 'u3', email: 'ana@paid.example', firstName: 'Ana', lastName: 'Nuñez', role: 'ADMIN' }],
    }),
  ],
} as unknown as EngagementReport;

describe('campaign contact lists (RFC 4180, UTF-8 with BOM, formulas defused)', () => {
  it('complete enrollment: one row per active user; an organization without one keeps an empty-contact row', () => {
    // Written by hand from the format, not produced by the code under test.
    const expected =
      '\uFEFF' +
      'email,firstName,lastName,organizationId,organizationName,reason,lastPaymentAt\r\n' +
      'zoë@acme.example,Zoë,O\'Brien,00801AAA,"Acme, Inc.",NO_FUNDING_ACCOUNT,\r\n' +
      'sam@acme.example,"Sam ""The Clerk""",Lee,00801AAA,"Acme, Inc.",NO_FUNDING_ACCOUNT,\r\n' +
      ',,,00801BBB,"\'=HYPERLINK(""http://evil"")",ENROLLMENT_INCOMPLETE,\r\n';
    const csv = campaignCsv(report, 'complete enrollment');
    expect(csv).toBe(expected);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('resume payments carries the last payment; a campaign nobody is in is a header alone', () => {
    expect(campaignCsv(report, 'resume payments')).toBe(
      '\uFEFFemail,firstName,lastName,organizationId,organizationName,reason,lastPaymentAt\r\n' +
        'ana@paid.example,Ana,Nuñez,00801CCC,Paid Up Ltd,INACTIVE_60,2026-08-15T10:00:00.000Z\r\n',
    );
    expect(campaignCsv(report, 'deepen use')).toBe(
      '\uFEFFemail,firstName,lastName,organizationId,organizationName,reason,lastPaymentAt\r\n',
    );
  });

  it('campaign names are read as people type them; an unknown one lists the valid names', () => {
    expect(parseCampaign('Complete-Enrollment')).toBe('complete enrollment');
    expect(parseCampaign(' make a first payment ')).toBe('make a first payment');
    expect(parseCampaign('ALL')).toBe('all');
    expect(() => parseCampaign('upsell')).toThrow(
      'unknown campaign "upsell": one of "complete enrollment", "make a first payment", "resume payments", "deepen use", or "all"',
    );
    expect(campaignFileName('make a first payment')).toBe('make-a-first-payment.csv');
  });
});
