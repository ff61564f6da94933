import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './paths';
import { parseEncryptionKeys, type EncryptionKey } from './codec';

export const LOCAL_KEY_FILE = path.join(DATA_DIR, 'payload-encryption.key');

/**
 * The payload keys: PAYLOAD_ENCRYPTION_KEY when set; otherwise (the embedded default) a key made
 * once into the git-ignored data folder, so worker, gateway and CLI in separate processes agree.
 */
export function loadEncryptionKeys(
  configured: string | undefined,
  keyFile = LOCAL_KEY_FILE,
): EncryptionKey[] {
  if (configured) return parseEncryptionKeys(configured);
  mkdirSync(path.dirname(keyFile), { recursive: true });
  try {
    // 'wx' fails if the file exists, so two processes starting together cannot both write a key.
    writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseEncryptionKeys(readFileSync(keyFile, 'utf8').trim());
}
