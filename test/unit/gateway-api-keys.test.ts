import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKeyVerifier, loadGatewayApiKeys } from '../../gateway/auth/api-keys';
import { TokenSealer } from '../../gateway/auth/sealed-token';
import { loadGatewaySessionKeys } from '../../gateway/auth/session-keys';
import { gatewaySecurity } from '../../gateway/security';
import { parseConfig } from '../../config/env';
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
  const keys = [randomBytes(32).toString('base64url')];

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
    const next = [randomBytes(32).toString('base64url')];
    const token = new TokenSealer(keys).seal('oauth-start', { a: 'acme' }, Date.now() + 60_000);
    expect(new TokenSealer([...next, ...keys]).open('oauth-start', token)).toMatchObject({ a: 'acme' });
    expect(new TokenSealer(next).open('oauth-start', token)).toBeNull();
  });
});

describe('the gateway session key (GATEWAY_SESSION_KEY, issue 23)', () => {
  it('the embedded default makes one private key file; GATEWAY_SESSION_KEY wins over it', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'session-key-')), 'data', 'gateway-session-key');
    const first = loadGatewaySessionKeys(undefined, file);
    expect(first.source).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadGatewaySessionKeys(undefined, file).keys).toEqual(first.keys);
    expect(loadGatewaySessionKeys(['s'.repeat(40)], file)).toEqual({
      keys: ['s'.repeat(40)],
      source: 'GATEWAY_SESSION_KEY',
    });
  });

  it('links are sealed with it, not with the payload key: a worker or CLI host cannot mint one', () => {
    const payloadKey = randomBytes(32).toString('base64');
    const sessionKey = randomBytes(32).toString('base64url');
    const config = parseConfig({
      PAYLOAD_ENCRYPTION_KEY: payloadKey,
      GATEWAY_SESSION_KEY: sessionKey,
      GATEWAY_API_KEYS: 'k'.repeat(30),
    });
    const { tokens } = gatewaySecurity(config);
    const minted = tokens.seal('ui-link', { a: 'acme' }, Date.now() + 60_000);
    expect(new TokenSealer([sessionKey]).open('ui-link', minted)).toMatchObject({ a: 'acme' });
    // What someone holding only the payload key could seal is refused.
    const forged = new TokenSealer([payloadKey]).seal('ui-link', { a: 'acme' }, Date.now() + 60_000);
    expect(tokens.open('ui-link', forged)).toBeNull();
  });

  it('rotation: "new,old" opens what "old" sealed, and seals with the new key', () => {
    const [oldKey, newKey] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
    const token = new TokenSealer([oldKey]).seal('ui-session', { a: 'acme' }, Date.now() + 60_000);
    const rotated = gatewaySecurity(
      parseConfig({ GATEWAY_SESSION_KEY: `${newKey},${oldKey}`, GATEWAY_API_KEYS: 'k'.repeat(30) }),
    );
    expect(rotated.sessionKeySource).toBe('GATEWAY_SESSION_KEY');
    expect(rotated.tokens.open('ui-session', token)).toMatchObject({ a: 'acme' });
    const fresh = rotated.tokens.seal('ui-session', { a: 'acme' }, Date.now() + 60_000);
    expect(new TokenSealer([newKey]).open('ui-session', fresh)).toMatchObject({ a: 'acme' });
  });

  it('refuses a short key, naming the variable', () => {
    expect(() => parseConfig({ GATEWAY_SESSION_KEY: 'too-short' })).toThrow(
      /GATEWAY_SESSION_KEY: must be comma-separated keys of 32/,
    );
  });
});
