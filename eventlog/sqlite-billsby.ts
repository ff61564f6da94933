import {
  BILLSBY_COLUMNS,
  checkFingerprint,
  sealCredentials,
  toBillsbyAccount,
  type BillsbyAccountRow,
} from './billsby-rows';
import type { PayloadCipher } from './payload-cipher';
import { isoTime, now } from './rows';
import type { SqliteConnection } from './sqlite-connection';
import type { BillsbyAccountRecord } from './types';

/**
 * The SQLite engine's Billsby credentials (DESIGN.md §4.2 `…/billsby`): an account's own
 * credentials, sealed, and the mark Billsby's refusal left. The row outlives an uninstall, so a
 * re-integration finds its credentials again.
 */

export function getBillsbyAccount(
  db: SqliteConnection,
  cipher: PayloadCipher,
  accountId: string,
): BillsbyAccountRecord | null {
  const row = db
    .q<[string], BillsbyAccountRow>(`SELECT ${BILLSBY_COLUMNS} FROM billsby_accounts WHERE account_id = ?`)
    .get(accountId);
  return toBillsbyAccount(cipher, accountId, row);
}

/** New credentials replace the old ones and lift any refusal mark (they were just verified). */
export function putBillsbyCredentials(
  db: SqliteConnection,
  cipher: PayloadCipher,
  accountId: string,
  credentials: { companyDomain: string; apiKey: string },
  checkedAt: string,
): void {
  const sealed = sealCredentials(cipher, accountId, credentials);
  const checked = isoTime('checkedAt', checkedAt);
  db.write(() =>
    db
      .q(
        `INSERT INTO billsby_accounts (account_id, ${BILLSBY_COLUMNS}, updated_at)
         VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)
         ON CONFLICT (account_id) DO UPDATE SET company_domain = excluded.company_domain,
           api_key_sealed = excluded.api_key_sealed, key_id = excluded.key_id, checked_at = excluded.checked_at,
           rejected_fingerprint = NULL, rejected_at = NULL, updated_at = excluded.updated_at`,
      )
      .run(accountId, credentials.companyDomain, sealed.payload, sealed.keyId, checked, now()),
  );
}

export function deleteBillsbyCredentials(db: SqliteConnection, accountId: string): void {
  db.write(() => db.q('DELETE FROM billsby_accounts WHERE account_id = ?').run(accountId));
}

/** Keeps the account's own credentials: the mark says which credentials were refused, not which are set. */
export function markBillsbyRejected(
  db: SqliteConnection,
  accountId: string,
  fingerprint: string,
  at: string,
): void {
  const values = [accountId, checkFingerprint(fingerprint), isoTime('at', at), now()];
  db.write(() =>
    db
      .q(
        `INSERT INTO billsby_accounts (account_id, rejected_fingerprint, rejected_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET rejected_fingerprint = excluded.rejected_fingerprint,
           rejected_at = excluded.rejected_at, updated_at = excluded.updated_at`,
      )
      .run(...values),
  );
}

/** Lifts the mark; a row left with neither credentials nor mark goes (getBillsbyAccount: null). */
export function clearBillsbyRejected(db: SqliteConnection, accountId: string): void {
  db.write(() => {
    db.q(
      `UPDATE billsby_accounts SET rejected_fingerprint = NULL, rejected_at = NULL, updated_at = ?
       WHERE account_id = ? AND rejected_fingerprint IS NOT NULL`,
    ).run(now(), accountId);
    db.q(
      `DELETE FROM billsby_accounts
       WHERE account_id = ? AND company_domain IS NULL AND rejected_fingerprint IS NULL`,
    ).run(accountId);
  });
}

/**
 * Active accounts with a refusal mark: an uninstalled account posts nothing, so its old mark
 * (kept with its credentials for a re-integration) is nothing to be alerted about.
 */
export function countBillsbyRejected(db: SqliteConnection): number {
  return db
    .q<[], number>(
      `SELECT count(*) FROM billsby_accounts b JOIN accounts a ON a.account_id = b.account_id
       WHERE b.rejected_fingerprint IS NOT NULL AND a.active = 1`,
    )
    .pluck()
    .get()!;
}
