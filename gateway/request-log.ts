import type { FastifyInstance, FastifyRequest } from 'fastify';
import { productLogger, type Logger } from '../logging';
import { accountIdSchema } from './integration/account-id';

/**
 * The gateway's logs: Fastify's pino logger, configured by logging/ (JSON lines, LOG_LEVEL,
 * redaction). Fastify's own request lines are off (they would print URLs with their query strings,
 * where ui-links and OAuth links carry tokens); instead one line per answered request with the
 * method, the route pattern (`<unmatched>` when none matched: never the caller's path, which may
 * be kilobytes of anyone's text), the status, the time taken, and the `accountId` / `eventId` it
 * was about. Bodies and headers are never logged.
 */
export function gatewayLogger(): Logger {
  return productLogger('gateway');
}

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const accountId = accountIdSchema.safeParse((request.params as { accountId?: unknown })?.accountId);
    if (accountId.success) request.log = request.log.child({ accountId: accountId.data });
  });
  app.addHook('onResponse', async (request, reply) => {
    const line = {
      method: request.method,
      // The route pattern, never the raw path: a path is the caller's text (and may be 16 KB of it).
      route: request.routeOptions.url ?? '<unmatched>',
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (reply.statusCode >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request');
  });
}

/** From here on, the request's lines (its `request` line included) name the event it carried. */
export function logEventId(request: FastifyRequest, eventId: string): void {
  request.log = request.log.child({ eventId });
}
