import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EVENT_STATES, type EventRecord } from '../eventlog/types';
import type { GatewayContext } from './context';
import { accountIdOr400 } from './replies';

export const listQuery = z.object({
  state: z.enum(EVENT_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const eventIdParam = z.string().min(1).max(1000);

/** The API's shape of one event (DESIGN.md §4.2): its delivery record, never its payload. */
function eventView(e: EventRecord) {
  return {
    eventId: e.eventId,
    type: e.type,
    state: e.state,
    receivedAt: e.receivedAt,
    deliveredAt: e.deliveredAt,
    messageIds: e.messageIds,
    attempts: e.attempts,
    lastError: e.lastError,
    /** The workflow run that delivered (or failed) it: {workflowId, runId}, null while unknown. */
    deliveredBy: e.deliveredBy,
    /** Additive: its place in the account's queue; the delivering activity's summary names the range. */
    seq: e.seq,
    /** Additive: when its payload was erased (retention, or the customer's request), else null. */
    payloadErasedAt: e.payloadErasedAt,
  };
}

/** Every accepted event's delivery state, from the event log. */
export function registerEventRoutes(app: FastifyInstance, ctx: GatewayContext) {
  app.get('/api/accounts/:accountId/webex/events/:eventId', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const eventId = eventIdParam.safeParse((request.params as { eventId?: string }).eventId);
    if (!eventId.success) return reply.code(400).send({ error: 'eventId: must be 1 to 1000 characters' });
    const event = await ctx.integrations.event(accountId, eventId.data);
    if (!event) return reply.code(404).send({ error: `no event ${eventId.data} for account ${accountId}` });
    return eventView(event);
  });

  app.get('/api/accounts/:accountId/webex/events', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const query = listQuery.safeParse(request.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      const field = issue?.path.join('.') || 'query';
      const hint = field === 'state' ? ` (one of ${EVENT_STATES.join(', ')})` : '';
      return reply.code(400).send({ error: `${field}: ${issue?.message ?? 'invalid'}${hint}` });
    }
    const events = await ctx.integrations.events(accountId, query.data);
    return { events: events.map(eventView) };
  });
}
