import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DATA_DIR } from '../../temporal/paths';
import { readOrCreatePrivateFile } from '../../temporal/keys';

/** The embedded default's session key: made once into the data folder (0600), read by the gateway. */
export const LOCAL_SESSION_KEY_FILE = path.join(DATA_DIR, 'gateway-session-key');

/**
 * The gateway's own keys for sealed links, sessions and CSRF tokens (GATEWAY_SESSION_KEY, first
 * seals, all open): never derived from PAYLOAD_ENCRYPTION_KEY, which workers and CLI hosts also
 * hold, so none of them can mint a sign-in link. Unset: the embedded default's key file.
 */
export function loadGatewaySessionKeys(
  configured: string[] | undefined,
  keyFile = LOCAL_SESSION_KEY_FILE,
): { keys: string[]; source: 'GATEWAY_SESSION_KEY' | string } {
  if (configured && configured.length > 0) return { keys: configured, source: 'GATEWAY_SESSION_KEY' };
  const key = readOrCreatePrivateFile(
    keyFile,
    () => randomBytes(32).toString('base64url'),
    'GATEWAY_SESSION_KEY',
  );
  return { keys: [key], source: keyFile };
}
