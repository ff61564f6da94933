import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { productLogger } from '../../logging';
import { isLoopbackHost } from '../../config/env';
import { registerCodecRoutes } from './routes';

/**
 * The codec endpoint's own listener (DESIGN.md §4.6): `POST /decode` turns the product's
 * encrypted Temporal payloads (Webex tokens, customer details) back into plain JSON for the
 * Temporal Web UI, so it never shares the gateway's public port. It listens on CODEC_HOST:CODEC_PORT
 * (loopback by default), answers CORS for the Web UI's origins, and with an auth token requires
 * `Authorization: Bearer <token>` on every request but the browser's preflight.
 */

/** The UI decodes a whole history event's payloads at once; a Temporal payload may be up to 2 MB. */
export const CODEC_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call the codec (the Temporal Web UI), e.g. http://localhost:8233. */
  allowedOrigins: string[];
  /** When set, every request except OPTIONS needs `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /**
   * Only requests whose `Host` is a loopback name are served (the default when it listens on
   * loopback): a page the operator visits cannot re-point its own domain at 127.0.0.1 (DNS
   * rebinding) and read decoded payloads as a same-origin request.
   */
  loopbackHostOnly?: boolean;
}

export interface RunningCodecServer {
  /** Where this machine reaches the listener (a wildcard host becomes loopback). */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares in constant time: both sides are hashed first, so neither length nor content leaks. */
function bearerMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const given = sha256(match?.[1] ?? '');
  return timingSafeEqual(given, expectedDigest) && match !== null;
}

/** Builds the codec listener without listening, so tests can listen on port 0. */
export async function buildCodecServer(opts: CodecServerOptions): Promise<FastifyInstance> {
  // No logger: it would print URLs and headers, and the Authorization header is a secret.
  const app = Fastify({ logger: false, bodyLimit: CODEC_MAX_BODY_BYTES });
  const allowed = new Set(opts.allowedOrigins);
  const expectedDigest = opts.authToken === undefined ? undefined : sha256(opts.authToken);

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413)
      return reply.code(413).send({ error: `body larger than ${CODEC_MAX_BODY_BYTES} bytes` });
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message });
    productLogger('codec').error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'internal error' });
  });

  // CORS first, so the browser can read every answer (a 401 too) from an allowed origin.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
      reply.header('access-control-max-age', '600');
    }
    reply.header('vary', 'origin');
    // Decoded payloads are personal data: no cache keeps them.
    reply.header('cache-control', 'no-store');
  });

  // A browser always names the page's origin on a cross-origin request and on every POST: only the
  // Web UI's may call. A request without Origin (curl, a proxy) is not a browser page's.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) {
      return reply.code(403).send({ error: 'this origin may not call the codec (WEB_UI_ORIGINS)' });
    }
    if (opts.loopbackHostOnly && !isLoopbackHost(hostnameOf(request.headers.host))) {
      return reply.code(403).send({ error: 'the codec answers requests for a loopback host only' });
    }
  });

  if (expectedDigest) {
    // A preflight carries no credentials by design; everything else needs the token.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method === 'OPTIONS') return;
      if (!bearerMatches(request.headers.authorization, expectedDigest)) {
        reply.header('www-authenticate', 'Bearer realm="codec"');
        return reply.code(401).send({ error: 'missing or wrong bearer token' });
      }
    });
  }

  app.options('/decode', async (_request, reply) => reply.code(204).send());
  registerCodecRoutes(app, opts.codec);
  return app;
}

/** `127.0.0.1:3001` → `127.0.0.1`, `[::1]:3001` → `::1`; '' when absent. */
function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1]!;
  return host.replace(/:\d+$/, '');
}

/** The URL this machine uses to reach a listener on `host:port` (wildcards mean loopback). */
export function codecUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const bracketed = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `http://${bracketed}:${port}`;
}

/**
 * Starts the codec listener. Refuses a non-loopback host without a token, whatever the caller
 * passed (config/env.ts refuses the same configuration at start-up).
 */
export async function startCodecServer(
  opts: CodecServerOptions & { host: string; port: number },
): Promise<RunningCodecServer> {
  if (!isLoopbackHost(opts.host) && !opts.authToken) {
    throw new Error(
      'CODEC_AUTH_TOKEN must be set when the codec listens on a non-loopback address (CODEC_HOST)',
    );
  }
  const app = await buildCodecServer({ loopbackHostOnly: isLoopbackHost(opts.host), ...opts });
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `codec port ${opts.port} on ${opts.host} is already in use; choose another with CODEC_PORT (0 picks a free one)`,
      );
    }
    throw err;
  }
  const port = (app.server.address() as { port: number }).port;
  return {
    url: codecUrl(opts.host, port),
    host: opts.host,
    port,
    close: async () => {
      await app.close();
    },
  };
}
