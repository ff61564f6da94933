import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import formbody from '@fastify/formbody';
import { DEFAULT_CONNECTION_LIMITS, serverWithLimits } from './connection-limits';
import type { GatewayContext } from './context';
import { registerEventRoutes } from './event-routes';
import { registerIntegrationRoutes } from './integration-routes';
import { registerBillsbyRoutes } from './billsby-routes';
import { registerOAuthRoutes } from './oauth-routes';
import { registerRedeliverRoutes } from './redeliver-routes';
import { gatewayLogger, registerRequestLog } from './request-log';
import { lazyChild, type Logger } from '../logging';
import { registerSecurity } from './security';
import { registerUiRoutes } from './ui-routes';
import { registerWebhookRoutes } from './webhook-routes';

export const MAX_BODY_BYTES = 256 * 1024;

const ROUTES = Symbol('gateway routes');

/** Every route the gateway registers, as `METHOD path` (HEAD twins left out): docs/openapi.json is checked against it. */
export function registeredRoutes(app: FastifyInstance): string[] {
  return [...((app as unknown as Record<symbol, Set<string>>)[ROUTES] ?? [])].sort();
}

function recordRoutes(app: FastifyInstance): void {
  const routes = new Set<string>();
  (app as unknown as Record<symbol, Set<string>>)[ROUTES] = routes;
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.add(`${method} ${route.url}`);
  });
}

/** Builds the gateway without listening, so tests can listen on port 0. */
export async function buildGateway(ctx: GatewayContext): Promise<FastifyInstance> {
  // The product's logger (logging/): one line per request from request-log.ts, never URLs' query
  // strings, bodies or headers; Fastify's own request lines are off.
  const app = Fastify({
    loggerInstance: gatewayLogger() as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings) => lazyChild(logger as Logger, bindings) as FastifyBaseLogger,
    bodyLimit: MAX_BODY_BYTES,
    // The TLS proxy in front (GATEWAY_TRUST_PROXY) tells the client's address and scheme; nobody
    // else does: unset, `X-Forwarded-*` is ignored and request.ip is the connection's peer.
    trustProxy: ctx.config.GATEWAY_TRUST_PROXY ?? false,
    ...serverWithLimits({ ...DEFAULT_CONNECTION_LIMITS, ...ctx.connectionLimits }),
  });
  registerRequestLog(app);
  recordRoutes(app);
  await app.register(formbody);
  ctx.metrics?.register(app);
  await registerSecurity(app, ctx.security, new URL(ctx.config.WEBEX_API_BASE_URL).origin);

  // Bad input gets a clear 4xx; anything else a 500 that names no secret or personal data.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).send({ error: `body larger than ${MAX_BODY_BYTES} bytes` });
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message });
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(status >= 500 ? status : 500).send({ error: 'internal error' });
  });

  app.get('/healthz', async (_request, reply) => {
    try {
      await ctx.client.connection.withDeadline(Date.now() + 3_000, () =>
        ctx.client.workflowService.getSystemInfo({}),
      );
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'Temporal is unreachable' });
    }
  });

  registerIntegrationRoutes(app, ctx);
  registerBillsbyRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerRedeliverRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerUiRoutes(app, ctx);
  return app;
}
