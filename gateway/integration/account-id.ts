import { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from '../../domain/integration/constants';

/** Billsby account ids as the product accepts them: safe in workflow ids, URLs and OAuth state. */
export const accountIdSchema = z
  .string()
  .regex(
    ACCOUNT_ID_PATTERN,
    'account id must be 1-64 letters, digits, _ or -, starting with a letter or digit',
  );
