import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, KEY_ID_METADATA, parseEncryptionKeys } from '../../temporal/codec';
import { isRefusedPayload } from '../../temporal/refused-payload';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const payload = defaultPayloadConverter.toPayload({ email: 'someone@example.com', token: 'tok_123' });

describe('AES-256-GCM payload codec', () => {
  it('passes plaintext through for clients and the Web UI; a worker’s codec decodes it to the refusal marker', async () => {
    const lenient = new AesGcmPayloadCodec(parseEncryptionKeys(`k2:${keyB},k1:${keyA}`));
    expect(await lenient.decode([payload])).toEqual([payload]);
    const worker = lenient.refusing();
    const [refused] = await worker.decode([payload]);
    expect(isRefusedPayload(defaultPayloadConverter.fromPayload(refused!))).toBe(true);
    // Encrypted payloads decode as before, with every key of the rotation.
    const [sealedWithOld] = await new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${keyA}`)).encode([payload]);
    const [decoded] = await worker.decode([sealedWithOld!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({
      email: 'someone@example.com',
      token: 'tok_123',
    });
  });

  it('round-trips a payload and hides its content', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(keyA));
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('someone@example.com');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({
      email: 'someone@example.com',
      token: 'tok_123',
    });
  });

  it('rotates keys: the first key encrypts, older keys still decrypt', async () => {
    const old = new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${keyA}`));
    const [sealedWithOld] = await old.encode([payload]);
    const rotated = new AesGcmPayloadCodec(parseEncryptionKeys(`k2:${keyB},k1:${keyA}`));
    const [sealedWithNew] = await rotated.encode([payload]);
    expect(Buffer.from(sealedWithNew!.metadata![KEY_ID_METADATA]!).toString()).toBe('k2');
    const decoded = await rotated.decode([sealedWithOld!, sealedWithNew!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { email: 'someone@example.com', token: 'tok_123' },
      { email: 'someone@example.com', token: 'tok_123' },
    ]);
    await expect(old.decode([sealedWithNew!])).rejects.toThrow(/No payload decryption key with id "k2"/);
  });

  it('rejects tampered ciphertext', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(keyA));
    const [encoded] = await codec.encode([payload]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0xff;
    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow();
  });

  it('passes unencrypted payloads through on decode', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(keyA));
    expect(await codec.decode([payload])).toEqual([payload]);
  });

  it('names the problem with a bad key without echoing it', () => {
    expect(() => parseEncryptionKeys('c2hvcnQ=')).toThrow(
      'PAYLOAD_ENCRYPTION_KEY: key 1 must be 32 bytes in base64 (got 5 bytes)',
    );
  });
});
