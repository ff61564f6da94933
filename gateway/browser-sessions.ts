import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OneTimeTokenStore } from '../eventlog/types';
import type { GatewaySecurity } from './security';
import { controlPagePath } from './replies';

/**
 * The browser's two ways in (DESIGN.md §4.6): a single-use control-page link that starts a
 * session for one account, and the OAuth attempt bound to the browser that opened it.
 */

export const UI_LINK_TTL_MS = 15 * 60_000;
/** How long a control-page session lasts after its link was opened (then ask for a new link). */
export const UI_SESSION_TTL_MS = 2 * 60 * 60_000;
const SESSION_COOKIE = 'billsby_ui_session';
const bindingCookie = (accountId: string) => `billsby_oauth_${accountId}`;
const newId = () => randomBytes(18).toString('base64url');

interface UiLinkToken {
  a: string;
  id: string;
}
interface SessionToken {
  a: string;
  sid: string;
}
interface OAuthStartToken {
  a: string;
  n: string;
  u: string;
  id: string;
}
interface OAuthBinding {
  a: string;
  n: string;
}

export function mintUiLink(security: GatewaySecurity, publicBaseUrl: string, accountId: string) {
  const expiresAt = Date.now() + UI_LINK_TTL_MS;
  const token = security.tokens.seal<UiLinkToken>('ui-link', { a: accountId, id: newId() }, expiresAt);
  const url = `${publicBaseUrl}${controlPagePath(accountId)}/open?${new URLSearchParams({ token })}`;
  return { url, expiresAt: new Date(expiresAt).toISOString() };
}

/** The account a ui-link opens, if the token is genuine, unexpired and for `accountId`; spends nothing. */
export function peekUiLink(security: GatewaySecurity, accountId: string, token: string | undefined): boolean {
  const link = security.tokens.open<UiLinkToken>('ui-link', token);
  return link !== null && link.a === accountId;
}

/** The account an OAuth start link connects, if the token is genuine and unexpired; binds nothing. */
export function peekOAuthStart(security: GatewaySecurity, token: string | undefined): string | null {
  return security.tokens.open<OAuthStartToken>('oauth-start', token)?.a ?? null;
}

/** Opens a ui-link once (across every gateway: the log records used ids); sets the session cookie. */
export async function openUiLink(
  security: GatewaySecurity,
  tokens: OneTimeTokenStore,
  accountId: string,
  token: string | undefined,
  reply: FastifyReply,
): Promise<boolean> {
  const link = security.tokens.open<UiLinkToken>('ui-link', token);
  if (!link || link.a !== accountId) return false;
  if (!(await tokens.consumeToken(`ui-link:${link.id}`, new Date(link.exp)))) return false;
  const expiresAt = Date.now() + UI_SESSION_TTL_MS;
  const session = security.tokens.seal<SessionToken>('ui-session', { a: accountId, sid: newId() }, expiresAt);
  void reply.setCookie(SESSION_COOKIE, session, {
    path: controlPagePath(accountId),
    httpOnly: true,
    sameSite: 'lax',
    secure: security.secureCookies,
    expires: new Date(expiresAt),
  });
  return true;
}

/** The request's control-page session for `accountId`, or null (none, expired, another account's). */
export function sessionFor(security: GatewaySecurity, request: FastifyRequest, accountId: string) {
  const session = security.tokens.open<SessionToken>('ui-session', request.cookies[SESSION_COOKIE]);
  return session && session.a === accountId ? { accountId, sid: session.sid } : null;
}

/** The link `connect` answers: the gateway's start route, which binds the attempt to the browser. */
export function oauthStartLink(
  security: GatewaySecurity,
  publicBaseUrl: string,
  accountId: string,
  webexAuthorizeUrl: string,
  attempt: { stateNonce: string; expiresAt: string },
): string {
  const token = security.tokens.seal<OAuthStartToken>(
    'oauth-start',
    { a: accountId, n: attempt.stateNonce, u: webexAuthorizeUrl, id: newId() },
    Date.parse(attempt.expiresAt),
  );
  return `${publicBaseUrl}/oauth/webex/start?${new URLSearchParams({ token })}`;
}

/**
 * `POST /oauth/webex/start` (the button of the page its GET shows): the first browser to confirm the link is bound to the attempt (a cookie
 * only the callback path sees) and sent on to Webex. The same browser may open it again; any
 * other browser is refused. Returns Webex's URL, or null.
 */
export async function bindAttemptToBrowser(
  security: GatewaySecurity,
  tokens: OneTimeTokenStore,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
): Promise<string | null> {
  const start = security.tokens.open<OAuthStartToken>('oauth-start', token);
  if (!start) return null;
  const bound = security.tokens.open<OAuthBinding>('oauth-binding', request.cookies[bindingCookie(start.a)]);
  const alreadyThisBrowser = bound?.n === start.n;
  if (!alreadyThisBrowser && !(await tokens.consumeToken(`oauth-start:${start.id}`, new Date(start.exp)))) {
    return null;
  }
  void reply.setCookie(
    bindingCookie(start.a),
    security.tokens.seal<OAuthBinding>('oauth-binding', { a: start.a, n: start.n }, start.exp),
    {
      path: '/oauth/webex/',
      httpOnly: true,
      // Lax: Webex's redirect back is a top-level navigation from another site, which Lax allows.
      sameSite: 'lax',
      secure: security.secureCookies,
      expires: new Date(start.exp),
    },
  );
  return start.u;
}

/** True when this browser opened the start link of the attempt `nonce` of `accountId`. */
export function isBoundBrowser(
  security: GatewaySecurity,
  request: FastifyRequest,
  accountId: string,
  nonce: string,
): boolean {
  const bound = security.tokens.open<OAuthBinding>(
    'oauth-binding',
    request.cookies[bindingCookie(accountId)],
  );
  return bound !== null && bound.a === accountId && bound.n === nonce;
}

export function clearBinding(reply: FastifyReply, accountId: string): void {
  void reply.clearCookie(bindingCookie(accountId), { path: '/oauth/webex/' });
}
