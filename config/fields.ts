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
