import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { COMPANY_DOMAIN_PATTERN } from './integration/billsby-credentials';
import type { GatewayContext } from './context';
import { accountIdOr400 } from './replies';
import { authorizationRateLimits } from './security';

/** `{companyDomain, apiKey}`; nothing else (an unknown field is refused rather than ignored). */
export const billsbyCredentialsBody = z.strictObject({
  companyDomain: z
    .string()
    .regex(COMPANY_DOMAIN_PATTERN, 'must be the login subdomain, e.g. widgets for widgets.billsby.com'),
  apiKey: z.string().min(8, 'must be at least 8 characters').max(512, 'must be at most 512 characters'),
});

/**
 * The account's own Billsby credentials (DESIGN.md §4.2), behind API keys like every `/api/*` route.
 * The key is never answered, and its body is never logged (the request log keeps no bodies).
 */
export function registerBillsbyRoutes(app: FastifyInstance, ctx: GatewayContext) {
  const billsby = ctx.integrations.billsby;
  const neverIntegrated = (accountId: string) => ({
    error: `account ${accountId} has never integrated Webex`,
  });

  // Each PUT costs a call to Billsby: limited per address and per account like connect.
  const limits = authorizationRateLimits(app, ctx.security.rateLimits, { perAccount: true });
  app.put('/api/accounts/:accountId/billsby', { onRequest: limits }, async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const body = billsbyCredentialsBody.safeParse(request.body ?? {});
    if (!body.success) {
      // Field names and rules only: never the submitted values (the key among them).
      const issues = body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      return reply.code(400).send({ error: 'body: expected {companyDomain, apiKey}', issues });
    }
    if (!(await ctx.integrations.everIntegrated(accountId)))
      return reply.code(404).send(neverIntegrated(accountId));
    const outcome = await billsby.put(accountId, body.data.companyDomain, body.data.apiKey);
    if (!outcome.ok) return reply.code(outcome.status).send({ error: outcome.error });
    return outcome.view;
  });

  app.get('/api/accounts/:accountId/billsby', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    if (!(await ctx.integrations.everIntegrated(accountId)))
      return reply.code(404).send(neverIntegrated(accountId));
    return billsby.view(accountId);
  });

  app.delete('/api/accounts/:accountId/billsby', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    if (!(await ctx.integrations.everIntegrated(accountId)))
      return reply.code(404).send(neverIntegrated(accountId));
    await billsby.remove(accountId);
    return reply.code(204).send();
  });
}
