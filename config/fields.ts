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

export const httpUrl = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
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
