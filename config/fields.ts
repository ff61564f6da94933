import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Value types that several configuration variables share (an optional non-empty string, an
 * http(s) base URL without its trailing slash, a metrics listener's port), each with the message
 * a wrong value gets.
 */

/** A string that is either absent (unset or empty) or non-empty after trimming. */
export const optionalNonEmpty = z
  .string()
  .trim()
  .min(1, 'must not be empty when set')
  .optional()
  .or(z.literal('').transform(() => undefined));

/** An http(s) base URL without its trailing slash; unset or empty: `fallback`. */
export const httpUrl = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((value) => value || fallback)
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, 'must be an http(s) URL')
    .transform((value) => value.replace(/\/+$/, ''));

export const metricsPort = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number (0 picks a free one)')
    .max(65_535, 'must be at most 65535')
    .default(fallback);

/**
 * Comma-separated secret keys (several while rotating), each `minLength` to 256 visible ASCII
 * characters; absent when unset or empty.
 */
export const keyList = (minLength: number) =>
  optionalNonEmpty
    .transform((value) =>
      value === undefined
        ? undefined
        : value
            .split(',')
            .map((key) => key.trim())
            .filter(Boolean),
    )
    .refine(
      (keys) =>
        keys === undefined ||
        (keys.length > 0 && keys.every((key) => key.length >= minLength && /^[\x21-\x7e]{1,256}$/.test(key))),
      `must be comma-separated keys of ${minLength} to 256 visible ASCII characters (e.g. \`openssl rand -base64 32\`)`,
    );

/** proxy-addr's names for whole ranges (Fastify's `trustProxy`). */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IPv4 or IPv6 address, a CIDR range of one (prefix at least 1), or a proxy-addr range name. */
export function isAddressOrRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  return bits >= 1 && bits <= (version === 4 ? 32 : 128);
}

/**
 * Who may tell the gateway a request's client address (`X-Forwarded-For`) and scheme: absent
 * (trust nobody), or comma-separated addresses or CIDR ranges (or loopback, linklocal,
 * uniquelocal). Never every address (`0.0.0.0/0`, `true` are refused), and no hop count: it
 * cannot tell the proxy from a client that connects directly (Fastify refuses it too).
 */
export const trustedProxies = optionalNonEmpty
  .transform((value) =>
    value === undefined
      ? undefined
      : value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
  )
  .refine(
    (entries) => entries === undefined || (entries.length > 0 && entries.every(isAddressOrRange)),
    "must be the reverse proxy's addresses or CIDR ranges, comma-separated (e.g. 10.203.0.2 or 10.203.0.0/28; loopback, linklocal, uniquelocal)",
  );
