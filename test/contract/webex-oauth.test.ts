import {
  buildAuthorizeUrl,
  createPkcePair,
  createWebexClient,
  exchangeCode,
  pkceChallenge,
  refreshAccessToken,
} from '../../connectors/webex';
import { WebexSimulator, startWebexSimulator } from '../../simulators/webex';
import {
  REDIRECT_URI,
  SCOPES,
  authorizeAndExchange,
  authorizeInBrowser,
  expectWebexError,
  oauthConfig,
} from './webex-helpers';

describe('Webex OAuth against the simulator', () => {
  let sim: WebexSimulator;
  beforeEach(async () => {
    // A frozen clock: only advanceClock() moves time, so lifetimes are exact.
    sim = await startWebexSimulator({ now: () => Date.parse('2026-01-01T00:00:00.000Z') });
  });
  afterEach(async () => {
    await sim.close();
  });

  const authorizeUrl = (challenge: string, state = 's-1', clientId = 'sim-client-id') =>
    buildAuthorizeUrl({
      baseUrl: sim.baseUrl,
      clientId,
      redirectUri: REDIRECT_URI,
      scopes: SCOPES,
      state,
      codeChallenge: challenge,
    });

  it('builds an S256 PKCE pair and an authorize URL on the configured base', () => {
    const pkce = createPkcePair();
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.challenge).toBe(pkceChallenge(pkce.verifier));
    // RFC 7636 appendix B test vector.
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const url = new URL(authorizeUrl(pkce.challenge));
    expect(url.pathname).toBe('/v1/authorize');
    expect(url.search).toContain('scope=spark%3Arooms_read%20spark');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'sim-client-id',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state: 's-1',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
  });

  it('runs code → token → refresh without rotation (same refresh token, expiry not reset)', async () => {
    const tokens = await authorizeAndExchange(sim);
    expect(tokens).toMatchObject({ expiresIn: 1209599, refreshTokenExpiresIn: 7775999 });
    const client = createWebexClient({ baseUrl: sim.baseUrl, timeoutMs: 2000 });
    expect((await client.getMe(tokens.accessToken)).displayName).toBe('Ada Lovelace');

    sim.control.advanceClock(3600_000);
    const refreshed = await refreshAccessToken(oauthConfig(sim), { refreshToken: tokens.refreshToken! });
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.refreshTokenExpiresIn).toBe(7775999 - 3600);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect((await client.getMe(refreshed.accessToken)).id).toBeTruthy();
    // Non-rotating tokens can be used again.
    await refreshAccessToken(oauthConfig(sim), { refreshToken: tokens.refreshToken! });
    expect(sim.control.counts()).toMatchObject({ codeExchanges: 1, tokenRefreshes: 2 });
  });

  it('rotates refresh tokens when configured, and the old one becomes invalid_grant', async () => {
    sim.control.setRefreshRotation(true);
    const tokens = await authorizeAndExchange(sim);
    const refreshed = await refreshAccessToken(oauthConfig(sim), { refreshToken: tokens.refreshToken! });
    expect(refreshed.refreshToken).toBeDefined();
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    const err = await expectWebexError(() =>
      refreshAccessToken(oauthConfig(sim), { refreshToken: tokens.refreshToken! }),
    );
    expect(err).toMatchObject({
      kind: 'invalid_grant',
      retryable: false,
      status: 400,
      oauthError: 'invalid_grant',
    });
    await refreshAccessToken(oauthConfig(sim), { refreshToken: refreshed.refreshToken! });
  });

  it('keeps a missing refresh_token optional in the result', async () => {
    sim.control.respondNext(1, {
      status: 200,
      body: { access_token: 'a', expires_in: 60, token_type: 'Bearer' },
    });
    const refreshed = await refreshAccessToken(oauthConfig(sim), { refreshToken: 'whatever' });
    expect(refreshed).toEqual({ accessToken: 'a', expiresIn: 60 });
  });

  it('reports invalid_grant after revocation, without leaking the token', async () => {
    const tokens = await authorizeAndExchange(sim);
    expect(sim.control.revokeRefreshTokens()).toBe(1);
    const err = await expectWebexError(() =>
      refreshAccessToken(oauthConfig(sim), { refreshToken: tokens.refreshToken! }),
    );
    expect(err).toMatchObject({ kind: 'invalid_grant', retryable: false, mayHaveBeenApplied: false });
    const serialised = JSON.stringify(err) + err.message + String(err.stack);
    expect(serialised).not.toContain(tokens.refreshToken!);
    expect(serialised).not.toContain('sim-client-secret');
  });

  it('revokes one refresh token and leaves others working', async () => {
    const a = await authorizeAndExchange(sim, 'a');
    const b = await authorizeAndExchange(sim, 'b');
    expect(sim.control.revokeRefreshToken(a.refreshToken!)).toBe(true);
    expect(
      (await expectWebexError(() => refreshAccessToken(oauthConfig(sim), { refreshToken: a.refreshToken! })))
        .kind,
    ).toBe('invalid_grant');
    await refreshAccessToken(oauthConfig(sim), { refreshToken: b.refreshToken! });
  });

  it('reports invalid_grant for an expired refresh token', async () => {
    sim.control.setTokenLifetimes({ refreshTokenSeconds: 100 });
    const tokens = await authorizeAndExchange(sim);
    sim.control.advanceClock(101_000);
    const err = await expectWebexError(() =>
      refreshAccessToken(oauthConfig(sim), { refreshToken: tokens.refreshToken! }),
    );
    expect(err.kind).toBe('invalid_grant');
  });

  it('makes codes single-use and binds them to PKCE verifier and redirect_uri', async () => {
    const pkce = createPkcePair();
    const code1 = (await authorizeInBrowser(authorizeUrl(pkce.challenge))).location!.searchParams.get(
      'code',
    )!;
    await exchangeCode(oauthConfig(sim), {
      code: code1,
      redirectUri: REDIRECT_URI,
      codeVerifier: pkce.verifier,
    });
    const reused = await expectWebexError(() =>
      exchangeCode(oauthConfig(sim), { code: code1, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier }),
    );
    expect(reused).toMatchObject({ kind: 'invalid_grant', retryable: false });

    const code2 = (await authorizeInBrowser(authorizeUrl(pkce.challenge))).location!.searchParams.get(
      'code',
    )!;
    const wrongVerifier = await expectWebexError(() =>
      exchangeCode(oauthConfig(sim), {
        code: code2,
        redirectUri: REDIRECT_URI,
        codeVerifier: createPkcePair().verifier,
      }),
    );
    expect(wrongVerifier.kind).toBe('invalid_grant');

    const code3 = (await authorizeInBrowser(authorizeUrl(pkce.challenge))).location!.searchParams.get(
      'code',
    )!;
    const wrongRedirect = await expectWebexError(() =>
      exchangeCode(oauthConfig(sim), {
        code: code3,
        redirectUri: 'http://localhost:9/other',
        codeVerifier: pkce.verifier,
      }),
    );
    expect(wrongRedirect.kind).toBe('invalid_grant');
  });

  it('expires codes after the configured lifetime', async () => {
    sim.control.setTokenLifetimes({ codeSeconds: 30 });
    const pkce = createPkcePair();
    const code = (await authorizeInBrowser(authorizeUrl(pkce.challenge))).location!.searchParams.get('code')!;
    sim.control.advanceClock(31_000);
    const err = await expectWebexError(() =>
      exchangeCode(oauthConfig(sim), { code, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier }),
    );
    expect(err.kind).toBe('invalid_grant');
  });

  it('redirects with code and state on approval and error=access_denied on decline', async () => {
    const ok = await authorizeInBrowser(authorizeUrl('c'.repeat(43), 'xyz'));
    expect(ok.status).toBe(302);
    expect(ok.location!.origin + ok.location!.pathname).toBe(REDIRECT_URI);
    expect(ok.location!.searchParams.get('state')).toBe('xyz');
    expect(ok.location!.searchParams.get('code')).toBeTruthy();

    sim.control.setAuthorizeDecision('decline');
    const declined = await authorizeInBrowser(authorizeUrl('c'.repeat(43), 'abc'));
    expect(declined.status).toBe(302);
    expect(Object.fromEntries(declined.location!.searchParams)).toEqual({
      error: 'access_denied',
      state: 'abc',
    });
  });

  it('rejects an unknown client_id or a missing redirect_uri without redirecting', async () => {
    const badClient = await authorizeInBrowser(authorizeUrl('c'.repeat(43), 's', 'someone-else'));
    expect(badClient.status).toBe(400);
    expect(badClient.location).toBeUndefined();
    const noRedirect = await authorizeInBrowser(
      `${sim.baseUrl}/authorize?client_id=sim-client-id&response_type=code&scope=spark%3Aall`,
    );
    expect(noRedirect.status).toBe(400);
  });

  it('answers invalid_scope for a scope not enabled on the integration', async () => {
    const url = buildAuthorizeUrl({
      baseUrl: sim.baseUrl,
      clientId: 'sim-client-id',
      redirectUri: REDIRECT_URI,
      scopes: ['spark-admin:workspaces_read'],
      state: 's',
      codeChallenge: 'c'.repeat(43),
    });
    const res = await authorizeInBrowser(url);
    expect(res.location!.searchParams.get('error')).toBe('invalid_scope');
  });

  it('maps a wrong client secret to a non-retryable bad_request (invalid_client)', async () => {
    const tokens = await authorizeAndExchange(sim);
    const err = await expectWebexError(() =>
      refreshAccessToken(
        { ...oauthConfig(sim), clientSecret: 'nope' },
        { refreshToken: tokens.refreshToken! },
      ),
    );
    expect(err).toMatchObject({
      kind: 'bad_request',
      retryable: false,
      status: 401,
      oauthError: 'invalid_client',
    });
  });

  it('accepts HTTP Basic client authentication', async () => {
    const tokens = await authorizeAndExchange(sim);
    const refreshed = await refreshAccessToken(
      { ...oauthConfig(sim), clientAuth: 'basic' },
      { refreshToken: tokens.refreshToken! },
    );
    expect(refreshed.accessToken).toBeTruthy();
  });

  it('recognises invalid_grant in the gateway error shape (no RFC code)', async () => {
    sim.control.respondNext(1, {
      status: 400,
      body: {
        message: 'The refresh token provided is expired, revoked, malformed, or invalid.',
        errors: [{ description: 'The refresh token provided is expired, revoked, malformed, or invalid.' }],
        trackingId: 'ROUTER_X',
      },
    });
    const err = await expectWebexError(() => refreshAccessToken(oauthConfig(sim), { refreshToken: 'r' }));
    expect(err).toMatchObject({ kind: 'invalid_grant', retryable: false, trackingId: 'ROUTER_X' });
    expect(err.oauthError).toBeUndefined();

    sim.control.respondNext(1, {
      status: 400,
      body: { message: 'Client Id is invalid', errors: [{ description: 'Client Id is invalid' }] },
    });
    const other = await expectWebexError(() => refreshAccessToken(oauthConfig(sim), { refreshToken: 'r' }));
    expect(other).toMatchObject({ kind: 'bad_request', retryable: false });
  });

  it('maps token-endpoint 429 and 5xx to retryable errors', async () => {
    sim.control.rateLimitNext(1, { retryAfter: 7, pathPrefix: '/access_token' });
    const limited = await expectWebexError(() => refreshAccessToken(oauthConfig(sim), { refreshToken: 'r' }));
    expect(limited).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      retryAfterMs: 7000,
      mayHaveBeenApplied: false,
    });

    sim.control.failNext(1, 503, { pathPrefix: '/access_token' });
    const down = await expectWebexError(() => refreshAccessToken(oauthConfig(sim), { refreshToken: 'r' }));
    expect(down).toMatchObject({ kind: 'server', retryable: true, status: 503, mayHaveBeenApplied: true });
  });

  it('rejects malformed token responses as invalid_response naming the field', async () => {
    sim.control.respondNext(1, { status: 200, body: { expires_in: 'soon' } });
    const err = await expectWebexError(() => refreshAccessToken(oauthConfig(sim), { refreshToken: 'r' }));
    expect(err.kind).toBe('invalid_response');
    expect(err.message).toContain('access_token: expected string, missing');
    expect(err.message).toContain('expires_in: expected number, got string');
  });

  it('answers 401 for an expired access token', async () => {
    sim.control.setTokenLifetimes({ accessTokenSeconds: 60 });
    const tokens = await authorizeAndExchange(sim);
    sim.control.advanceClock(61_000);
    const client = createWebexClient({ baseUrl: sim.baseUrl, timeoutMs: 2000 });
    const err = await expectWebexError(() => client.getMe(tokens.accessToken));
    expect(err).toMatchObject({
      kind: 'unauthorized',
      retryable: false,
      status: 401,
      mayHaveBeenApplied: false,
    });
  });

  it('never records codes, tokens or secrets in the request log', async () => {
    const tokens = await authorizeAndExchange(sim);
    const log = JSON.stringify(sim.control.requests());
    expect(log).not.toContain(tokens.accessToken);
    expect(log).not.toContain('code=');
    expect(log).not.toContain('sim-client-secret');
    expect(sim.control.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /v1/authorize 302',
      'POST /v1/access_token 200',
    ]);
  });
});
