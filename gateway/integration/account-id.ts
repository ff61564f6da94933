import { z } from 'zod';

/** Billsby account ids as the product accepts them: safe in workflow ids, URLs and OAuth state. */
export const accountIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    'account id must be 1-64 letters, digits, _ or -, starting with a letter or digit',
  );
