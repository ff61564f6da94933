/**
 * Time left of a run paced at BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR. The pacer spaces requests
 * evenly, so the time left is simply the requests still to make divided by that rate.
 */

/** users, login-as-user, risk verification, bank accounts, payments: until measured, assume this. */
export const ASSUMED_REQUESTS_PER_ORGANIZATION = 5;

export interface PaceProgress {
  done: number;
  known: number;
  /** BILL requests made so far (organization steps; one per call, pages included when known). */
  requests?: number;
  maxRequestsPerHour?: number;
}

/** Milliseconds left for the organizations listed so far; undefined when the pace is unknown. */
export function estimateMsLeft(p: PaceProgress): number | undefined {
  if (!p.maxRequestsPerHour || p.maxRequestsPerHour <= 0) return undefined;
  const perOrg = p.done > 0 && p.requests ? p.requests / p.done : ASSUMED_REQUESTS_PER_ORGANIZATION;
  const left = Math.max(0, p.known - p.done) * perOrg;
  return Math.round((left * 3_600_000) / p.maxRequestsPerHour);
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
