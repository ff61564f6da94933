import { ApplicationFailure } from '@temporalio/workflow';
import { ACCOUNT_ID_PATTERN } from '../../domain/integration/constants';
import type { BillFailure } from '../../temporal/failures';
import type { BillEngagementInput } from './definitions';

export interface EngagementOptions {
  asOf?: string;
  maxOrgs: number;
  concurrency: number;
  pageSize: number;
  continueAsNewAfterOrgs: number;
  flushAfterBytes: number;
  inlineReportLimitBytes: number;
  /** The account whose Webex integration posts the digest, and whether it lists contacts. */
  postTo?: string;
  withContacts: boolean;
}

export const ENGAGEMENT_DEFAULTS = {
  concurrency: 5,
  pageSize: 100,
  continueAsNewAfterOrgs: 500,
  flushAfterBytes: 256 * 1024,
  // Under Temporal's 512 KiB payload warning; larger reports go to the reports folder.
  inlineReportLimitBytes: 500_000,
} as const;

function bad(message: string): never {
  throw ApplicationFailure.nonRetryable(
    `invalid bill-engagement input: ${message}`,
    'Bill.bad_input' satisfies BillFailure,
  );
}

function int(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    bad(`${name} must be an integer ${min}..${max}`);
  return value;
}

/** Validated input with defaults. Bad input fails the run at once rather than a workflow task forever. */
export function resolveOptions(input: BillEngagementInput): EngagementOptions {
  let asOf: string | undefined;
  if (input.asOf !== undefined) {
    const ms = Date.parse(input.asOf);
    if (!Number.isFinite(ms)) bad(`asOf ${JSON.stringify(input.asOf)} is not a date`);
    asOf = new Date(ms).toISOString();
  }
  if (input.postTo !== undefined && !ACCOUNT_ID_PATTERN.test(input.postTo)) {
    bad(
      `postTo ${JSON.stringify(input.postTo)} is not an account id (1-64 letters, digits, _ or -, starting with a letter or digit)`,
    );
  }
  if (input.withContacts && input.postTo === undefined) bad('withContacts needs postTo');
  const d = ENGAGEMENT_DEFAULTS;
  return {
    ...(input.postTo !== undefined ? { postTo: input.postTo } : {}),
    withContacts: input.withContacts === true,
    asOf,
    maxOrgs: int('maxOrgs', input.maxOrgs, Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER),
    concurrency: int('concurrency', input.concurrency, d.concurrency, 1, 200),
    pageSize: int('pageSize', input.pageSize, d.pageSize, 1, 100),
    continueAsNewAfterOrgs: int(
      'continueAsNewAfterOrgs',
      input.continueAsNewAfterOrgs,
      d.continueAsNewAfterOrgs,
      1,
      5_000,
    ),
    flushAfterBytes: int('flushAfterBytes', input.flushAfterBytes, d.flushAfterBytes, 1, 1_500_000),
    inlineReportLimitBytes: int(
      'inlineReportLimitBytes',
      input.inlineReportLimitBytes,
      d.inlineReportLimitBytes,
      1,
      1_500_000,
    ),
  };
}
