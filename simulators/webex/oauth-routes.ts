/** GET /v1/authorize and POST /v1/access_token (authorization_code, refresh_token). */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SimRequest, SimResponse, oauthError, webexError } from './http';
import { SimState } from './state';

const VERIFIER_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

function redirect(target: string, params: Record<string, string | undefined>): SimResponse {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString() }, body: '' };
}

export function authorize(state: SimState, req: SimRequest): SimResponse {
  const q = req.query;
  const cfg = state.config;
  // Until client_id and redirect_uri are trusted, errors are shown, never redirected (RFC 6749 §4.1.2.1).
  if (q.get('client_id') !== cfg.clientId) return webexError(400, 'Client Id is invalid');
  const redirectUri = q.get('redirect_uri');
  if (!redirectUri) return webexError(400, 'redirect_uri is required');
  let absolute = false;
  try {
    absolute = /^https?:$/.test(new URL(redirectUri).protocol);
  } catch {
    absolute = false;
  }
  if (!absolute) return webexError(400, 'redirect_uri is invalid');
  if (cfg.redirectUris && !cfg.redirectUris.includes(redirectUri))
    return webexError(400, 'redirect_uri mismatch');
  if (q.get('response_type') !== 'code') return webexError(400, 'response_type must be code');

  const stateParam = q.get('state') ?? undefined;
  const fail = (error: string) =>
    redirect(redirectUri, { error, state: cfg.errorRedirectIncludesState ? stateParam : undefined });

  const scope = (q.get('scope') ?? '').trim();
  if (!scope) return fail('invalid_scope');
  const allowed = cfg.allowedScopes;
  if (allowed && scope.split(/\s+/).some((s) => !allowed.includes(s))) return fail('invalid_scope');
  const challenge = q.get('code_challenge') ?? undefined;
  const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
  if (challenge !== undefined && method !== 'S256' && method !== 'plain') return fail('invalid_request');
  if (cfg.requirePkce && challenge === undefined) return fail('invalid_request');

  if (cfg.authorizeDecision === 'decline') return fail('access_denied');
  if (cfg.authorizeDecision === 'invalid_scope') return fail('invalid_scope');
  if (cfg.authorizeDecision === 'server_error') return fail('server_error');

  const code = state.ids.code();
  state.codes.set(code, {
    clientId: cfg.clientId,
    redirectUri,
    userId: state.authorizingUserId,
    scope,
    ...(challenge !== undefined ? { challenge, challengeMethod: method as 'S256' | 'plain' } : {}),
    expiresAt: state.now() + cfg.codeSeconds * 1000,
    used: false,
  });
  state.counts.authorizations += 1;
  return redirect(redirectUri, { code, state: stateParam });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Client credentials from the body or HTTP Basic; Webex documents both. */
function clientOf(req: SimRequest, form: URLSearchParams): { id?: string; secret?: string } {
  const auth = String(req.headers.authorization ?? '');
  if (auth.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i >= 0) {
      return {
        id: decodeURIComponent(decoded.slice(0, i)),
        secret: decodeURIComponent(decoded.slice(i + 1)),
      };
    }
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

export function accessToken(state: SimState, req: SimRequest): SimResponse {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!type.includes('application/x-www-form-urlencoded')) {
    return oauthError(415, 'invalid_request', 'Content type must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(req.rawBody);
  const cfg = state.config;
  const client = clientOf(req, form);
  if (
    client.id !== cfg.clientId ||
    client.secret === undefined ||
    !safeEqual(client.secret, cfg.clientSecret)
  ) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.');
  }
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') return exchange(state, form);
  if (grant === 'refresh_token') return refresh(state, form);
  return oauthError(400, 'unsupported_grant_type', 'The grant type is not supported.');
}

function exchange(state: SimState, form: URLSearchParams): SimResponse {
  const invalid = () =>
    oauthError(400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
  const codeValue = form.get('code') ?? '';
  const code = state.codes.get(codeValue);
  if (!code || code.used || code.expiresAt <= state.now() || code.clientId !== state.config.clientId)
    return invalid();
  // Single use: a presented code is burnt even if the rest of the request is wrong.
  code.used = true;
  if (form.get('redirect_uri') !== code.redirectUri) return invalid();
  if (code.challenge !== undefined) {
    const verifier = form.get('code_verifier') ?? '';
    if (!VERIFIER_RE.test(verifier)) return invalid();
    const expected =
      code.challengeMethod === 'S256'
        ? createHash('sha256').update(verifier, 'ascii').digest('base64url')
        : verifier;
    if (!safeEqual(expected, code.challenge)) return invalid();
  }
  state.counts.codeExchanges += 1;
  const tokens = state.issueTokens(code.userId, code.clientId, code.scope);
  return tokenResponse(
    state,
    tokens.accessToken,
    tokens.refreshToken,
    state.config.refreshTokenSeconds,
    code.scope,
  );
}

function refresh(state: SimState, form: URLSearchParams): SimResponse {
  const value = form.get('refresh_token') ?? '';
  const current = state.validToken(state.refreshTokens, value);
  if (!current || current.clientId !== state.config.clientId) {
    return oauthError(
      400,
      'invalid_grant',
      'The refresh token provided is expired, revoked, malformed, or invalid.',
    );
  }
  state.counts.tokenRefreshes += 1;
  const accessToken = state.issueAccessToken(current.userId, current.clientId, current.scope);
  if (state.config.refreshRotation) {
    current.revoked = true;
    const rotated = state.issueRefreshToken(current.userId, current.clientId, current.scope);
    return tokenResponse(state, accessToken, rotated, state.config.refreshTokenSeconds, current.scope);
  }
  // Without rotation Webex returns the same refresh token and does not reset its expiry.
  const remaining = Math.max(0, Math.floor((current.expiresAt - state.now()) / 1000));
  return tokenResponse(state, accessToken, value, remaining, current.scope);
}

function tokenResponse(
  state: SimState,
  accessToken: string,
  refreshToken: string,
  refreshSeconds: number,
  scope: string,
): SimResponse {
  return {
    status: 200,
    headers: { 'cache-control': 'no-store' },
    body: {
      access_token: accessToken,
      expires_in: state.config.accessTokenSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: refreshSeconds,
      token_type: 'Bearer',
      scope,
    },
  };
}
