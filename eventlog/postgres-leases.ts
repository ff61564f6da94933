import type { Pool } from 'pg';
import { checkName, leaseTerms } from './leases';

/** The PostgreSQL engine's leases (see leases.ts). */

/** $1 name, $2 holder, $3 expires_at, $4 now: answers a row only when $2 holds the lease now. */
const ACQUIRE = `
  INSERT INTO leases AS l (name, holder, expires_at) VALUES ($1, $2, $3)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE l.holder = excluded.holder OR l.expires_at <= $4
  RETURNING holder`;

export async function acquireLease(
  pool: Pool,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date,
): Promise<boolean> {
  const terms = leaseTerms(name, holder, ttlMs, now);
  const taken = await pool.query(ACQUIRE, [terms.name, terms.holder, terms.expiresAt, terms.now]);
  return taken.rowCount === 1;
}

export async function releaseLease(pool: Pool, name: string, holder: string): Promise<void> {
  checkName('name', name);
  checkName('holder', holder);
  await pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
}
