import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { DATA_DIR } from '../../temporal/paths';
import { readOrCreatePrivateFile } from '../../temporal/keys';

/** The embedded default's key: made once into the data folder, read by the gateway and the CLI. */
export const LOCAL_API_KEY_FILE = path.join(DATA_DIR, 'gateway-api-key');

export interface GatewayApiKeys {
  keys: string[];
  /** Where the keys came from, for the start-up line (never the keys themselves). */
  source: 'GATEWAY_API_KEYS' | string;
}

/** GATEWAY_API_KEYS when set; otherwise the key file of the embedded default (made if missing). */
export function loadGatewayApiKeys(
  configured: string[] | undefined,
  keyFile = LOCAL_API_KEY_FILE,
): GatewayApiKeys {
  if (configured && configured.length > 0) return { keys: configured, source: 'GATEWAY_API_KEYS' };
  const key = readOrCreatePrivateFile(
    keyFile,
    () => randomBytes(32).toString('base64url'),
    'GATEWAY_API_KEYS',
  );
  return { keys: [key], source: keyFile };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <key>`. Only SHA-256 digests of the keys are kept, and every
 * configured key is compared (constant time, no early exit), so timing says nothing about which
 * key or how much of it matched.
 */
export class ApiKeyVerifier {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    if (keys.length === 0) throw new Error('at least one gateway API key is needed');
    this.digests = keys.map(digest);
  }

  verifyHeader(authorization: string | undefined): boolean {
    const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(authorization ?? '');
    if (!match) return false;
    const presented = digest(match[1]!);
    let ok = false;
    for (const known of this.digests) ok = timingSafeEqual(known, presented) || ok;
    return ok;
  }
}
