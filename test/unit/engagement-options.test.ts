import {
  parseDuration,
  parseOptions,
  reportArgsSchema,
  runOptionsSchema,
  scheduleOptionsSchema,
} from '../../client/engagement/options';
import { progressLine, campaignContacts, reportCsv, summaryTable } from '../../client/engagement/output';
import { emptyTotals, type EngagementReport } from '../../domain/engagement';

describe('engagement starter-script options', () => {
  it('accepts run options and normalizes --as-of to an ISO instant', () => {
    expect(parseOptions(runOptionsSchema, { maxOrgs: '10', asOf: '2026-11-01', out: 'r.csv' })).toEqual({
      maxOrgs: 10,
      asOf: '2026-11-01T00:00:00.000Z',
      out: 'r.csv',
    });
    expect(parseOptions(runOptionsSchema, { asOf: '2026-11-01T12:00:00+02:00' }).asOf).toBe(
      '2026-11-01T10:00:00.000Z',
    );
  });

  it('rejects a bad --as-of, --max-orgs or --out with a message naming the flag', () => {
    expect(() => parseOptions(runOptionsSchema, { asOf: 'yesterday' })).toThrow(/--as-of: must be a date/);
    expect(() => parseOptions(runOptionsSchema, { asOf: '2026-13-45' })).toThrow(/--as-of/);
    expect(() => parseOptions(runOptionsSchema, { maxOrgs: '0' })).toThrow(/--max-orgs/);
    expect(() => parseOptions(runOptionsSchema, { out: 'report.txt' })).toThrow(
      /--out: must end in .json or .csv/,
    );
    expect(() => parseOptions(reportArgsSchema, { workflowId: ' ' })).toThrow(/--workflow-id/);
  });

  it('takes --post-to an account id, and --with-contacts only with it', () => {
    expect(parseOptions(runOptionsSchema, { postTo: 'acct-1', withContacts: true })).toEqual({
      postTo: 'acct-1',
      withContacts: true,
    });
    expect(parseOptions(scheduleOptionsSchema, { every: '24h', postTo: 'acct-1' })).toEqual({
      every: 86_400_000,
      postTo: 'acct-1',
    });
    expect(() => parseOptions(runOptionsSchema, { postTo: 'two words' })).toThrow(
      /--post-to: must be an account id/,
    );
    expect(() => parseOptions(runOptionsSchema, { withContacts: true })).toThrow(
      /--with-contacts: needs --post-to <accountId>/,
    );
    expect(() => parseOptions(scheduleOptionsSchema, { every: '24h', withContacts: true })).toThrow(
      /--with-contacts: needs --post-to/,
    );
  });

  it('parses schedule intervals', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('daily')).toBeUndefined();
    expect(parseOptions(scheduleOptionsSchema, { every: '24h' }).every).toBe(86_400_000);
    expect(() => parseOptions(scheduleOptionsSchema, { every: 'soon' })).toThrow(
      /--every: must be a duration/,
    );
    expect(() => parseOptions(scheduleOptionsSchema, { every: '10s' })).toThrow(
      /--every: must be at least 1m/,
    );
  });
});

describe('engagement output', () => {
  const report: EngagementReport = {
    generatedAt: '2026-11-01T12:00:01.000Z',
    asOf: '2026-11-01T12:00:00.000Z',
    totals: { ...emptyTotals(), ACTIVE: 1 },
    organizations: [
      {
        organizationId: '008A',
        name: 'Comma, "Quoted" Co',
        createdTime: null,
        users: [
          { id: '006A', email: 'a@example.com', firstName: '=cmd', lastName: 'A', role: 'ADMINISTRATOR' },
          { id: '006B', email: 'b@example.com', firstName: 'B', lastName: 'B', role: 'CLERK' },
        ],
        reasons: ['ACTIVE'],
        lastPaymentAt: '2026-10-31T12:00:00.000Z',
        bankAccounts: { total: 1, verified: 1 },
        signals: { riskVerification: 'unavailable', bankAccounts: 'ok', payments: 'ok' },
      },
    ],
  };

  it('writes one CSV row per contact, quoted and formula-safe', () => {
    const lines = reportCsv(report).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      `008A,"Comma, ""Quoted"" Co",ACTIVE,deepen use,006A,a@example.com,'=cmd,A,ADMINISTRATOR,2026-10-31T12:00:00.000Z,1,1,,`,
    );
  });

  it('defuses every formula lead-in a spreadsheet honours, tab and carriage return included', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      const first = `${lead}HYPERLINK("x")`;
      const csv = reportCsv({
        ...report,
        organizations: [
          {
            ...report.organizations[0]!,
            users: [{ ...report.organizations[0]!.users[0]!, firstName: first }],
          },
        ],
      });
      expect(csv).toContain(`'${lead}HYPERLINK(""x"")`);
    }
  });

  it('lists campaign contacts by count; the emails themselves only when asked', () => {
    const hidden = campaignContacts(report);
    expect(hidden).toContain('deepen use: 1 organizations, 2 emails');
    expect(hidden).not.toContain('a@example.com');
    expect(hidden).toContain('--show-emails');
    expect(campaignContacts(report, { showEmails: true })).toContain('a@example.com, b@example.com');
  });

  it('draws the progress bar and the summary table', () => {
    expect(progressLine({ done: 5, known: 10, listingComplete: false, errors: 0 }, 10)).toBe(
      '[#####-----] 5/10+ organizations',
    );
    // Time left at the pace: 5 organizations × 5 requests at 60 per hour.
    expect(
      progressLine({ done: 5, known: 10, listingComplete: true, errors: 0, maxRequestsPerHour: 60 }, 10),
    ).toBe('[#####-----] 5/10 organizations, 25m left at 60 requests/hour');
    const table = summaryTable(report.totals, 0);
    expect(table).toMatch(/ACTIVE\s+1\s+deepen use/);
    expect(table).toMatch(/total\s+1/);
  });
});
