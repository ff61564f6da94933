/**
 * What the webhook route does with a body (DESIGN §4.3, §4.3.1): deliver it (the rich contract,
 * or a public webhook to be filled from Billsby's API), keep it as `ignored` (every other type
 * Billsby sends to the same URL), or refuse it (400, naming the field). Pure: no IO, no clock.
 */
import type { z } from 'zod';
import type { BillsbyEvent } from './event-schema';
import { EVENT_ID_PATTERN } from './event-schema';
import { sanitiseValue } from './message-text';
import { describeType, formatPath, issueMessage, parseBillsbyEvent } from './parse-event';
import {
  PUBLIC_FORM,
  PublicCustomerEventSchema,
  PublicInvoicePaidSchema,
  PublicSubscriptionEventSchema,
  RICH_ONLY_KEYS,
  type PublicBillsbyEvent,
} from './public-event';

/** Longest `Type` kept for an ignored event (it is stored and shown in lists). */
export const MAX_IGNORED_TYPE_LENGTH = 100;

export type ClassifiedWebhook =
  | { kind: 'deliver'; event: BillsbyEvent | PublicBillsbyEvent }
  | { kind: 'ignore'; eventId: string; type: string; reason: string }
  | { kind: 'invalid'; errors: string[] };

const PUBLIC_SCHEMAS: Record<string, z.ZodType> = {
  CustomerCreated: PublicCustomerEventSchema,
  CustomerUpdated: PublicCustomerEventSchema,
  SubscriptionCreated: PublicSubscriptionEventSchema,
  SubscriptionUpdated: PublicSubscriptionEventSchema,
};

/**
 * @param acceptedAt the gateway's acceptance time: a public payment's `PaidOn` (§4.3.1).
 */
export function classifyWebhook(body: unknown, acceptedAt: string): ClassifiedWebhook {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid(`body: expected a JSON object, received ${describeType(body)}`);
  }
  const fields = body as Record<string, unknown>;
  const type = fields.Type;
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_IGNORED_TYPE_LENGTH) {
    return invalid(
      type === undefined
        ? 'Type: required (a string such as CustomerCreated)'
        : `Type: expected a string of 1 to ${MAX_IGNORED_TYPE_LENGTH} characters, received ${typeof type === 'string' ? `${type.length} characters` : describeType(type)}`,
    );
  }
  const rich = () => {
    const parsed = parseBillsbyEvent(body);
    return parsed.ok ? deliver(parsed.event) : invalid(...parsed.errors);
  };
  if (type === 'PaymentSucceeded') return rich();
  const publicSchema = PUBLIC_SCHEMAS[type];
  if (publicSchema) {
    if (RICH_ONLY_KEYS[type]!.some((key) => key in fields)) return rich();
    return parsePublic(publicSchema, body, {});
  }
  if (typeof fields.Id !== 'string' || !EVENT_ID_PATTERN.test(fields.Id)) {
    return invalid(
      fields.Id === undefined
        ? 'Id: required (expected a string)'
        : 'Id: expected 1 to 128 characters, each a letter, digit, ".", "_" or "-"',
    );
  }
  if (type === 'InvoiceUpdated' && isPaid(fields.InvoiceStatus)) {
    return parsePublic(PublicInvoicePaidSchema, body, { PaidOn: acceptedAt });
  }
  return {
    kind: 'ignore',
    eventId: fields.Id,
    type: sanitiseType(type),
    reason:
      type === 'InvoiceUpdated'
        ? 'InvoiceUpdated that is not a payment (InvoiceStatus is not Paid): nothing to post'
        : `${sanitiseType(type)} has no message (only customer, subscription and paid-invoice events are posted)`,
  };
}

function parsePublic(schema: z.ZodType, body: unknown, extra: Record<string, unknown>): ClassifiedWebhook {
  const result = schema.safeParse(body, { error: issueMessage });
  if (!result.success) {
    return invalid(...result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
  }
  return deliver({ ...(result.data as object), ...extra, Form: PUBLIC_FORM } as PublicBillsbyEvent);
}

/** Billsby writes `Paid`; any case is accepted (its examples are not consistent about case). */
function isPaid(status: unknown): boolean {
  return typeof status === 'string' && status.toLowerCase() === 'paid';
}

/** Control characters would break a list line or a log line (sanitiseValue: the message rule). */
function sanitiseType(type: string): string {
  return sanitiseValue(type);
}

const deliver = (event: BillsbyEvent | PublicBillsbyEvent): ClassifiedWebhook => ({ kind: 'deliver', event });
const invalid = (...errors: string[]): ClassifiedWebhook => ({ kind: 'invalid', errors });
