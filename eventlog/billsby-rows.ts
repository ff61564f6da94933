import type { PayloadCipher, SealedPayload } from './payload-cipher';
import type { BillsbyAccountRecord } from './types';

/**
 * The billsby_accounts row, the same on both engines (times are ISO text on both): an account's
 * own Billsby credentials, the API key sealed with the payload keys, and Billsby's refusal mark.
 */
export interface BillsbyAccountRow {
  company_domain: string | null;
  api_key_sealed: Buffer | Uint8Array | null;
  key_id: string | null;
  checked_at: string | null;
  rejected_fingerprint: string | null;
  rejected_at: string | null;
}

export const BILLSBY_COLUMNS =
  'company_domain, api_key_sealed, key_id, checked_at, rejected_fingerprint, rejected_at';

/**
 * The sealed key's name (its AAD, with the account id): bound to the company domain too, so a key
 * copied to another account, or a domain changed in the database, fails to open instead of
 * sending one merchant's key to another company.
 */
const apiKeyName = (companyDomain: string) => `billsby-api-key\0${companyDomain}`;

export function sealCredentials(
  cipher: PayloadCipher,
  accountId: string,
  credentials: { companyDomain: string; apiKey: string },
): SealedPayload {
  const { companyDomain, apiKey } = credentials ?? {};
  if (
    typeof companyDomain !== 'string' ||
    companyDomain === '' ||
    typeof apiKey !== 'string' ||
    apiKey === ''
  ) {
    throw new TypeError('credentials must be { companyDomain, apiKey } (two non-empty strings)');
  }
  return cipher.seal(accountId, apiKeyName(companyDomain), apiKey);
}

/**
 * The record as the interface answers it; null when the account has neither own credentials nor
 * a refusal mark. Credentials that cannot be opened (sealed with a key no longer configured, or
 * altered) read as none: the account falls back to the default credentials, and its owner sees
 * `not_configured` and can set them again, rather than every read failing.
 */
export function toBillsbyAccount(
  cipher: PayloadCipher,
  accountId: string,
  row: BillsbyAccountRow | undefined,
): BillsbyAccountRecord | null {
  if (!row || (row.company_domain === null && row.rejected_fingerprint === null)) return null;
  const credentials = openCredentials(cipher, accountId, row);
  return {
    credentials,
    checkedAt: credentials ? row.checked_at : null,
    rejectedFingerprint: row.rejected_fingerprint,
    rejectedAt: row.rejected_fingerprint === null ? null : row.rejected_at,
  };
}

function openCredentials(
  cipher: PayloadCipher,
  accountId: string,
  row: BillsbyAccountRow,
): BillsbyAccountRecord['credentials'] {
  const { company_domain: companyDomain, api_key_sealed: sealed, key_id: keyId } = row;
  if (companyDomain === null || sealed === null || keyId === null) return null;
  try {
    const apiKey = cipher.open<unknown>(accountId, apiKeyName(companyDomain), {
      payload: Buffer.from(sealed),
      keyId,
    });
    return typeof apiKey === 'string' ? { companyDomain, apiKey } : null;
  } catch {
    return null;
  }
}

/** A refusal mark's fingerprint: an opaque, non-empty string (never the credentials themselves). */
export function checkFingerprint(fingerprint: string): string {
  if (typeof fingerprint !== 'string' || fingerprint === '') {
    throw new TypeError('fingerprint must be a non-empty string');
  }
  return fingerprint;
}
