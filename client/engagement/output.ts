/** How engagement runs look on a terminal and in files: progress bar, summary table, CSV. */
import {
  CAMPAIGN_BY_REASON,
  CAMPAIGNS,
  changeLabel,
  ENGAGEMENT_REASONS,
  estimateMsLeft,
  formatDuration,
  SIGNAL_NAMES,
  type EngagementReport,
  type OrganizationChange,
  type ReasonTotals,
} from '../../domain/engagement';
import type { EngagementProgress } from '../../workflows/bill/definitions';
import { csvCell } from '../../domain/engagement/campaign-csv';

export function progressLine(
  p: Pick<EngagementProgress, 'done' | 'known' | 'listingComplete' | 'errors'> &
    Partial<Pick<EngagementProgress, 'requests' | 'maxRequestsPerHour'>>,
  width = 30,
): string {
  const ratio = p.known > 0 ? Math.min(1, p.done / p.known) : 0;
  const filled = Math.round(ratio * width);
  const known = p.listingComplete ? `${p.known}` : `${p.known}+`;
  const errors = p.errors ? `, ${p.errors} failed` : '';
  // Time left at the pacer's even rate; "≥" while more organizations may still be listed.
  const msLeft = p.done < p.known ? estimateMsLeft(p) : undefined;
  const eta =
    msLeft === undefined
      ? ''
      : `, ${p.listingComplete ? '' : '≥'}${formatDuration(msLeft)} left at ${p.maxRequestsPerHour} requests/hour`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${known} organizations${errors}${eta}`;
}

/** Organizations classified with a signal unavailable, per signal: a missing endpoint shows at once. */
export function unavailableSignals(report: EngagementReport): string {
  const orgs = report.organizations.filter((o) => SIGNAL_NAMES.some((n) => o.signals?.[n] === 'unavailable'));
  if (orgs.length === 0) return 'Every organization was classified with all of its signals.';
  const per = SIGNAL_NAMES.map(
    (n) => [n, orgs.filter((o) => o.signals?.[n] === 'unavailable').length] as const,
  )
    .filter(([, c]) => c > 0)
    .map(([n, c]) => `${n} ${c}`)
    .join(', ');
  return `Classified with a signal unavailable: ${orgs.length} of ${report.organizations.length} organizations (${per})`;
}

/** What changed since the run compared with; `full` lists every changed organization. */
export function changesSummary(report: EngagementReport, full = false): string {
  const c = report.changes;
  if (!c?.comparedTo) return 'Changes: none listed (no previous run to compare with)';
  const count = (k: OrganizationChange['change']) => c.organizations.filter((o) => o.change === k).length;
  const head =
    `Changes since ${c.comparedTo.workflowId} (as of ${c.comparedTo.asOf}): ` +
    `${count('new')} new, ${count('moved')} moved, ${count('entered')} entered, ${count('left')} left`;
  if (!full) return head;
  const lines = c.organizations.map(
    (o) => `  ${o.organizationId}  ${changeLabel(o).padEnd(28)} → ${o.to ?? '(none)'}  ${o.name}`,
  );
  return [head, ...lines].join('\n');
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

/**
 * Who to write to for each campaign: how many organizations and emails, and the emails themselves
 * only when asked (`--show-emails`): a terminal's scrollback and CI logs are no place for them.
 */
export function campaignContacts(report: EngagementReport, opts: { showEmails?: boolean } = {}): string {
  const out: string[] = [];
  for (const campaign of CAMPAIGNS) {
    const orgs = report.organizations.filter((o) =>
      o.reasons.some((r) => CAMPAIGN_BY_REASON[r] === campaign),
    );
    const emails = [...new Set(orgs.flatMap((o) => o.users.map((u) => u.email)).filter(Boolean))].sort();
    out.push(`${campaign}: ${orgs.length} organizations, ${emails.length} emails`);
    if (emails.length && opts.showEmails) out.push(`  ${emails.join(', ')}`);
  }
  if (!opts.showEmails) out.push('(add --show-emails to list the addresses, or --out FILE.csv)');
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
  'change',
] as const;

/** One row per contact (the unit a campaign mails), one row for an organization without contacts. */
export function reportCsv(report: EngagementReport, opts: { changesOnly?: boolean } = {}): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  const changes = new Map((report.changes?.organizations ?? []).map((c) => [c.organizationId, c]));
  for (const o of report.organizations) {
    const change = changeLabel(changes.get(o.organizationId));
    if (opts.changesOnly && !change) continue;
    const reason = o.reasons.join(' ');
    const campaign = o.reasons.map((r) => CAMPAIGN_BY_REASON[r]).join(' ');
    const base = [o.organizationId, o.name, reason, campaign];
    const tail = [o.lastPaymentAt, o.bankAccounts.total, o.bankAccounts.verified, o.error, change];
    const users = o.users.length ? o.users : [undefined];
    for (const u of users) {
      rows.push(
        [...base, u?.id, u?.email, u?.firstName, u?.lastName, u?.role, ...tail].map(csvCell).join(','),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
