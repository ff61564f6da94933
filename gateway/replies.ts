import type { FastifyReply, FastifyRequest } from 'fastify';
import { accountIdSchema } from './integration/account-id';

/** Validates the `:accountId` path parameter; answers 400 and returns undefined when it is bad. */
export function accountIdOr400(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const parsed = accountIdSchema.safeParse((request.params as { accountId?: string }).accountId);
  if (parsed.success) return parsed.data;
  void reply.code(400).send({ error: `accountId: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  return undefined;
}

export function controlPagePath(accountId: string, query?: Record<string, string>): string {
  const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
  return `/ui/accounts/${encodeURIComponent(accountId)}/webex${qs}`;
}
