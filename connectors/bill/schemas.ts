/**
 * zod schemas for the BILL v3 responses the product reads. BILL omits unpopulated keys, so only what the
 * product cannot do without is required; unknown keys are dropped, never rejected.
 */
import { z } from 'zod';

/**
 * BILL timestamps look like `2025-12-16T23:56:52.127+00:00`. A value without an offset would be parsed
 * as local time by `Date`, so it is read as UTC; the output is always `toISOString()` form.
 */
export function parseBillTime(value: string): number | undefined {
  const s = value.trim();
  let withZone = s;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) withZone = `${s}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(s)) withZone = `${s}Z`;
  // Date only understands milliseconds; cut longer fractions (e.g. microseconds).
  withZone = withZone.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms : undefined;
}

const isoTime = z
  .string()
  .refine((v) => parseBillTime(v) !== undefined, { message: 'not a date-time' })
  .transform((v) => new Date(parseBillTime(v) as number).toISOString());

export const BANK_STATUSES = [
  'VERIFIED',
  'NOT_VERIFIED',
  'PENDING',
  'BLOCKED',
  'EXPIRED',
  'INVALID',
  'UNDEFINED',
] as const;

export const organizationSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  archived: z.boolean().optional(),
  createdTime: isoTime.optional(),
  updatedTime: isoTime.optional(),
});
export type BillOrganization = z.output<typeof organizationSchema>;

export const userSchema = z.object({
  id: z.string().min(1),
  // Required: treating an archived user as active would send engagement mail to a dead account.
  archived: z.boolean(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  role: z.object({ id: z.string().optional(), type: z.string().optional() }).optional(),
  createdTime: isoTime.optional(),
});
export type BillUser = z.output<typeof userSchema>;

export const bankAccountSchema = z.object({
  id: z.string().min(1),
  archived: z.boolean(),
  // A status outside BILL's documented set cannot be read as verified or not: the organization is
  // reported with an error naming the field rather than guessed at.
  status: z.enum(BANK_STATUSES),
  type: z.string().optional(),
  bankName: z.string().optional(),
  default: z.object({ payables: z.boolean().optional(), receivables: z.boolean().optional() }).optional(),
  createdTime: isoTime.optional(),
});
export type BillBankAccount = z.output<typeof bankAccountSchema>;

export const paymentSchema = z.object({
  id: z.string().min(1),
  createdTime: isoTime,
  processDate: z.string().optional(),
  status: z.string().optional(),
  singleStatus: z.string().optional(),
  amount: z.number().optional(),
});
export type BillPayment = z.output<typeof paymentSchema>;

export function listSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    results: z.array(item),
    // An empty string would loop forever on the same page; treat it as "no next page".
    nextPage: z
      .string()
      .nullish()
      .transform((v) => (v ? v : undefined)),
  });
}

export const sessionSchema = z.object({ sessionId: z.string().min(1) });

/** The response shape of GET /v3/risk-verifications is undocumented: take anything, read it leniently. */
export const riskVerificationSchema = z.unknown();

/** A `decision` from an object, an array or `{results}`; anything else is "unavailable", not an error. */
export function riskDecisionOf(
  body: unknown,
): { decision: string } | { decision: null; unavailable: string } {
  const first = (x: unknown): unknown => (Array.isArray(x) ? x[0] : x);
  let item = first(body);
  if (item && typeof item === 'object' && 'results' in item)
    item = first((item as { results: unknown }).results);
  const decision = item && typeof item === 'object' ? (item as { decision?: unknown }).decision : undefined;
  if (typeof decision === 'string' && decision.trim() !== '') return { decision: decision.trim() };
  return { decision: null, unavailable: item === undefined ? 'no record' : 'no decision in the answer' };
}

export interface Page<T> {
  results: T[];
  nextPage?: string;
}

/** List items read one by one (see checkOrganization). */
export const anyItem = z.unknown();

export type CheckedOrganization =
  | { valid: true; organization: BillOrganization }
  | { valid: false; id?: string; name?: string; problem: string };

/** One listed organization, checked on its own so a malformed record does not fail its page. */
export function checkOrganization(item: unknown, index: number): CheckedOrganization {
  const parsed = organizationSchema.safeParse(item);
  if (parsed.success) return { valid: true, organization: parsed.data };
  const issue = parsed.error.issues[0];
  const raw = (item && typeof item === 'object' ? item : {}) as { id?: unknown; name?: unknown };
  return {
    valid: false,
    ...(typeof raw.id === 'string' && raw.id ? { id: raw.id } : {}),
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    problem: `BILL listOrganizations returned a malformed organization: field results.${index}.${(issue?.path ?? []).join('.')}: ${issue?.message ?? 'invalid'}`,
  };
}
