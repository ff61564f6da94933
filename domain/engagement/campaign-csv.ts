/**
 * Campaign contact lists (issue 22): for one campaign, one row per active user of each
 * organization in it, ready for a mailing tool. RFC 4180 (CRLF, quoted where needed), UTF-8 with a
 * byte-order mark so spreadsheet programs read names right, and cells a spreadsheet would run as a
 * formula defused. An organization without an active user keeps one row with empty contact fields:
 * the team still sees it needs reaching, by another way.
 */
import type { EngagementReport } from './report';
import { CAMPAIGN_BY_REASON, CAMPAIGNS, type Campaign } from './reasons';

export const CAMPAIGN_CSV_COLUMNS = [
  'email',
  'firstName',
  'lastName',
  'organizationId',
  'organizationName',
  'reason',
  'lastPaymentAt',
] as const;

const BOM = '\uFEFF';

/** One CSV cell: formulas (=, +, -, @, tab, CR at the start) defused with a leading `'`, then quoted when needed. */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The campaign's contact list, BOM first, CRLF line ends, a header row even when empty. */
export function campaignCsv(report: EngagementReport, campaign: Campaign): string {
  const rows: string[] = [CAMPAIGN_CSV_COLUMNS.join(',')];
  for (const o of report.organizations) {
    const reasons = o.reasons.filter((r) => CAMPAIGN_BY_REASON[r] === campaign);
    if (reasons.length === 0) continue;
    const org = [o.organizationId, o.name, reasons.join(' '), o.lastPaymentAt];
    const users = o.users.length > 0 ? o.users : [undefined];
    for (const u of users) {
      const [organizationId, organizationName, reason, lastPaymentAt] = org;
      rows.push(
        [u?.email, u?.firstName, u?.lastName, organizationId, organizationName, reason, lastPaymentAt]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${BOM}${rows.join('\r\n')}\r\n`;
}

/** `complete enrollment` → `complete-enrollment.csv` (the files `--campaign all` writes). */
export function campaignFileName(campaign: Campaign): string {
  return `${campaign.replace(/\s+/g, '-')}.csv`;
}

/**
 * A campaign as a person types it (any case, hyphens or spaces), or `all`; else an error listing
 * the names there are.
 */
export function parseCampaign(text: string): Campaign | 'all' {
  const wanted = text
    .trim()
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ');
  if (wanted === 'all') return 'all';
  const found = CAMPAIGNS.find((c) => c === wanted);
  if (found) return found;
  throw new Error(
    `unknown campaign "${text}": one of ${CAMPAIGNS.map((c) => `"${c}"`).join(', ')}, or "all"`,
  );
}
