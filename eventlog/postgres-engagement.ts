import type { Pool } from 'pg';
import { checkKey, checkKind, likePrefix, openDocument, sealDocument } from './engagement-documents';
import type { PayloadCipher } from './payload-cipher';
import { isoTime } from './rows';
import type { EngagementDocumentKind } from './types';

/** The PostgreSQL engine's engagement documents (see engagement-documents.ts). */

export async function putEngagementDocument(
  pool: Pool,
  cipher: PayloadCipher,
  kind: EngagementDocumentKind,
  key: string,
  value: unknown,
  ifAbsent = false,
): Promise<boolean> {
  const sealed = sealDocument(cipher, kind, key, value);
  const conflict = ifAbsent
    ? 'DO NOTHING'
    : 'DO UPDATE SET sealed = excluded.sealed, key_id = excluded.key_id, updated_at = excluded.updated_at';
  const result = await pool.query(
    `INSERT INTO engagement_documents (kind, key, sealed, key_id, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (kind, key) ${conflict}`,
    [kind, key, sealed.payload, sealed.keyId],
  );
  return result.rowCount === 1;
}

export async function getEngagementDocument<T>(
  pool: Pool,
  cipher: PayloadCipher,
  kind: EngagementDocumentKind,
  key: string,
): Promise<T | null> {
  checkKind(kind);
  checkKey('key', key);
  const { rows } = await pool.query<{ sealed: Buffer; key_id: string }>(
    'SELECT sealed, key_id FROM engagement_documents WHERE kind = $1 AND key = $2',
    [kind, key],
  );
  const row = rows[0];
  return row ? openDocument<T>(cipher, kind, key, { payload: row.sealed, keyId: row.key_id }) : null;
}

export async function listEngagementDocumentKeys(
  pool: Pool,
  kind: EngagementDocumentKind,
  keyPrefix: string,
): Promise<string[]> {
  checkKind(kind);
  checkKey('keyPrefix', keyPrefix);
  const { rows } = await pool.query<{ key: string }>(
    'SELECT key FROM engagement_documents WHERE kind = $1 AND key LIKE $2 ESCAPE \'\\\' ORDER BY key COLLATE "C"',
    [kind, likePrefix(keyPrefix)],
  );
  return rows.map((r) => r.key);
}

export async function deleteEngagementDocuments(
  pool: Pool,
  kind: EngagementDocumentKind,
  keyPrefix: string,
): Promise<number> {
  checkKind(kind);
  checkKey('keyPrefix', keyPrefix);
  const result = await pool.query(
    "DELETE FROM engagement_documents WHERE kind = $1 AND key LIKE $2 ESCAPE '\\'",
    [kind, likePrefix(keyPrefix)],
  );
  return result.rowCount ?? 0;
}

export async function sweepEngagementDocuments(pool: Pool, before: string, limit: number): Promise<number> {
  const cutoff = isoTime('before', before);
  const result = await pool.query(
    `DELETE FROM engagement_documents WHERE (kind, key) IN (
       SELECT kind, key FROM engagement_documents WHERE updated_at < $1 ORDER BY updated_at LIMIT $2)`,
    [cutoff, Math.max(0, Math.floor(limit))],
  );
  return result.rowCount ?? 0;
}
