import { randomBytes } from 'node:crypto';

/** OAuth `state`: `<accountId>~<nonce>`; the nonce is 256 random bits, checked by the workflow. */
export function newStateNonce(): string {
  return randomBytes(32).toString('base64url');
}

export function composeState(accountId: string, nonce: string): string {
  return `${accountId}~${nonce}`;
}

export function parseState(state: string | undefined): { accountId: string; nonce: string } | undefined {
  const match = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})~([A-Za-z0-9_-]{43})$/.exec(state ?? '');
  return match ? { accountId: match[1]!, nonce: match[2]! } : undefined;
}
