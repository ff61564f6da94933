/**
 * What the product keeps of an account's Billsby credentials (the event log stores it sealed; the
 * Billsby connector decides from it which key to use and whether Billsby refused it).
 */
export interface BillsbyAccountRecord {
  /** Own credentials, decrypted; null when the account uses the deployment's default (or none). */
  credentials: { companyDomain: string; apiKey: string } | null;
  /** When the own credentials were last verified by a successful read. */
  checkedAt: string | null;
  /** Fingerprint of the credentials Billsby refused (401/403), and when; null when none was. */
  rejectedFingerprint: string | null;
  rejectedAt: string | null;
}
