/** How engagement runs look on a terminal and in files: progress bar, summary table, CSV. */
import {
  CAMPAIGN_BY_REASON,
  CAMPAIGNS,
  ENGAGEMENT_REASONS,
  type EngagementReport,
  type ReasonTotals,
} from '../../domain/engagement';
import type { EngagementProgress } from '../../workflows/bill/definitions';

export function progressLine(
  p: Pick<EngagementProgress, 'done' | 'known' | 'listingComplete' | 'errors'>,
  width = 30,
): string {
  const ratio = p.known > 0 ? Math.min(1, p.done / p.known) : 0;
  const filled = Math.round(ratio * width);
  const known = p.listingComplete ? `${p.known}` : `${p.known}+`;
  const errors = p.errors ? `, ${p.errors} failed` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${known} organizations${errors}`;
}

export function summaryTable(totals: ReasonTotals, errors: number): string {
  const rows = ENGAGEMENT_REASONS.map((r) => [r, String(totals[r]), CAMPAIGN_BY_REASON[r]]);
  const total = ENGAGEMENT_REASONS.reduce((s, r) => s + totals[r], 0);
  rows.push(['(failed)', String(errors), '—'], ['total', String(total + errors), '']);
  const header = ['reason', 'organizations', 'campaign'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Who to write to for each campaign: the active users' emails of every organization in it. */
export function campaignContacts(report: EngagementReport): string {
  const out: string[] = [];
  for (const campaign of CAMPAIGNS) {
    const orgs = report.organizations.filter((o) =>
      o.reasons.some((r) => CAMPAIGN_BY_REASON[r] === campaign),
    );
    const emails = [...new Set(orgs.flatMap((o) => o.users.map((u) => u.email)).filter(Boolean))].sort();
    out.push(`${campaign}: ${orgs.length} organizations, ${emails.length} emails`);
    if (emails.length) out.push(`  ${emails.join(', ')}`);
  }
  return out.join('\n');
}

const CSV_COLUMNS = [
  'organizationId',
  'organizationName',
  'reason',
  'campaign',
  'userId',
  'email',
  'firstName',
  'lastName',
  'role',
  'lastPaymentAt',
  'bankAccountsTotal',
  'bankAccountsVerified',
  'error',
] as const;

const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote when needed, and defuse spreadsheet formulas (=, +, -, @) in names that customers typed.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One row per contact (the unit a campaign mails), one row for an organization without contacts. */
export function reportCsv(report: EngagementReport): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const o of report.organizations) {
    const reason = o.reasons.join(' ');
    const campaign = o.reasons.map((r) => CAMPAIGN_BY_REASON[r]).join(' ');
    const base = [o.organizationId, o.name, reason, campaign];
    const tail = [o.lastPaymentAt, o.bankAccounts.total, o.bankAccounts.verified, o.error];
    const users = o.users.length ? o.users : [undefined];
    for (const u of users) {
      rows.push(
        [...base, u?.id, u?.email, u?.firstName, u?.lastName, u?.role, ...tail].map(csvCell).join(','),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
