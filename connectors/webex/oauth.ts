/**
 * OAuth 2.0 authorization-code flow with PKCE against `{baseUrl}/authorize` and
 * `{baseUrl}/access_token` (WEBEX_API_BASE_URL is the base of both, DESIGN §4.1).
 */
import { createHash, randomBytes } from 'node:crypto';
import { RetryAfterPolicy, WebexApiError, parseRetryAfterMs } from './errors';
import { WebexTokenSet, tokenResponseSchema } from './schemas';
import { isRecord, trimBaseUrl, tryParseJson, type RawResponse } from '../http';
import { SendRequest, Transport, createTransport, parseBody, send, trackingIdOf } from './transport';

export interface WebexOAuthConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
  retryAfter?: Partial<RetryAfterPolicy>;
  /** How the client authenticates; Webex documents both, samples use the body. */
  clientAuth?: 'body' | 'basic';
}

export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

const base64url = (buf: Buffer): string => buf.toString('base64url');

export function createPkcePair(): PkcePair {
  // 32 random bytes → 43 base64url chars, the minimum verifier length of RFC 7636.
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

export function pkceChallenge(verifier: string): string {
  return base64url(createHash('sha256').update(verifier, 'ascii').digest());
}

export interface AuthorizeUrlParams {
  baseUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: string[] | string;
  state: string;
  codeChallenge: string;
}

export function buildAuthorizeUrl(p: AuthorizeUrlParams): string {
  const scope = Array.isArray(p.scopes) ? p.scopes.join(' ') : p.scopes;
  const params: [string, string][] = [
    ['client_id', p.clientId],
    ['response_type', 'code'],
    ['redirect_uri', p.redirectUri],
    ['scope', scope],
    ['state', p.state],
    ['code_challenge', p.codeChallenge],
    ['code_challenge_method', 'S256'],
  ];
  // encodeURIComponent gives %20 for spaces, which every OAuth server accepts (unlike '+').
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${trimBaseUrl(p.baseUrl)}/authorize?${query}`;
}

export async function exchangeCode(
  cfg: WebexOAuthConfig,
  p: { code: string; redirectUri: string; codeVerifier: string },
): Promise<WebexTokenSet> {
  return tokenRequest(cfg, 'POST /access_token (authorization_code)', {
    grant_type: 'authorization_code',
    code: p.code,
    redirect_uri: p.redirectUri,
    code_verifier: p.codeVerifier,
  });
}

export async function refreshAccessToken(
  cfg: WebexOAuthConfig,
  p: { refreshToken: string },
): Promise<WebexTokenSet> {
  return tokenRequest(cfg, 'POST /access_token (refresh_token)', {
    grant_type: 'refresh_token',
    refresh_token: p.refreshToken,
  });
}

async function tokenRequest(
  cfg: WebexOAuthConfig,
  operation: string,
  fields: Record<string, string>,
): Promise<WebexTokenSet> {
  const t = createTransport(cfg);
  const form = new URLSearchParams(fields);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (cfg.clientAuth === 'basic') {
    const pair = `${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', cfg.clientId);
    form.set('client_secret', cfg.clientSecret);
  }
  const req: SendRequest = {
    method: 'POST',
    url: `${t.baseUrl}/access_token`,
    operation,
    headers,
    data: form.toString(),
  };
  const res = await send(t, req);
  if (res.status < 200 || res.status >= 300) throw tokenError(t, req, res);
  const body = parseBody(tokenResponseSchema, req, res);
  const out: WebexTokenSet = { accessToken: body.access_token, expiresIn: body.expires_in };
  if (body.refresh_token !== undefined) out.refreshToken = body.refresh_token;
  if (body.refresh_token_expires_in !== undefined) out.refreshTokenExpiresIn = body.refresh_token_expires_in;
  if (body.scope !== undefined) out.scope = body.scope;
  return out;
}

// Gateway-shaped errors carry no RFC code, only prose such as "The refresh token provided
// is expired, revoked, malformed, or invalid"; this recognises that prose.
const GRANT_PROSE =
  /(refresh[ _]token|authori[sz]ation[ _]code|\bcode\b|\bgrant\b)[^.]*\b(expired|revoked|malformed|invalid|used|not found|unknown)\b|\b(expired|revoked|invalid|used)\b[^.]*(refresh[ _]token|authori[sz]ation[ _]code|\bgrant\b)/i;

/**
 * Tolerates both documented shapes: RFC 6749 `{error, error_description}` and the gateway's
 * `{message, errors:[{description}], trackingId}`. Only the RFC code is put in the message.
 */
function tokenError(t: Transport, req: SendRequest, res: RawResponse): WebexApiError {
  const body = tryParseJson(res.body);
  const rec = isRecord(body) ? body : {};
  // Only a well-formed RFC code is kept: the field is remote text that ends up in logs.
  const oauthError =
    typeof rec.error === 'string' && /^[a-z_]{1,64}$/.test(rec.error) ? rec.error : undefined;
  const prose = [rec.error_description, rec.message]
    .concat(Array.isArray(rec.errors) ? rec.errors.map((e) => (isRecord(e) ? e.description : undefined)) : [])
    .filter((s): s is string => typeof s === 'string')
    .join(' | ');
  const base = {
    status: res.status,
    trackingId: trackingIdOf(res, body),
    operation: req.operation,
    ...(oauthError !== undefined ? { oauthError } : {}),
  };
  const label = `Webex ${req.operation} failed: HTTP ${res.status}${oauthError ? ` ${oauthError}` : ''}`;
  const s = res.status;
  if (s === 429) {
    return new WebexApiError({
      ...base,
      kind: 'rate_limited',
      message: label,
      retryable: true,
      retryAfterMs: parseRetryAfterMs(res.headers['retry-after'], t.retryAfter),
      mayHaveBeenApplied: false,
    });
  }
  if (s >= 500) {
    return new WebexApiError({
      ...base,
      kind: 'server',
      message: label,
      retryable: true,
      // A code may have been consumed, or a rotating refresh token replaced.
      mayHaveBeenApplied: true,
    });
  }
  const otherRfcCode =
    oauthError !== undefined && oauthError !== 'invalid_grant' && oauthError !== 'invalid_request';
  const isGrant =
    oauthError === 'invalid_grant' || (s >= 400 && s < 500 && !otherRfcCode && GRANT_PROSE.test(prose));
  if (isGrant) {
    return new WebexApiError({
      ...base,
      kind: 'invalid_grant',
      message: label,
      retryable: false,
      mayHaveBeenApplied: false,
    });
  }
  // 401 here means bad client credentials (invalid_client): a configuration error, not a token to refresh.
  const kind = s >= 400 && s < 500 ? 'bad_request' : 'invalid_response';
  return new WebexApiError({ ...base, kind, message: label, retryable: false, mayHaveBeenApplied: false });
}
