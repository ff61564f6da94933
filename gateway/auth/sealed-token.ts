import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Small encrypted, authenticated, expiring tokens for links and cookies (ui-link, control-page
 * session, OAuth browser binding). Stateless, so any gateway of a deployment opens what another
 * made: the keys are derived (HKDF) from the gateway's own session keys (GATEWAY_SESSION_KEY,
 * gateway/auth/session-keys.ts), never from the payload key that workers and CLI hosts hold. The
 * first key seals, every configured key opens (rotation). The purpose is authenticated data, so a
 * token made for one use is refused for another.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

export type TokenPurpose = 'ui-link' | 'ui-session' | 'oauth-start' | 'oauth-binding' | 'csrf';

interface Sealed {
  /** Epoch ms after which the token is refused. */
  exp: number;
}

export class TokenSealer {
  private readonly keys: Buffer[];

  constructor(sessionKeys: string[]) {
    if (sessionKeys.length === 0) throw new Error('TokenSealer needs at least one key');
    this.keys = sessionKeys.map((k) =>
      Buffer.from(
        hkdfSync('sha256', Buffer.from(k, 'utf8'), 'billsby-gateway-tokens', 'token-sealing-v2', 32),
      ),
    );
  }

  /** A key for other HMAC uses (the CSRF plugin), derived the same way. */
  derivedKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keys[0]!, 'billsby-gateway-tokens', purpose, 32));
  }

  seal<T extends object>(purpose: TokenPurpose, content: T, expiresAt: number): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!, iv);
    cipher.setAAD(Buffer.from(purpose));
    const plain = Buffer.from(JSON.stringify({ ...content, exp: expiresAt }), 'utf8');
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The content, or null when the token is malformed, forged, for another purpose or expired. */
  open<T extends object>(
    purpose: TokenPurpose,
    token: string | undefined,
    now = Date.now(),
  ): (T & Sealed) | null {
    if (!token || token.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES + 2) return null;
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]);
        const content = JSON.parse(plain.toString('utf8')) as T & Sealed;
        return typeof content.exp === 'number' && content.exp > now ? content : null;
      } catch {
        // Not this key (or forged): try the next.
      }
    }
    return null;
  }
}
