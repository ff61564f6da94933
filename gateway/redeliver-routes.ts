import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { REDELIVER_STATES } from '../activities/webex/redeliver';
import { RedeliveryError, RedeliveryService } from './integration/redelivery';
import type { GatewayContext } from './context';
import { accountIdOr400 } from './replies';

/**
 * Redelivery after a dry run, and erasure by customer (issue 15). Both are `/api/*` routes, so the
 * gateway's API-key check covers them like every other.
 *
 *   POST /api/accounts/:accountId/webex/redeliver
 *     {eventId} | {state: "failed"|"dropped", since?}, dryRun?, force?
 *     200 {dryRun, requeued:[ids], skippedAlreadyInRoom:[ids], refused:[{eventId, reason}], more}
 *     400 bad body (what is wrong, per field) · 404 unknown account or event
 *     409 uninstalled, or not connected (the room cannot be checked) · 503 no worker / Webex trouble
 *   POST /api/accounts/:accountId/webex/forget-customer {customerUniqueId}
 *     200 {erased, dropped} · 400 · 404 unknown account
 */

const since = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO 8601 date-time such as 2026-03-01T09:00:00Z, or a date such as 2026-03-01',
});

export const redeliverBody = z
  .strictObject({
    eventId: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters').optional(),
    state: z.enum(REDELIVER_STATES, { error: `must be one of ${REDELIVER_STATES.join(', ')}` }).optional(),
    since: since.optional(),
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
  })
  .superRefine((body, ctx) => {
    if ((body.eventId === undefined) === (body.state === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of eventId or state' });
    }
    if (body.since !== undefined && body.state === undefined) {
      ctx.addIssue({ code: 'custom', path: ['since'], message: 'only applies with state' });
    }
    if (body.force && body.eventId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['force'],
        message: 'only applies with eventId (a state selects failed or dropped events only)',
      });
    }
  });

export const forgetBody = z.strictObject({
  customerUniqueId: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
});

/** zod issues as `path: message` lines; the first is the error. */
function badRequest(reply: FastifyReply, error: z.ZodError) {
  const issues = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  return reply.code(400).send({ error: issues[0] ?? 'invalid body', issues });
}

const STATUS: Record<RedeliveryError['kind'], number> = {
  unknown_account: 404,
  unknown_event: 404,
  not_active: 409,
  unavailable: 503,
};

export function registerRedeliverRoutes(app: FastifyInstance, ctx: GatewayContext) {
  const service = new RedeliveryService(ctx.client, ctx.integrations.eventLog);

  app.post('/api/accounts/:accountId/webex/redeliver', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const body = redeliverBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, body.error);
    try {
      return await service.redeliver(accountId, body.data);
    } catch (err) {
      if (!(err instanceof RedeliveryError)) throw err;
      return reply.code(STATUS[err.kind]).send({ error: err.message });
    }
  });

  app.post('/api/accounts/:accountId/webex/forget-customer', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const body = forgetBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, body.error);
    try {
      return await service.forgetCustomer(accountId, body.data.customerUniqueId);
    } catch (err) {
      if (!(err instanceof RedeliveryError)) throw err;
      return reply.code(STATUS[err.kind]).send({ error: err.message });
    }
  });
}
