/**
 * Validation of a webhook body into a `BillsbyEvent`, with errors an operator can act on: each
 * names the field's path (`CustomerDetails.Email`, `InvoiceSubscriptions[1].PlanName`) and what
 * was wrong, and never echoes a submitted value other than a short `Type` (values may be
 * personal data, and the errors end up in HTTP responses and logs).
 */
import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES, type BillsbyEvent, type BillsbyEventType } from './event-schema';

export type ParseEventResult = { ok: true; event: BillsbyEvent } | { ok: false; errors: string[] };

export function parseBillsbyEvent(body: unknown): ParseEventResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [`body: expected a JSON object, received ${describeType(body)}`] };
  }
  const type = (body as Record<string, unknown>).Type;
  if (!isEventType(type)) {
    // Checked before the schema so the answer is one clear line, not five union branches.
    const accepted = EVENT_TYPES.join(', ');
    if (type === undefined) return { ok: false, errors: [`Type: required (expected one of ${accepted})`] };
    const received = typeof type === 'string' ? JSON.stringify(type.slice(0, 64)) : describeType(type);
    return { ok: false, errors: [`Type: expected one of ${accepted}, received ${received}`] };
  }
  const result = EVENT_SCHEMAS[type].safeParse(body, { error: issueMessage });
  if (result.success) return { ok: true, event: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  };
}

export function isEventType(value: unknown): value is BillsbyEventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** `['InvoiceSubscriptions', 1, 'PlanName']` → `InvoiceSubscriptions[1].PlanName`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/**
 * Messages for the issues the schema does not word itself (its own `error` options take
 * precedence over this per-parse map). Returning `undefined` falls back to zod's wording.
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      // The contract has no fractional numbers: every number field is an integer.
      const expected = issue.expected === 'int' || issue.expected === 'number' ? 'integer' : issue.expected;
      if (issue.input === undefined) return `required (expected ${expected})`;
      if (expected === 'integer' && typeof issue.input === 'number') {
        return `expected integer, received non-integer number`;
      }
      return `expected ${expected}, received ${describeType(issue.input)}`;
    }
    case 'too_big':
    case 'too_small':
      // Strings and lists carry their own wording; this is z.int()'s safe-integer range.
      if (issue.origin === 'int' || issue.origin === 'number')
        return 'expected a safe integer (magnitude at most 2^53 - 1)';
      return undefined;
    default:
      return undefined;
  }
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}
