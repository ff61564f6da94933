/** Starter-script options, validated with zod so a bad flag gets a clear message and starts nothing. */
import { z } from 'zod';
import { parseCampaign } from '../../domain/engagement/campaign-csv';
import { ACCOUNT_ID_PATTERN } from '../../domain/integration/constants';

/** `--post-to`: the account whose Webex integration posts the run's digest (DESIGN §4.5.1). */
const postTo = z
  .string()
  .trim()
  .regex(
    ACCOUNT_ID_PATTERN,
    'must be an account id (1-64 letters, digits, _ or -, starting with a letter or digit)',
  );

/** `--with-contacts` only means something with a digest to put them in. */
function contactsNeedPostTo(args: { postTo?: string; withContacts?: boolean }, ctx: z.RefinementCtx): void {
  if (args.withContacts && args.postTo === undefined)
    ctx.addIssue({ code: 'custom', path: ['withContacts'], message: 'needs --post-to <accountId>' });
}

const isoDate = z
  .string()
  .trim()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && Number.isFinite(Date.parse(v)),
    {
      message: 'must be a date like 2026-11-01 or 2026-11-01T12:00:00Z',
    },
  )
  .transform((v) => new Date(Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v)).toISOString());

export const runOptionsSchema = z
  .object({
    maxOrgs: z.coerce.number().int().min(1, 'must be at least 1').optional(),
    asOf: isoDate.optional(),
    out: z
      .string()
      .trim()
      .regex(/\.(json|csv)$/i, 'must end in .json or .csv')
      .optional(),
    concurrency: z.coerce.number().int().min(1).max(200).optional(),
    compareTo: z.string().trim().min(1, 'must be a workflow id').optional(),
    showEmails: z.boolean().optional(),
    postTo: postTo.optional(),
    withContacts: z.boolean().optional(),
  })
  .superRefine(contactsNeedPostTo);
export type RunOptions = z.output<typeof runOptionsSchema>;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `30m`, `1d`, `1h30m` → milliseconds; undefined when it is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (!/^(\d+[smhd])+$/.test(s)) return undefined;
  let ms = 0;
  for (const [, n, unit] of s.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

export const scheduleOptionsSchema = z
  .object({
    every: z.string().transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration like 24h, 30m, 1d or 1h30m' });
        return z.NEVER;
      }
      // A run over thousands of organizations takes minutes; more often would only pile runs up.
      if (ms < 60_000) {
        ctx.addIssue({ code: 'custom', message: 'must be at least 1m' });
        return z.NEVER;
      }
      return ms;
    }),
    maxOrgs: z.coerce.number().int().min(1).optional(),
    postTo: postTo.optional(),
    withContacts: z.boolean().optional(),
  })
  .superRefine(contactsNeedPostTo);
export type ScheduleOptions = z.output<typeof scheduleOptionsSchema>;

export const reportArgsSchema = z
  .object({
    workflowId: z.string().trim().min(1, 'a workflow id is required'),
    out: z.string().trim().min(1, 'must name a file').optional(),
    changesOnly: z.boolean().optional(),
    showEmails: z.boolean().optional(),
    /** A campaign's contact list (`complete enrollment`, …) or `all` (one file per campaign). */
    campaign: z
      .string()
      .transform((v, ctx) => {
        try {
          return parseCampaign(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
  })
  .superRefine((args, ctx) => {
    const out = (message: string) => ctx.addIssue({ code: 'custom', path: ['out'], message });
    if (args.campaign === undefined) {
      if (args.out !== undefined && !/\.(json|csv)$/i.test(args.out)) out('must end in .json or .csv');
    } else if (args.out === undefined) {
      out(
        args.campaign === 'all'
          ? 'must name a folder for the campaign files'
          : 'must name the .csv file to write',
      );
    } else if (args.campaign !== 'all' && !/\.csv$/i.test(args.out)) {
      out('must end in .csv (a campaign contact list)');
    }
  });
export type ReportArgs = z.output<typeof reportArgsSchema>;

/** Parses or throws an Error whose message names each bad option (`--as-of: must be a date …`). */
export function parseOptions<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const flag = (key: PropertyKey | undefined) =>
    key === undefined ? 'options' : `--${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new Error(parsed.error.issues.map((i) => `${flag(i.path[0])}: ${i.message}`).join('; '));
}
