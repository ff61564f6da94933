import { randomUUID } from 'node:crypto';
import { mintUiLink, oauthStartLink } from '../../gateway/browser-sessions';
import { gatewaySecurity, type GatewaySecurity } from '../../gateway/security';
import { buildGateway } from '../../gateway/server';
import { createIntegrationService } from '../../gateway/start';
import { parseConfig } from '../../config/env';
import { listen } from '../harness/http';
import {
  closeTestConnections,
  createTestClient,
  testCodec,
  testKeys,
  uniqueTaskQueues,
} from '../harness/temporal';
import { openTestEventLog, TEST_API_KEY, TEST_SESSION_KEY } from '../harness/webex-app';

/**
 * Issue 23, finding 4: behind the TLS proxy (docker-compose.yml) the gateway must tell its clients
 * apart by the address the proxy saw (X-Forwarded-For), from the proxy only, and its cookies must
 * be `Secure` when it is reached over https. The test's own connections come from 127.0.0.1: that
 * is "the proxy" when GATEWAY_TRUST_PROXY names it, a direct client otherwise.
 */

const PER_ADDRESS = 2;
const apps: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await closeTestConnections();
});

async function startGateway(
  env: Record<string, string>,
): Promise<{ base: string; security: GatewaySecurity }> {
  const config = parseConfig({
    GATEWAY_API_KEYS: TEST_API_KEY,
    GATEWAY_SESSION_KEY: TEST_SESSION_KEY,
    ...env,
  });
  const security = gatewaySecurity(config, { rateLimits: { perAddressPerMinute: PER_ADDRESS } });
  const client = await createTestClient();
  const taskQueues = uniqueTaskQueues('gw-proxy');
  const app = await buildGateway({
    client,
    config,
    security,
    codec: testCodec(),
    taskQueues,
    integrations: createIntegrationService(client, config, taskQueues, testKeys(), await openTestEventLog()),
    webUiOrigins: [],
  });
  apps.push(app);
  return { base: await listen(app), security };
}

/** A rate-limited route that needs nothing else: 400 without a token, 429 past the limit. */
async function oauthStart(base: string, forwardedFor?: string): Promise<number> {
  const res = await fetch(`${base}/oauth/webex/start`, {
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    redirect: 'manual',
  });
  await res.arrayBuffer();
  return res.status;
}

describe('client addresses behind the proxy (GATEWAY_TRUST_PROXY)', () => {
  it('from the trusted proxy, X-Forwarded-For is the client: each client has its own per-address limit', async () => {
    const { base } = await startGateway({ GATEWAY_TRUST_PROXY: '127.0.0.1' });
    const a = '203.0.113.10';
    const b = '203.0.113.20';
    for (let i = 0; i < PER_ADDRESS; i++) expect(await oauthStart(base, a)).toBe(400);
    expect(await oauthStart(base, a)).toBe(429);
    // Another client behind the same proxy is not locked out by the first.
    expect(await oauthStart(base, b)).toBe(400);
    // Entries a client wrote itself, left of the proxy's, choose nothing: the proxy's word counts.
    expect(await oauthStart(base, `198.51.100.99, ${a}`)).toBe(429);
  });

  it('without GATEWAY_TRUST_PROXY, X-Forwarded-For is ignored: a client cannot choose its address', async () => {
    const { base } = await startGateway({});
    const statuses: number[] = [];
    for (let i = 0; i <= PER_ADDRESS; i++) statuses.push(await oauthStart(base, `203.0.113.${i + 1}`));
    expect(statuses).toEqual([...Array<number>(PER_ADDRESS).fill(400), 429]);
  });

  it('trusting another address (the proxy’s), a direct client’s X-Forwarded-For is ignored', async () => {
    const { base } = await startGateway({ GATEWAY_TRUST_PROXY: '10.203.0.2' });
    const statuses: number[] = [];
    for (let i = 0; i <= PER_ADDRESS; i++) statuses.push(await oauthStart(base, `203.0.113.${i + 1}`));
    expect(statuses).toEqual([...Array<number>(PER_ADDRESS).fill(400), 429]);
  });
});

describe('cookies over https', () => {
  /** Each Set-Cookie of the response, by cookie name. */
  const cookiesOf = (res: Response) =>
    Object.fromEntries(res.headers.getSetCookie().map((line) => [line.split('=')[0]!, line]));

  /** Opens a control-page link (minted as the API does) and the page it leads to. */
  async function signIn(base: string, security: GatewaySecurity, accountId: string) {
    // The link's confirm page posts its token back; that POST starts the session.
    const link = new URL(mintUiLink(security, base, accountId).url);
    const opened = await fetch(`${link.origin}${link.pathname}`, {
      method: 'POST',
      body: new URLSearchParams({ token: link.searchParams.get('token')! }),
      redirect: 'manual',
    });
    await opened.arrayBuffer();
    const session = cookiesOf(opened).billsby_ui_session;
    expect(session).toBeDefined();
    const page = await fetch(`${base}/ui/accounts/${accountId}/webex`, {
      headers: { cookie: session!.split(';')[0]! },
    });
    expect(page.status).toBe(200);
    await page.arrayBuffer();
    return { opened, page };
  }

  it('with an https PUBLIC_BASE_URL, the session, CSRF and OAuth attempt cookies are Secure (and HttpOnly), with HSTS', async () => {
    const { base, security } = await startGateway({
      PUBLIC_BASE_URL: 'https://gateway.example.test',
      GATEWAY_TRUST_PROXY: '127.0.0.1',
    });
    const accountId = `acct-${randomUUID()}`;
    const { opened, page } = await signIn(base, security, accountId);

    // The start link's confirm page posts its token; that POST binds the browser (the cookie).
    const startLink = new URL(
      oauthStartLink(security, base, accountId, 'https://webex.example.test/v1/authorize?state=x', {
        stateNonce: 'nonce',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      }),
    );
    const start = await fetch(`${startLink.origin}${startLink.pathname}`, {
      method: 'POST',
      body: new URLSearchParams({ token: startLink.searchParams.get('token')! }),
      redirect: 'manual',
    });
    await start.arrayBuffer();
    expect(start.status).toBe(303);

    const cookies = {
      session: cookiesOf(opened).billsby_ui_session,
      csrf: cookiesOf(page).billsby_csrf,
      oauthAttempt: cookiesOf(start)[`billsby_oauth_${accountId}`],
    };
    for (const [name, line] of Object.entries(cookies)) {
      expect({ name, line }).toEqual({ name, line: expect.stringMatching(/; Secure(;|$)/) });
      expect({ name, line }).toEqual({ name, line: expect.stringMatching(/; HttpOnly(;|$)/) });
    }
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('over plain http on loopback (npm start), they are not Secure, or the browser would drop them', async () => {
    const { base, security } = await startGateway({ PUBLIC_BASE_URL: 'http://localhost:3000' });
    const { opened, page } = await signIn(base, security, `acct-${randomUUID()}`);
    expect(cookiesOf(opened).billsby_ui_session).not.toMatch(/; Secure/);
    expect(cookiesOf(page).billsby_csrf).not.toMatch(/; Secure/);
    expect(page.headers.get('strict-transport-security')).toBeNull();
  });
});
