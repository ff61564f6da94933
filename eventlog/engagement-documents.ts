import type { PayloadCipher, SealedPayload } from './payload-cipher';
import type { EngagementReport } from '../domain/engagement';
import {
  ENGAGEMENT_DOCUMENT_KINDS,
  type EngagementDocumentKind,
  type EngagementDocumentStore,
} from './types';

/**
 * What both engines share for engagement documents: the checks on kind and key, and the sealing.
 * A document is sealed under the pseudo-account `engagement` with `<kind>:<key>` bound in, so a
 * row copied under another key does not open.
 */
const SEAL_ACCOUNT = 'engagement';
const MAX_KEY_LENGTH = 400;

export function checkKind(kind: EngagementDocumentKind): void {
  if (!(ENGAGEMENT_DOCUMENT_KINDS as readonly string[]).includes(kind))
    throw new RangeError(`kind must be one of ${ENGAGEMENT_DOCUMENT_KINDS.join(', ')}`);
}

export function checkKey(name: string, key: string): void {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || (name === 'key' && key === ''))
    throw new RangeError(`${name} must be a string of 1-${MAX_KEY_LENGTH} characters`);
}

export function sealDocument(
  cipher: PayloadCipher,
  kind: EngagementDocumentKind,
  key: string,
  value: unknown,
) {
  checkKind(kind);
  checkKey('key', key);
  return cipher.seal(SEAL_ACCOUNT, `${kind}:${key}`, value);
}

export function openDocument<T>(
  cipher: PayloadCipher,
  kind: EngagementDocumentKind,
  key: string,
  sealed: SealedPayload,
): T {
  return cipher.open<T>(SEAL_ACCOUNT, `${kind}:${key}`, sealed);
}

/** `LIKE` pattern text for a key prefix (its own `%`, `_` and `\` escaped). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Where an assembled report too large for history is: in the event log's database, by report key. */
export const REPORT_LOCATION_PREFIX = 'engagement-report:';

/** The assembled report a location names; null when it is not such a location or no longer kept. */
export async function loadStoredReport(
  documents: EngagementDocumentStore,
  location: string,
): Promise<EngagementReport | null> {
  if (!location.startsWith(REPORT_LOCATION_PREFIX)) return null;
  return documents.getEngagementDocument<EngagementReport>(
    'report',
    location.slice(REPORT_LOCATION_PREFIX.length),
  );
}

/** One engine's engagement-document SQL (sqlite-engagement.ts, postgres-engagement.ts). */
export interface EngagementDocumentSql<C> {
  putEngagementDocument(
    conn: C,
    cipher: PayloadCipher,
    kind: EngagementDocumentKind,
    key: string,
    value: unknown,
    ifAbsent?: boolean,
  ): boolean | Promise<boolean>;
  getEngagementDocument<T>(
    conn: C,
    cipher: PayloadCipher,
    kind: EngagementDocumentKind,
    key: string,
  ): T | null | Promise<T | null>;
  listEngagementDocumentKeys(
    conn: C,
    kind: EngagementDocumentKind,
    keyPrefix: string,
  ): string[] | Promise<string[]>;
  deleteEngagementDocuments(
    conn: C,
    kind: EngagementDocumentKind,
    keyPrefix: string,
  ): number | Promise<number>;
  sweepEngagementDocuments(conn: C, before: string, limit: number): number | Promise<number>;
}

/** The store either engine composes into its log, over its connection and cipher. */
export function engagementDocumentStore<C>(
  conn: C,
  cipher: PayloadCipher,
  sql: EngagementDocumentSql<C>,
): EngagementDocumentStore {
  return {
    putEngagementDocument: async (kind, key, value, options = {}) =>
      sql.putEngagementDocument(conn, cipher, kind, key, value, options.ifAbsent),
    getEngagementDocument: async <T>(kind: EngagementDocumentKind, key: string) =>
      sql.getEngagementDocument<T>(conn, cipher, kind, key),
    listEngagementDocumentKeys: async (kind, keyPrefix) =>
      sql.listEngagementDocumentKeys(conn, kind, keyPrefix),
    deleteEngagementDocuments: async (kind, keyPrefix) =>
      sql.deleteEngagementDocuments(conn, kind, keyPrefix),
    sweepEngagementDocuments: async (before, limit) => sql.sweepEngagementDocuments(conn, before, limit),
  };
}
