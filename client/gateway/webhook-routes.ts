import type { FastifyInstance } from 'fastify';
import { EVENT_TYPES } from '../../domain/billsby/event-schema';
import { parseBillsbyEvent } from '../../domain/billsby/parse-event';
import type { GatewayContext } from './context';
import { accountIdOr400 } from './replies';

/**
 * `POST /webhooks/billsby/:accountId`: authenticate (header `secret`, constant time, no Temporal
 * round trip), validate, then signal the integration. 202 only once Temporal holds the event.
 */
export function registerWebhookRoutes(app: FastifyInstance, ctx: GatewayContext) {
  app.post('/webhooks/billsby/:accountId', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const secret = request.headers.secret;
    if (!ctx.integrations.secrets.verify(accountId, typeof secret === 'string' ? secret : undefined)) {
      return reply.code(401).send({ error: 'missing or wrong webhook secret (header "secret")' });
    }
    const parsed = parseBillsbyEvent(request.body);
    if (!parsed.ok) {
      return reply
        .code(400)
        .send({ error: 'invalid Billsby event', issues: parsed.errors, acceptedTypes: EVENT_TYPES });
    }
    const status = await ctx.integrations.submitEvent(accountId, parsed.event);
    if (status === 'not_found') {
      return reply.code(404).send({ error: `account ${accountId} has no active Webex integration` });
    }
    return reply.code(202).send({ eventId: parsed.event.Id, status });
  });
}
