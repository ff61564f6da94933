import type { Pool } from 'pg';
import {
  BILLSBY_COLUMNS,
  checkFingerprint,
  sealCredentials,
  toBillsbyAccount,
  type BillsbyAccountRow,
} from './billsby-rows';
import type { PayloadCipher } from './payload-cipher';
import { inTransaction } from './postgres-connection';
import { isoTime, now } from './rows';
import type { BillsbyAccountRecord } from './types';

/**
 * The PostgreSQL engine's Billsby credentials (DESIGN.md §4.2 `…/billsby`): an account's own
 * credentials, sealed, and the mark Billsby's refusal left. The row outlives an uninstall, so a
 * re-integration finds its credentials again.
 */

export async function getBillsbyAccount(
  pool: Pool,
  cipher: PayloadCipher,
  accountId: string,
): Promise<BillsbyAccountRecord | null> {
  const { rows } = await pool.query<BillsbyAccountRow>(
    `SELECT ${BILLSBY_COLUMNS} FROM billsby_accounts WHERE account_id = $1`,
    [accountId],
  );
  return toBillsbyAccount(cipher, accountId, rows[0]);
}

/** New credentials replace the old ones and lift any refusal mark (they were just verified). */
export async function putBillsbyCredentials(
  pool: Pool,
  cipher: PayloadCipher,
  accountId: string,
  credentials: { companyDomain: string; apiKey: string },
  checkedAt: string,
): Promise<void> {
  const sealed = sealCredentials(cipher, accountId, credentials);
  await pool.query(
    `INSERT INTO billsby_accounts (account_id, ${BILLSBY_COLUMNS}, updated_at)
     VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6)
     ON CONFLICT (account_id) DO UPDATE SET company_domain = excluded.company_domain,
       api_key_sealed = excluded.api_key_sealed, key_id = excluded.key_id, checked_at = excluded.checked_at,
       rejected_fingerprint = NULL, rejected_at = NULL, updated_at = excluded.updated_at`,
    [
      accountId,
      credentials.companyDomain,
      sealed.payload,
      sealed.keyId,
      isoTime('checkedAt', checkedAt),
      now(),
    ],
  );
}

export async function deleteBillsbyCredentials(pool: Pool, accountId: string): Promise<void> {
  await pool.query('DELETE FROM billsby_accounts WHERE account_id = $1', [accountId]);
}

/** Keeps the account's own credentials: the mark says which credentials were refused, not which are set. */
export async function markBillsbyRejected(
  pool: Pool,
  accountId: string,
  fingerprint: string,
  at: string,
): Promise<void> {
  await pool.query(
    `INSERT INTO billsby_accounts (account_id, rejected_fingerprint, rejected_at, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id) DO UPDATE SET rejected_fingerprint = excluded.rejected_fingerprint,
       rejected_at = excluded.rejected_at, updated_at = excluded.updated_at`,
    [accountId, checkFingerprint(fingerprint), isoTime('at', at), now()],
  );
}

/** Lifts the mark; a row left with neither credentials nor mark goes (getBillsbyAccount: null). */
export async function clearBillsbyRejected(pool: Pool, accountId: string): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query(
      `UPDATE billsby_accounts SET rejected_fingerprint = NULL, rejected_at = NULL, updated_at = $2
       WHERE account_id = $1 AND rejected_fingerprint IS NOT NULL`,
      [accountId, now()],
    );
    await c.query(
      `DELETE FROM billsby_accounts
       WHERE account_id = $1 AND company_domain IS NULL AND rejected_fingerprint IS NULL`,
      [accountId],
    );
  });
}

/**
 * Active accounts with a refusal mark: an uninstalled account posts nothing, so its old mark
 * (kept with its credentials for a re-integration) is nothing to be alerted about.
 */
export async function countBillsbyRejected(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::bigint AS n FROM billsby_accounts b JOIN accounts a ON a.account_id = b.account_id
     WHERE b.rejected_fingerprint IS NOT NULL AND a.active`,
  );
  return rows[0]?.n ?? 0;
}
