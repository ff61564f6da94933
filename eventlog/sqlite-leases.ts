import { checkName, leaseTerms, type LeaseTerms } from './leases';
import type { SqliteConnection } from './sqlite-connection';

/** The SQLite engine's leases (see leases.ts). */

/** Answers a row only when @holder holds the lease now. */
const ACQUIRE = `
  INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @expiresAt)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE leases.holder = excluded.holder OR leases.expires_at <= @now
  RETURNING holder`;

export function acquireLease(
  db: SqliteConnection,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date,
): boolean {
  const terms = leaseTerms(name, holder, ttlMs, now);
  return db.write(() => db.q<[LeaseTerms], string>(ACQUIRE).pluck().get(terms)) !== undefined;
}

export function releaseLease(db: SqliteConnection, name: string, holder: string): void {
  checkName('name', name);
  checkName('holder', holder);
  db.write(() => db.q('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder));
}
