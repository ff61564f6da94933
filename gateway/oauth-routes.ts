import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { InvalidStateError } from './integration/service';
import { parseState } from './integration/oauth-state';
import { bindAttemptToBrowser, clearBinding, isBoundBrowser, peekOAuthStart } from './browser-sessions';
import { renderOAuthStartConfirm } from './confirm-pages';
import type { GatewayContext } from './context';
import { controlPagePath } from './replies';
import { authorizationRateLimits, sameOriginOnly } from './security';

export const callbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
});

/**
 * The OAuth routes (DESIGN.md §4.2, §4.6): `state` plus the installing browser's cookie
 * authenticate them. A callback from any other browser is refused before the workflow hears of it.
 */
export function registerOAuthRoutes(app: FastifyInstance, ctx: GatewayContext) {
  const limits = authorizationRateLimits(app, ctx.security.rateLimits, { perAccount: false });

  const refused = (reply: FastifyReply) =>
    reply.code(400).send({
      error:
        'this authorization link is unknown, expired or was opened in another browser; click Integrate again',
    });

  // The start link's GET only names the account (and the Webex user it is connected as now); the
  // page's button POSTs the token, which binds this browser to the attempt and goes on to Webex.
  // A forwarded or previewed link is therefore never bound by a GET.
  app.get('/oauth/webex/start', { onRequest: limits }, async (request, reply) => {
    const token = (request.query as { token?: unknown }).token;
    const accountId = typeof token === 'string' ? peekOAuthStart(ctx.security, token) : null;
    if (!accountId || typeof token !== 'string') return refused(reply);
    const page = renderOAuthStartConfirm(accountId, token, await currentWebexUser(ctx, accountId));
    return reply
      .code(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(page);
  });

  app.post(
    '/oauth/webex/start',
    { onRequest: limits, preHandler: sameOriginOnly(ctx.config.PUBLIC_BASE_URL) },
    async (request, reply) => {
      const token = (request.body as { token?: unknown } | undefined)?.token;
      const webexUrl = await bindAttemptToBrowser(
        ctx.security,
        ctx.integrations.eventLog,
        request,
        reply,
        typeof token === 'string' ? token : undefined,
      );
      if (!webexUrl) return refused(reply);
      return reply.header('cache-control', 'no-store').redirect(webexUrl, 303);
    },
  );

  app.get('/oauth/webex/callback', { onRequest: limits }, async (request, reply) => {
    const query = callbackQuery.safeParse(request.query);
    if (!query.success || (!query.data.code && !query.data.error)) {
      return reply.code(400).send({ error: 'callback needs state and either code or error' });
    }
    const state = parseState(query.data.state);
    if (!state) return reply.code(400).send({ error: 'state is missing or malformed' });
    if (!isBoundBrowser(ctx.security, request, state.accountId, state.nonce)) {
      return reply.code(400).send({
        error: 'this browser did not open the authorization link; start again with Integrate in this browser',
      });
    }
    try {
      const result = await ctx.integrations.completeAuthorization(query.data);
      clearBinding(reply, state.accountId);
      return reply.redirect(controlPagePath(result.accountId, { outcome: result.outcome }), 302);
    } catch (err) {
      if (err instanceof InvalidStateError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  });
}

/** The Webex user the account is connected as now, for the start page; unknown → none shown. */
async function currentWebexUser(ctx: GatewayContext, accountId: string) {
  try {
    const status = await ctx.integrations.status(accountId);
    return status?.status === 'connected' ? status.connectedAs : null;
  } catch {
    return null; // never integrated, or Temporal unreachable: the page names the account only
  }
}
