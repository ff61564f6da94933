import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEncryptionKeys } from '../../temporal/keys';

describe('the embedded default payload key file', () => {
  const dir = () => path.join(mkdtempSync(path.join(tmpdir(), 'keys-')), 'data');

  it('is made once, 0600, in a 0700 folder, and read back the same', () => {
    const file = path.join(dir(), 'payload-encryption.key');
    const first = loadEncryptionKeys(undefined, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(loadEncryptionKeys(undefined, file)[0]!.key.equals(first[0]!.key)).toBe(true);
  });

  it('stops start-up when other users can read it, saying how to fix it', () => {
    const file = path.join(dir(), 'payload-encryption.key');
    loadEncryptionKeys(undefined, file);
    chmodSync(file, 0o644);
    expect(() => loadEncryptionKeys(undefined, file)).toThrow(
      /readable by other users \(mode 644\).*chmod 600/,
    );
    chmodSync(file, 0o600);
    expect(() => loadEncryptionKeys(undefined, file)).not.toThrow();
  });
});
