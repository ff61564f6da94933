import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { GatewayContext } from './context';
import { registerCodecRoutes } from './codec-routes';

export const MAX_BODY_BYTES = 256 * 1024;

/** Builds the gateway without listening, so tests can `inject` or listen on port 0. */
export async function buildGateway(ctx: GatewayContext): Promise<FastifyInstance> {
  // Fastify's logger would print URLs and bodies; our routes log only what is safe themselves.
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES });
  await app.register(formbody);

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

  registerCodecRoutes(app, ctx.codec, ctx.webUiOrigins);
  return app;
}
