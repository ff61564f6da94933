import { createHash } from 'node:crypto';
import type { BillsbyAccountRecord } from '../../domain/billsby/account-credentials';

export interface BillsbyCredentials {
  companyDomain: string;
  apiKey: string;
}

/** An account's own credentials win; else the deployment's default (BILLSBY_COMPANY_DOMAIN + BILLSBY_API_KEY). */
export function credentialsInUse(
  record: BillsbyAccountRecord | null,
  defaults: BillsbyCredentials | undefined,
): BillsbyCredentials | null {
  return record?.credentials ?? defaults ?? null;
}

/**
 * Names a set of credentials without revealing them: Billsby's refusal is recorded against it, so
 * the `rejected` state lapses by itself once other credentials are in use (a PUT, or new defaults).
 * API keys are long random strings, so a plain SHA-256 cannot be reversed by guessing.
 */
export function credentialsFingerprint(credentials: BillsbyCredentials): string {
  return createHash('sha256')
    .update(`billsby credentials v1\0${credentials.companyDomain}\0${credentials.apiKey}`)
    .digest('base64url')
    .slice(0, 32);
}

/** The account's Billsby state as the status API shows it (§4.2). */
export type BillsbyState = 'ok' | 'rejected' | 'not_configured';

/**
 * The state from what the gateway knows: the account's own credentials, or the default company
 * (BILLSBY_COMPANY_DOMAIN; the default key itself is the worker's alone). A refusal mark on an
 * account without credentials of its own is about the defaults; the worker clears it once Billsby
 * accepts them again.
 */
export function billsbyState(
  record: BillsbyAccountRecord | null,
  defaultCompanyDomain: string | undefined,
): { state: BillsbyState; companyDomain: string | null } {
  const own = record?.credentials;
  if (own) {
    const rejected = record.rejectedFingerprint === credentialsFingerprint(own);
    return { state: rejected ? 'rejected' : 'ok', companyDomain: own.companyDomain };
  }
  if (!defaultCompanyDomain) return { state: 'not_configured', companyDomain: null };
  return { state: record?.rejectedFingerprint ? 'rejected' : 'ok', companyDomain: defaultCompanyDomain };
}
