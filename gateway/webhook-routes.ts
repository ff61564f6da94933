import type { FastifyInstance, FastifyReply } from 'fastify';
import { classifyWebhook } from '../domain/billsby/classify-webhook';
import type { GatewayContext } from './context';
import { EventLogUnavailableError } from './integration/service';
import { accountIdOr400 } from './replies';
import { logEventId } from './request-log';
import { noteWebhookReason } from '../metrics/gateway-metrics';

/** What a full backlog asks Billsby to wait before sending again. */
const BACKLOG_RETRY_AFTER_SECONDS = 60;
/** What an unreachable event-log database asks Billsby to wait. */
const LOG_DOWN_RETRY_AFTER_SECONDS = 10;

/**
 * `POST /webhooks/billsby/:accountId`: authenticate (header `secret`, constant time, no Temporal
 * round trip), validate, then append to the account's event log. 202 only once the log has
 * committed the event; Temporal need not be up (the workflow is woken afterwards, best effort).
 */
/** The log's database (events, webhook secrets) did not answer: nothing was stored, try later. */
function logUnavailable(reply: FastifyReply, cause: unknown) {
  noteWebhookReason(reply.request, 'log_unavailable');
  // The cause may name the database host; only its kind is logged.
  reply.log.error({ cause: (cause as Error)?.name ?? 'error' }, 'event log unavailable');
  return reply
    .code(503)
    .header('retry-after', String(LOG_DOWN_RETRY_AFTER_SECONDS))
    .send({ error: new EventLogUnavailableError(cause).message });
}

export function registerWebhookRoutes(app: FastifyInstance, ctx: GatewayContext) {
  app.post('/webhooks/billsby/:accountId', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) {
      noteWebhookReason(request, 'invalid_account_id');
      return reply;
    }
    // An address that keeps failing is turned away before its guess costs a database read.
    const wait = ctx.security.webhookFailures.retryAfterSeconds(request.ip);
    if (wait > 0) {
      noteWebhookReason(request, 'rate_limited');
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ error: `too many failed webhooks from this address; try again in ${wait} s` });
    }
    const secret = request.headers.secret;
    let verified: boolean;
    try {
      verified = await ctx.integrations.secrets.verify(
        accountId,
        typeof secret === 'string' ? secret : undefined,
      );
    } catch (err) {
      return logUnavailable(reply, err);
    }
    if (!verified) {
      ctx.security.webhookFailures.recordFailure(request.ip);
      noteWebhookReason(request, 'bad_secret');
      return reply.code(401).send({ error: 'missing or wrong webhook secret (header "secret")' });
    }
    // The rich contract (§4.3), Billsby's public webhooks (§4.3.1), or a type with no message.
    const webhook = classifyWebhook(request.body, new Date().toISOString());
    if (webhook.kind === 'invalid') {
      noteWebhookReason(request, 'invalid_body');
      return reply.code(400).send({ error: 'invalid Billsby event', issues: webhook.errors });
    }
    const eventId = webhook.kind === 'deliver' ? webhook.event.Id : webhook.eventId;
    logEventId(request, eventId);
    let outcome;
    try {
      outcome = await ctx.integrations.acceptEvent(
        accountId,
        webhook.kind === 'deliver'
          ? { event: webhook.event }
          : { ignored: { eventId, type: webhook.type, reason: webhook.reason } },
      );
    } catch (err) {
      if (!(err instanceof EventLogUnavailableError)) throw err;
      return logUnavailable(reply, err.cause);
    }
    noteWebhookReason(request, outcome.status === 'not_found' ? 'no_integration' : outcome.status);
    switch (outcome.status) {
      case 'not_found':
        return reply.code(404).send({ error: `account ${accountId} has no active Webex integration` });
      case 'backlog_full':
        return reply
          .code(429)
          .header('retry-after', String(BACKLOG_RETRY_AFTER_SECONDS))
          .send({
            error: `account ${accountId} has ${outcome.undelivered} undelivered events, the most it keeps; nothing was stored, send again later`,
          });
      default:
        return reply.code(202).send({ eventId, status: outcome.status });
    }
  });
}
