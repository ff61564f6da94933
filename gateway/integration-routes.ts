import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AlreadyConnectedError, NotConfiguredError, StatusUnavailableError } from './integration/service';
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS } from './integration/webhook-secrets';
import type { GatewayContext } from './context';
import { mintUiLink, oauthStartLink } from './browser-sessions';
import { accountIdOr400 } from './replies';
import { authorizationRateLimits } from './security';

export const rotateBody = z.object({
  graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).default(DEFAULT_GRACE_SECONDS),
});

/** `{"replace": true}` or nothing; any other field is refused rather than ignored. */
export const connectBody = z.strictObject({ replace: z.boolean().optional() });

/** Connect, status, ui-link, webhook-secret rotation and uninstall (DESIGN.md §4.2), behind API keys. */
export function registerIntegrationRoutes(app: FastifyInstance, ctx: GatewayContext) {
  const limits = authorizationRateLimits(app, ctx.security.rateLimits, { perAccount: true });

  app.post('/api/accounts/:accountId/webex/connect', { onRequest: limits }, async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const body = connectBody.safeParse(request.body ?? {});
    if (!body.success) {
      return reply.code(400).send({ error: 'body: only {"replace": true} is accepted' });
    }
    const outcome = await startAuthorization(ctx, accountId, body.data.replace === true);
    if (!outcome.ok) return reply.code(outcome.status).send({ error: outcome.error });
    // It shows the webhook secret: no cache may keep it.
    return reply.header('cache-control', 'no-store').send(outcome.result);
  });

  app.post('/api/accounts/:accountId/webex/ui-link', { onRequest: limits }, async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    // DESIGN.md §4.2: 404 for an account that never integrated (connect starts an integration,
    // awaiting authorization, and its page then offers Integrate).
    if (!(await ctx.integrations.everIntegrated(accountId))) {
      return reply.code(404).send({ error: `account ${accountId} has never integrated Webex` });
    }
    return reply
      .header('cache-control', 'no-store')
      .send(mintUiLink(ctx.security, ctx.config.PUBLIC_BASE_URL, accountId));
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
    return status;
  });
}

/**
 * Opens an attempt (API connect and the control page's Integrate): the answer's `authorizeUrl`
 * is the gateway's start link, which binds the attempt to the browser that opens it.
 */
export async function startAuthorization(ctx: GatewayContext, accountId: string, replace: boolean) {
  try {
    const result = await ctx.integrations.connect(accountId, { replace });
    const { attempt, authorizeUrl, ...rest } = result;
    return {
      ok: true as const,
      result: {
        ...rest,
        authorizeUrl: oauthStartLink(
          ctx.security,
          ctx.config.PUBLIC_BASE_URL,
          accountId,
          authorizeUrl,
          attempt,
        ),
      },
    };
  } catch (err) {
    if (err instanceof NotConfiguredError) return { ok: false as const, status: 503, error: err.message };
    if (err instanceof AlreadyConnectedError) return { ok: false as const, status: 409, error: err.message };
    throw err;
  }
}
