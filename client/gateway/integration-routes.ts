import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidStateError, NotConfiguredError, StatusUnavailableError } from '../integration/service';
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS } from '../integration/webhook-secrets';
import type { GatewayContext } from './context';
import { accountIdOr400, controlPagePath, wantsHtml } from './replies';

const rotateBody = z.object({
  graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).default(DEFAULT_GRACE_SECONDS),
});

const callbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
});

/** Connect, OAuth callback, status, webhook-secret rotation and uninstall (DESIGN.md §4.2). */
export function registerIntegrationRoutes(app: FastifyInstance, ctx: GatewayContext) {
  const connect = async (accountId: string) => {
    try {
      return { ok: true as const, result: await ctx.integrations.connect(accountId) };
    } catch (err) {
      if (err instanceof NotConfiguredError) return { ok: false as const, status: 503, error: err.message };
      throw err;
    }
  };

  app.post('/api/accounts/:accountId/webex/connect', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const outcome = await connect(accountId);
    if (!outcome.ok) return reply.code(outcome.status).send({ error: outcome.error });
    if (wantsHtml(request)) return reply.redirect(outcome.result.authorizeUrl, 303);
    return outcome.result;
  });

  // A browser GET of the same path goes straight to Webex (DESIGN.md §4.2).
  app.get('/api/accounts/:accountId/webex/connect', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const outcome = await connect(accountId);
    if (!outcome.ok) return reply.code(outcome.status).send({ error: outcome.error });
    return reply.redirect(outcome.result.authorizeUrl, 302);
  });

  app.get('/oauth/webex/callback', async (request, reply) => {
    const query = callbackQuery.safeParse(request.query);
    if (!query.success || (!query.data.code && !query.data.error)) {
      return reply.code(400).send({ error: 'callback needs state and either code or error' });
    }
    try {
      const result = await ctx.integrations.completeAuthorization(query.data);
      return reply.redirect(controlPagePath(result.accountId, { outcome: result.outcome }), 302);
    } catch (err) {
      if (err instanceof InvalidStateError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  });

  app.get('/api/accounts/:accountId/webex', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    try {
      const status = await ctx.integrations.status(accountId);
      if (!status) return reply.code(404).send({ error: `account ${accountId} has never integrated Webex` });
      return status;
    } catch (err) {
      if (!(err instanceof StatusUnavailableError)) throw err;
      return reply.code(503).send({ accountId, status: err.lastKnownStatus ?? null, error: err.message });
    }
  });

  app.post('/api/accounts/:accountId/webex/webhook-secret/rotate', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const body = rotateBody.safeParse(request.body ?? {});
    if (!body.success) {
      return reply
        .code(400)
        .send({ error: `graceSeconds: must be a whole number from 0 to ${MAX_GRACE_SECONDS}` });
    }
    const rotated = await ctx.integrations.secrets.rotate(accountId, body.data.graceSeconds);
    if (!rotated) return reply.code(404).send({ error: `account ${accountId} has never integrated Webex` });
    return rotated;
  });

  app.post('/api/accounts/:accountId/webex/uninstall', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const status = await ctx.integrations.uninstall(accountId);
    if (!status) return reply.code(404).send({ error: `account ${accountId} has never integrated Webex` });
    if (wantsHtml(request))
      return reply.redirect(controlPagePath(accountId, { outcome: 'uninstalled' }), 303);
    return status;
  });
}
