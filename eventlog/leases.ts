/**
 * Leases: a job that one process of a deployment runs at a time (the wake sweep) is guarded by a
 * row in `leases` that its holder renews before it expires. Both engines take a lease in one
 * atomic statement (INSERT … ON CONFLICT DO UPDATE … WHERE): it is inserted when absent, and taken
 * over only when it has expired or is already the caller's.
 *
 * Times come from the callers' clocks (SQLite has no server clock to share), so clocks that differ
 * by a fraction of the lease's ttl at most let two holders overlap briefly; what leases guard here
 * is harmless to run twice.
 */

export interface LeaseTerms {
  name: string;
  holder: string;
  /** When the lease ends unless renewed (ISO). */
  expiresAt: string;
  /** The caller's now (ISO): an older expiresAt has expired. */
  now: string;
}

/** Checks acquireLease's arguments and computes its times. */
export function leaseTerms(name: string, holder: string, ttlMs: number, now: Date): LeaseTerms {
  checkName('name', name);
  checkName('holder', holder);
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new RangeError(`ttlMs must be a whole number of milliseconds >= 1 (got ${ttlMs})`);
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
  return {
    name,
    holder,
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    now: now.toISOString(),
  };
}

export function checkName(what: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new TypeError(`${what} must be a string of 1 to 200 characters`);
  }
}
