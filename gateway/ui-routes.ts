import { billsbyCredentialsBody } from './billsby-routes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StatusUnavailableError, type StatusResult } from './integration/service';
import { bindAttemptToBrowser, openUiLink, peekUiLink, sessionFor } from './browser-sessions';
import { renderUiLinkConfirm } from './confirm-pages';
import type { GatewayContext } from './context';
import { renderControlPage, renderNoSession } from './control-page';
import { startAuthorization } from './integration-routes';
import { accountIdOr400, controlPagePath } from './replies';
import { authorizationRateLimits, sameOriginOnly } from './security';

const html = (reply: FastifyReply, code: number, body: string) =>
  reply
    .code(code)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);

/**
 * The control page (DESIGN.md §4.2): reached only through a ui-link, which starts a session for
 * one account; its forms carry a CSRF token bound to that session and must come from this origin.
 */
export function registerUiRoutes(app: FastifyInstance, ctx: GatewayContext) {
  const limits = authorizationRateLimits(app, ctx.security.rateLimits, { perAccount: false });

  /** preHandler: the session of the account in the path, else 401 and nothing of the account. */
  const requireSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    request.uiSession = sessionFor(ctx.security, request, accountId);
    if (!request.uiSession) return html(reply, 401, renderNoSession());
  };
  const formGuards = [requireSession, sameOriginOnly(ctx.config.PUBLIC_BASE_URL), app.csrfProtection];

  // A ui-link's GET (and HEAD: link previewers, scanners) only shows which account it opens; the
  // page's button POSTs the token, and that POST spends it and starts the session.
  app.get('/ui/accounts/:accountId/webex/open', { onRequest: limits }, async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const token = (request.query as { token?: unknown }).token;
    if (typeof token !== 'string' || !peekUiLink(ctx.security, accountId, token))
      return html(reply, 401, renderNoSession());
    return html(reply, 200, renderUiLinkConfirm(accountId, `${controlPagePath(accountId)}/open`, token));
  });

  app.post(
    '/ui/accounts/:accountId/webex/open',
    { onRequest: limits, preHandler: sameOriginOnly(ctx.config.PUBLIC_BASE_URL) },
    async (request, reply) => {
      const accountId = accountIdOr400(request, reply);
      if (!accountId) return reply;
      const token = pick(request.body, ['token']).token;
      const opened = await openUiLink(ctx.security, ctx.integrations.eventLog, accountId, token, reply);
      if (!opened) return html(reply, 401, renderNoSession());
      return reply.header('cache-control', 'no-store').redirect(controlPagePath(accountId), 303);
    },
  );

  app.get('/ui/accounts/:accountId/webex', { preHandler: requireSession }, async (request, reply) => {
    const accountId = request.uiSession!.accountId;
    let status: StatusResult | null = null;
    let unavailable: string | undefined;
    try {
      status = await ctx.integrations.status(accountId);
    } catch (err) {
      if (!(err instanceof StatusUnavailableError)) throw err;
      unavailable = `Status is unavailable right now (${err.message}). Last known status: ${err.lastKnownStatus ?? 'unknown'}.`;
    }
    const page = renderControlPage({
      accountId,
      status,
      secret: await ctx.integrations.secrets.current(accountId),
      csrfToken: reply.generateCsrf({ userInfo: request.uiSession!.sid }),
      outcome: (request.query as { outcome?: string }).outcome,
      unavailable,
    });
    return html(reply, 200, page);
  });

  // Integrate / Reconnect: the click is the explicit consent to replace a connected Webex user.
  app.post(
    '/ui/accounts/:accountId/webex/connect',
    { onRequest: limits, preHandler: formGuards },
    async (request, reply) => {
      const accountId = request.uiSession!.accountId;
      const outcome = await startAuthorization(ctx, accountId, true);
      if (!outcome.ok) return reply.code(outcome.status).send({ error: outcome.error });
      // The person on this page chose Integrate for its account (session + CSRF): this browser is
      // the installing one, so it is bound here and goes straight to Webex, without the start
      // link's confirm page (which is for a link handed to someone).
      const token = new URL(outcome.result.authorizeUrl).searchParams.get('token') ?? undefined;
      const webexUrl = await bindAttemptToBrowser(
        ctx.security,
        ctx.integrations.eventLog,
        request,
        reply,
        token,
      );
      return reply.redirect(webexUrl ?? outcome.result.authorizeUrl, 303);
    },
  );

  // The key goes to Billsby for one check and into the sealed store; the page never shows it back.
  app.post(
    '/ui/accounts/:accountId/webex/billsby',
    { onRequest: limits, preHandler: formGuards },
    async (request, reply) => {
      const accountId = request.uiSession!.accountId;
      const body = billsbyCredentialsBody.safeParse(pick(request.body, ['companyDomain', 'apiKey']));
      if (!body.success)
        return reply.redirect(controlPagePath(accountId, { outcome: 'billsby_invalid' }), 303);
      const outcome = await ctx.integrations.billsby.put(
        accountId,
        body.data.companyDomain,
        body.data.apiKey,
      );
      const result = outcome.ok
        ? 'billsby_saved'
        : outcome.status === 422
          ? 'billsby_refused'
          : 'billsby_unreachable';
      return reply.redirect(controlPagePath(accountId, { outcome: result }), 303);
    },
  );

  app.post(
    '/ui/accounts/:accountId/webex/billsby/remove',
    { preHandler: formGuards },
    async (request, reply) => {
      const accountId = request.uiSession!.accountId;
      await ctx.integrations.billsby.remove(accountId);
      return reply.redirect(controlPagePath(accountId, { outcome: 'billsby_removed' }), 303);
    },
  );

  app.post('/ui/accounts/:accountId/webex/uninstall', { preHandler: formGuards }, async (request, reply) => {
    const accountId = request.uiSession!.accountId;
    await ctx.integrations.uninstall(accountId);
    return reply.redirect(controlPagePath(accountId, { outcome: 'uninstalled' }), 303);
  });
}

/** Just these string fields of a form body (the CSRF token and anything else stay out). */
function pick(body: unknown, fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const field of fields) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string') out[field] = value.trim();
  }
  return out;
}
