import { checkKey, checkKind, likePrefix, openDocument, sealDocument } from './engagement-documents';
import type { PayloadCipher } from './payload-cipher';
import { isoTime, now } from './rows';
import type { SqliteConnection } from './sqlite-connection';
import type { EngagementDocumentKind } from './types';

/** The SQLite engine's engagement documents (see engagement-documents.ts). */

export function putEngagementDocument(
  db: SqliteConnection,
  cipher: PayloadCipher,
  kind: EngagementDocumentKind,
  key: string,
  value: unknown,
  ifAbsent = false,
): boolean {
  const sealed = sealDocument(cipher, kind, key, value);
  const conflict = ifAbsent
    ? 'DO NOTHING'
    : 'DO UPDATE SET sealed = excluded.sealed, key_id = excluded.key_id, updated_at = excluded.updated_at';
  const result = db.write(() =>
    db
      .q(
        `INSERT INTO engagement_documents (kind, key, sealed, key_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, key) ${conflict}`,
      )
      .run(kind, key, sealed.payload, sealed.keyId, now()),
  );
  return result.changes === 1;
}

export function getEngagementDocument<T>(
  db: SqliteConnection,
  cipher: PayloadCipher,
  kind: EngagementDocumentKind,
  key: string,
): T | null {
  checkKind(kind);
  checkKey('key', key);
  const row = db
    .q<[string, string], { sealed: Buffer; key_id: string }>(
      'SELECT sealed, key_id FROM engagement_documents WHERE kind = ? AND key = ?',
    )
    .get(kind, key);
  return row ? openDocument<T>(cipher, kind, key, { payload: row.sealed, keyId: row.key_id }) : null;
}

export function listEngagementDocumentKeys(
  db: SqliteConnection,
  kind: EngagementDocumentKind,
  keyPrefix: string,
): string[] {
  checkKind(kind);
  checkKey('keyPrefix', keyPrefix);
  return db
    .q<[string, string], string>(
      "SELECT key FROM engagement_documents WHERE kind = ? AND key LIKE ? ESCAPE '\\' ORDER BY key",
    )
    .pluck()
    .all(kind, likePrefix(keyPrefix));
}

export function deleteEngagementDocuments(
  db: SqliteConnection,
  kind: EngagementDocumentKind,
  keyPrefix: string,
): number {
  checkKind(kind);
  checkKey('keyPrefix', keyPrefix);
  return db.write(
    () =>
      db
        .q("DELETE FROM engagement_documents WHERE kind = ? AND key LIKE ? ESCAPE '\\'")
        .run(kind, likePrefix(keyPrefix)).changes,
  );
}

export function sweepEngagementDocuments(db: SqliteConnection, before: string, limit: number): number {
  const cutoff = isoTime('before', before);
  return db.write(
    () =>
      db
        .q(
          `DELETE FROM engagement_documents WHERE rowid IN (
             SELECT rowid FROM engagement_documents WHERE updated_at < ? ORDER BY updated_at LIMIT ?)`,
        )
        .run(cutoff, Math.max(0, Math.floor(limit))).changes,
  );
}
