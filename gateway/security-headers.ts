import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers on every answer, worked out once at start-up. They depend on nothing
 * in the request (no CSP nonces here), and @fastify/helmet rebuilt Helmet's middleware for every
 * request: 0.4 s of CPU per 20,000 webhooks in the ingest profile, the gateway's second largest
 * cost, for the same dozen header values each time.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The headers Helmet sets with these options, read off a stand-in response. */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' ? (csp.directives ?? {}) : {};
  const dynamic = Object.entries(directives).find(
    ([, value]) =>
      typeof value === 'function' || (Array.isArray(value) && value.some((v) => typeof v === 'function')),
  );
  if (dynamic)
    throw new Error(`CSP directive ${dynamic[0]} depends on the request; these headers are computed once`);
  let finished = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously');
  return headers;
}
