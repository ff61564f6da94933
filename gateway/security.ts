import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import type { AppConfig } from '../config/env';
import { ApiKeyVerifier, loadGatewayApiKeys } from './auth/api-keys';
import { TokenSealer } from './auth/sealed-token';
import { loadGatewaySessionKeys } from './auth/session-keys';
import { FailureLimit } from './failure-limit';
import { registerSecurityHeaders } from './security-headers';

/** Requests per minute on the routes that start or finish an authorization (per gateway process). */
export interface RateLimits {
  perAccountPerMinute: number;
  perAddressPerMinute: number;
  /** Webhooks answered 401 (wrong secret or account) per caller address, before it gets 429. */
  failedWebhooksPerAddressPerMinute: number;
}
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perAccountPerMinute: 30,
  perAddressPerMinute: 120,
  failedWebhooksPerAddressPerMinute: 60,
};

/** The gateway's trust boundary (DESIGN.md §4.6): API keys, token sealing and rate limits. */
export interface GatewaySecurity {
  apiKeys: ApiKeyVerifier;
  /** Where the keys came from (GATEWAY_API_KEYS or the key file), for the start-up line. */
  apiKeySource: string;
  /** The first key, for this process's own calls (the demo's steps); never logged. */
  callerKey: string;
  tokens: TokenSealer;
  /** Where the session keys came from (GATEWAY_SESSION_KEY or the key file), for the start-up line. */
  sessionKeySource: string;
  rateLimits: RateLimits;
  /** Failed webhooks per caller address (rateLimits.failedWebhooksPerAddressPerMinute). */
  webhookFailures: FailureLimit;
  /** Cookies get `Secure` when the gateway is reached over https. */
  secureCookies: boolean;
}

export function gatewaySecurity(
  config: AppConfig,
  opts: { apiKeyFile?: string; sessionKeyFile?: string; rateLimits?: Partial<RateLimits> } = {},
): GatewaySecurity {
  const apiKeys = loadGatewayApiKeys(config.GATEWAY_API_KEYS, opts.apiKeyFile);
  const sessionKeys = loadGatewaySessionKeys(config.GATEWAY_SESSION_KEY, opts.sessionKeyFile);
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits };
  return {
    apiKeys: new ApiKeyVerifier(apiKeys.keys),
    apiKeySource: apiKeys.source,
    callerKey: apiKeys.keys[0]!,
    tokens: new TokenSealer(sessionKeys.keys),
    sessionKeySource: sessionKeys.source,
    rateLimits,
    webhookFailures: new FailureLimit(rateLimits.failedWebhooksPerAddressPerMinute),
    secureCookies: config.PUBLIC_BASE_URL.startsWith('https:'),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The control-page session of the account in the path, once checked (ui-routes.ts). */
    uiSession: { accountId: string; sid: string } | null;
  }
}

/**
 * Registers cookies, security headers, CSRF protection, rate limiting and the API-key check on
 * `/api/*`. The key check runs first, before any route looks at the account, so an answer
 * without a valid key never says whether an account exists.
 */
export async function registerSecurity(app: FastifyInstance, security: GatewaySecurity, webexOrigin: string) {
  await app.register(cookie);
  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        // The Integrate form posts here and is redirected to Webex's authorize page.
        formAction: ["'self'", webexOrigin],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // A ui-link carries a token in its URL: never send it to another site as a Referer. (Not
    // no-referrer: with it, browsers send `Origin: null` on our own form posts.)
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: security.secureCookies,
  });
  app.decorateRequest('uiSession', null);
  await app.register(csrf, {
    cookieKey: 'billsby_csrf',
    cookieOpts: { path: '/ui/', httpOnly: true, sameSite: 'strict', secure: security.secureCookies },
    // Binds each token to the control-page session, so another session's token is refused.
    getUserInfo: (request: FastifyRequest) => request.uiSession?.sid ?? '',
    csrfOpts: { hmacKey: security.tokens.derivedKey('csrf-hmac') },
  });
  await app.register(rateLimit, { global: false });

  app.addHook('onRequest', async (request, reply) => {
    if (!needsApiKey(request)) return;
    if (security.apiKeys.verifyHeader(request.headers.authorization)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'missing or invalid API key: send Authorization: Bearer <key> (GATEWAY_API_KEYS)' });
  });
}

function needsApiKey(request: FastifyRequest): boolean {
  // The path's first five characters, whatever the case (a query starts after them if at all).
  const head = request.url.slice(0, 5).toLowerCase();
  const route = request.routeOptions.url ?? '';
  return head === '/api/' || route.startsWith('/api/');
}

/**
 * Rate limits for one route (an onRequest hook): per client address always; per account only where
 * the account is an authenticated caller's word (`perAccount`: the `/api/*` routes, behind the API
 * key check that runs first). An account named by an anonymous request (a link's path, an OAuth
 * `state`) is not yet verified, and keying a limit on it would let anyone lock that account's
 * owner out (issue 23, finding 2). Both counters are checked (the plugin's own route hook runs
 * only one limiter per request).
 */
export function authorizationRateLimits(
  app: FastifyInstance,
  limits: RateLimits,
  opts: { perAccount: boolean },
) {
  const limiters = [
    app.createRateLimit({
      max: limits.perAddressPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => `address:${request.ip}`,
    }),
  ];
  if (opts.perAccount) {
    limiters.push(
      app.createRateLimit({
        max: limits.perAccountPerMinute,
        timeWindow: 60_000,
        keyGenerator: (request) => `account:${(request.params as { accountId?: string }).accountId ?? '-'}`,
      }),
    );
  }
  return async (request: FastifyRequest, reply: FastifyReply) => {
    for (const limiter of limiters) {
      const result = await limiter(request);
      if (result.isAllowed || !result.isExceeded) continue;
      return reply
        .code(429)
        .header('retry-after', String(result.ttlInSeconds))
        .send({ error: `too many requests; try again in ${result.ttlInSeconds} s` });
    }
  };
}

/**
 * A browser form post must come from our own pages: an `Origin` of another site → 403 (the CSRF
 * token is checked as well; this refuses a cross-site post even before that).
 */
export function sameOriginOnly(publicBaseUrl: string) {
  const ours = new URL(publicBaseUrl).origin;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    const fetchSite = request.headers['sec-fetch-site'];
    const self = `${request.protocol}://${request.headers.host ?? ''}`;
    // `null` comes from privacy modes and sandboxed frames: then the browser's own word decides.
    const originOk =
      origin === undefined ||
      origin === ours ||
      origin === self ||
      (origin === 'null' && fetchSite === 'same-origin');
    const siteOk = fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none';
    if (originOk && siteOk) return;
    return reply.code(403).send({ error: 'cross-site form posts are refused' });
  };
}
