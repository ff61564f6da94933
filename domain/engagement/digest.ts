/**
 * The engagement digest (DESIGN §4.5.1): what a completed run tells the team in their `BILL
 * Engagement` Webex space. Pure and deterministic (workflow code calls it for a report it holds).
 *
 *   BILL engagement as of <asOf>
 *   <REASON>: <n>                      every reason, in §4.5's order, zeros included
 *   Changes since <previous asOf>:     only when there was a run to compare with
 *   <name> (<organizationId>): <from> → <to>
 *
 * `<from>` is the previous reason, or `new` for an organization the previous run did not list;
 * `<to>` the current reason, or `left` for one BILL no longer lists. An organization listed in both
 * runs but not classified in one of them (BILL failed for it) shows `unclassified` on that side.
 * With contacts, a change line ends with ` — ` and the emails of the organization's active users.
 */
import { splitMessageLines } from '../billsby/message-split';
import { sanitiseValue } from '../billsby/message-text';
import type { OrganizationChange } from './changes';
import { ENGAGEMENT_REASONS } from './reasons';
import type { EngagementReport } from './report';

/** What the digest reads from a report: the report itself, or the same fields of a stored one. */
export type DigestSource = Pick<EngagementReport, 'asOf' | 'totals' | 'changes' | 'organizations'>;

export interface DigestOptions {
  /** `--with-contacts`: the emails of each changed organization's active users. */
  withContacts?: boolean;
}

export function digestTitle(asOf: string): string {
  return `BILL engagement as of ${asOf}`;
}

/** The digest's lines, before splitting (the first is its title). */
export function engagementDigestLines(report: DigestSource, options: DigestOptions = {}): string[] {
  const lines = [digestTitle(report.asOf)];
  for (const reason of ENGAGEMENT_REASONS) lines.push(`${reason}: ${report.totals[reason] ?? 0}`);
  const changes = report.changes;
  if (!changes?.comparedTo) return lines;
  lines.push(`Changes since ${changes.comparedTo.asOf}:`);
  const current = new Map(report.organizations.map((o) => [o.organizationId, o]));
  for (const change of changes.organizations) {
    const listed = current.get(change.organizationId);
    let line = `${sanitiseValue(change.name)} (${sanitiseValue(change.organizationId)}): ${fromLabel(change)} → ${toLabel(change, listed !== undefined)}`;
    if (options.withContacts && listed) {
      const emails = listed.users.map((u) => sanitiseValue(u.email)).filter((e) => e.length > 0);
      if (emails.length > 0) line += ` — ${emails.join(', ')}`;
    }
    lines.push(line);
  }
  return lines;
}

function fromLabel(change: OrganizationChange): string {
  if (change.change === 'new') return 'new';
  return change.from ?? 'unclassified';
}

/** `left` only for an organization gone from BILL's listing; one still listed but failing now is `unclassified`. */
function toLabel(change: OrganizationChange, stillListed: boolean): string {
  if (change.to) return change.to;
  return stillListed ? 'unclassified' : 'left';
}

/** The digest as Webex messages, split like §4.4 (`<title> (continued k/n)` after the first). */
export function formatEngagementDigest(report: DigestSource, options: DigestOptions = {}): string[] {
  return splitMessageLines(engagementDigestLines(report, options));
}
