/**
 * What changed since the previous run (additive to DESIGN §4.5), so a partner running campaigns
 * weekly mails only the organizations whose situation changed. Pure: no IO, runs anywhere.
 */
import type { EngagementReason } from './reasons';
import type { OrganizationEngagement } from './report';

/**
 * `new`: not in the previous run; `moved`: another reason than last time; `entered`: a reason now,
 * none last time (it failed then); `left`: a reason last time, none now (it fails now, or BILL no
 * longer lists it).
 */
export type ChangeKind = 'new' | 'entered' | 'left' | 'moved';

export interface OrganizationChange {
  organizationId: string;
  name: string;
  change: ChangeKind;
  from: EngagementReason | null;
  to: EngagementReason | null;
}

export interface RunReference {
  workflowId: string;
  generatedAt: string;
  asOf: string;
}

export interface ReportChanges {
  /** null on a partner's first run: nothing to compare with, so nothing is listed as changed. */
  comparedTo: RunReference | null;
  organizations: OrganizationChange[];
}

/** The little a later run needs from this one: each organization's reason (null when it failed). */
export interface RunSnapshot extends RunReference {
  organizations: Record<string, { name: string; reason: EngagementReason | null }>;
}

const reasonOf = (o: Pick<OrganizationEngagement, 'reasons' | 'error'>): EngagementReason | null =>
  o.error ? null : (o.reasons[0] ?? null);

export function snapshotOf(ref: RunReference, organizations: readonly OrganizationEngagement[]): RunSnapshot {
  const out: RunSnapshot['organizations'] = {};
  for (const o of organizations) out[o.organizationId] = { name: o.name, reason: reasonOf(o) };
  return { ...ref, organizations: out };
}

/**
 * `listedAll`: the current run read every organization (no --max-orgs), so one missing from it has
 * really left BILL's listing; a partial run says nothing about the organizations it did not read.
 */
export function compareRuns(
  previous: RunSnapshot | null,
  current: readonly OrganizationEngagement[],
  listedAll: boolean,
): ReportChanges {
  if (!previous) return { comparedTo: null, organizations: [] };
  const changes: OrganizationChange[] = [];
  const seen = new Set<string>();
  for (const o of current) {
    seen.add(o.organizationId);
    const to = reasonOf(o);
    const before = previous.organizations[o.organizationId];
    const base = { organizationId: o.organizationId, name: o.name };
    if (!before) changes.push({ ...base, change: 'new', from: null, to });
    else if (before.reason === to) continue;
    else if (before.reason === null) changes.push({ ...base, change: 'entered', from: null, to });
    else if (to === null) changes.push({ ...base, change: 'left', from: before.reason, to: null });
    else changes.push({ ...base, change: 'moved', from: before.reason, to });
  }
  if (listedAll) {
    for (const [organizationId, before] of Object.entries(previous.organizations)) {
      if (seen.has(organizationId) || before.reason === null) continue;
      changes.push({ organizationId, name: before.name, change: 'left', from: before.reason, to: null });
    }
  }
  const { workflowId, generatedAt, asOf } = previous;
  return { comparedTo: { workflowId, generatedAt, asOf }, organizations: changes };
}

/** The CSV's `change` cell: empty when unchanged or on a first run. */
export function changeLabel(c: OrganizationChange | undefined): string {
  if (!c) return '';
  if (c.change === 'moved') return `moved from ${c.from}`;
  if (c.change === 'left') return `left ${c.from}`;
  return c.change;
}
