/** Shared set-up for the Webex contract tests (not a test file itself). */
import axios from 'axios';
import {
  WebexApiError,
  WebexOAuthConfig,
  WebexTokenSet,
  buildAuthorizeUrl,
  createPkcePair,
  createWebexClient,
  exchangeCode,
  isWebexApiError,
  WebexClient,
} from '../../connectors/webex';
import { WebexSimulator, WebexSimulatorOptions, startWebexSimulator } from '../../simulators/webex';

export const REDIRECT_URI = 'http://localhost:3000/oauth/webex/callback';
export const SCOPES = [
  'spark:rooms_read',
  'spark:rooms_write',
  'spark:messages_read',
  'spark:messages_write',
  'spark:people_read',
];

export function oauthConfig(sim: WebexSimulator): WebexOAuthConfig {
  return {
    baseUrl: sim.baseUrl,
    clientId: 'sim-client-id',
    clientSecret: 'sim-client-secret',
    timeoutMs: 2000,
  };
}

/** Follows the authorize step like a browser would, without following the final redirect. */
export async function authorizeInBrowser(
  url: string,
): Promise<{ status: number; location: URL | undefined; body: unknown }> {
  const res = await axios.get(url, { maxRedirects: 0, validateStatus: () => true });
  const loc = res.headers.location as string | undefined;
  return { status: res.status, location: loc ? new URL(loc) : undefined, body: res.data };
}

export async function authorizeAndExchange(sim: WebexSimulator, state = 'state-1'): Promise<WebexTokenSet> {
  const pkce = createPkcePair();
  const url = buildAuthorizeUrl({
    baseUrl: sim.baseUrl,
    clientId: 'sim-client-id',
    redirectUri: REDIRECT_URI,
    scopes: SCOPES,
    state,
    codeChallenge: pkce.challenge,
  });
  const { location } = await authorizeInBrowser(url);
  const code = location?.searchParams.get('code');
  if (!code) throw new Error('authorize did not return a code');
  return exchangeCode(oauthConfig(sim), { code, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier });
}

export interface Connected {
  sim: WebexSimulator;
  client: WebexClient;
  token: string;
  tokens: WebexTokenSet;
}

export async function startConnected(
  opts: WebexSimulatorOptions = {},
  clientOpts: { timeoutMs?: number } = {},
): Promise<Connected> {
  const sim = await startWebexSimulator(opts);
  const tokens = await authorizeAndExchange(sim);
  const client = createWebexClient({ baseUrl: sim.baseUrl, timeoutMs: clientOpts.timeoutMs ?? 2000 });
  return { sim, client, token: tokens.accessToken, tokens };
}

/** Runs `fn`, expects a WebexApiError and returns it for field assertions. */
export async function expectWebexError(fn: () => Promise<unknown>): Promise<WebexApiError> {
  try {
    await fn();
  } catch (e) {
    if (isWebexApiError(e)) return e;
    throw new Error(`expected WebexApiError, got ${String(e)}`);
  }
  throw new Error('expected WebexApiError, but the call succeeded');
}
