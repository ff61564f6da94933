import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKeyVerifier, loadGatewayApiKeys } from '../../client/auth/api-keys';
import { TokenSealer } from '../../client/auth/sealed-token';
import { parseEncryptionKeys } from '../../temporal/codec';
import { randomBytes } from 'node:crypto';

const keyFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'api-key-')), 'data', 'gateway-api-key');

describe('gateway API keys', () => {
  it('the embedded default makes one private key file, and every process reads the same key', () => {
    const file = keyFile();
    const first = loadGatewayApiKeys(undefined, file);
    expect(first.source).toBe(file);
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]!.length).toBeGreaterThanOrEqual(40);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(loadGatewayApiKeys(undefined, file).keys).toEqual(first.keys);
  });

  it('GATEWAY_API_KEYS wins over the file and names no key in its source', () => {
    const file = keyFile();
    const configured = loadGatewayApiKeys(['k'.repeat(30), 'n'.repeat(30)], file);
    expect(configured).toEqual({ keys: ['k'.repeat(30), 'n'.repeat(30)], source: 'GATEWAY_API_KEYS' });
  });

  it('accepts any configured key as a bearer token and nothing else', () => {
    const verifier = new ApiKeyVerifier(['old-key-0123456789abcdefghij', 'new-key-0123456789abcdefghij']);
    expect(verifier.verifyHeader('Bearer old-key-0123456789abcdefghij')).toBe(true);
    expect(verifier.verifyHeader('bearer new-key-0123456789abcdefghij')).toBe(true);
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer old-key-0123456789abcdefghi',
      'Bearer old-key-0123456789abcdefghijk',
      'Basic old-key-0123456789abcdefghij',
      'old-key-0123456789abcdefghij',
    ]) {
      expect(verifier.verifyHeader(header)).toBe(false);
    }
  });
});

describe('sealed tokens', () => {
  const keys = parseEncryptionKeys(randomBytes(32).toString('base64'));

  it('opens what it sealed, for the same purpose, until it expires', () => {
    const sealer = new TokenSealer(keys);
    const token = sealer.seal('ui-link', { a: 'acme' }, Date.now() + 60_000);
    expect(sealer.open('ui-link', token)).toMatchObject({ a: 'acme' });
    expect(sealer.open('ui-session', token)).toBeNull();
    expect(sealer.open('ui-link', token, Date.now() + 61_000)).toBeNull();
    const tampered = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    expect(sealer.open('ui-link', tampered)).toBeNull();
  });

  it('a rotated key list still opens tokens sealed with the old first key; another key does not', () => {
    const next = parseEncryptionKeys(`next:${randomBytes(32).toString('base64')}`);
    const token = new TokenSealer(keys).seal('oauth-start', { a: 'acme' }, Date.now() + 60_000);
    expect(new TokenSealer([...next, ...keys]).open('oauth-start', token)).toMatchObject({ a: 'acme' });
    expect(new TokenSealer(next).open('oauth-start', token)).toBeNull();
  });
});
