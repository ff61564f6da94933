import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  return parseEncryptionKeys(
    readOrCreatePrivateFile(keyFile, () => randomBytes(32).toString('base64'), 'PAYLOAD_ENCRYPTION_KEY'),
  );
}

/**
 * A secret kept in the data folder (mode 0600 in a 0700 folder): made once by whichever process
 * comes first, then read by every process on this machine.
 */
export function readOrCreatePrivateFile(file: string, make: () => string, variable: string): string {
  // The data folder holds keys, the embedded databases and reports: its owner's only.
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two processes starting together cannot both write one.
    writeFileSync(file, make() + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  assertPrivate(file, variable);
  return readFileSync(file, 'utf8').trim();
}

/** A key file other users can read is a leaked key: refuse to start, saying how to fix it. */
export function assertPrivate(file: string, variable = 'PAYLOAD_ENCRYPTION_KEY'): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `${file} is readable by other users (mode ${mode.toString(8).padStart(3, '0')}): run \`chmod 600 ${file}\`, and consider the key leaked if others could log in here (generate a new one by deleting the file, or set ${variable})`,
    );
  }
}
