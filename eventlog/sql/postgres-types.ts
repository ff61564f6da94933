import { Pool, types } from 'pg';

/**
 * bigint columns (seq, counters) as numbers (exact to 2^53), and timestamptz as ISO strings, for this pool only
 * (changing pg's global parsers would affect every other user of pg in the process).
 */
const parseTimestamptz = types.getTypeParser(types.builtins.TIMESTAMPTZ);
export const POOL_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === types.builtins.INT8) return (value: string) => Number(value);
    if (oid === types.builtins.TIMESTAMPTZ) return (value: string) => parseTimestamptz(value).toISOString();
    return types.getTypeParser(oid, format as 'text');
  },
} as unknown as NonNullable<ConstructorParameters<typeof Pool>[0]>['types'];
