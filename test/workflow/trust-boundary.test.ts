/**
 * The trust boundary (issue 11, DESIGN.md §4.6), attack by attack: each test would pass against
 * the product before the boundary existed and fails now. Real gateway, worker, Temporal and
 * Webex simulator; state is checked through Temporal and the simulator, not through the gateway.
 */
import { request } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/common';
import { ScriptBrowser } from '../../client/demo/script-browser';
import { TokenSealer } from '../../gateway/auth/sealed-token';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { http } from '../harness/http';
import { closeTestConnections } from '../harness/temporal';
import {
  TEST_SESSION_KEY,
  api,
  connectAsOwnUser,
  connectLikeABrowser,
  integrationStatus,
  signInToControlPage,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp();
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

let counter = 0;
const newAccount = () => `acct-trust-${Date.now().toString(36)}-${counter++}`;
const pagePath = (accountId: string) => `/ui/accounts/${accountId}/webex`;

/** Does Temporal know an integration workflow for the account? (Never through the gateway.) */
async function workflowExists(accountId: string): Promise<boolean> {
  try {
    await app.client.workflow.getHandle(integrationWorkflowId(accountId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const signIn = (browser: ScriptBrowser, accountId: string) => signInToControlPage(app, browser, accountId);

describe('API keys on /api/*', () => {
  const routes = (accountId: string): [string, string, unknown?][] => [
    ['POST', `/api/accounts/${accountId}/webex/connect`, {}],
    ['POST', `/api/accounts/${accountId}/webex/connect`, { replace: true }],
    ['POST', `/api/accounts/${accountId}/webex/ui-link`],
    ['POST', `/api/accounts/${accountId}/webex/webhook-secret/rotate`, {}],
    ['GET', `/api/accounts/${accountId}/webex/events/e-1`],
    ['GET', `/api/accounts/${accountId}/webex/events?limit=5`],
    ['GET', `/api/accounts/${accountId}/webex`],
    ['POST', `/api/accounts/${accountId}/webex/uninstall`],
    ['POST', `/api/accounts/${accountId}/webex/redeliver`, { state: 'failed' }],
    [
      'PUT',
      `/api/accounts/${accountId}/billsby`,
      { companyDomain: 'widgets', apiKey: 'sim-billsby-api-key' },
    ],
    ['GET', `/api/accounts/${accountId}/billsby`],
    ['DELETE', `/api/accounts/${accountId}/billsby`],
    ['GET', `/api/accounts/${accountId}/webex/no-such-route`],
  ];

  it('every route without a key, or with a wrong one, answers 401 and changes nothing', async () => {
    const connected = newAccount();
    await connectAsOwnUser(app, connected);
    const secretBefore = await app.secretFor(connected);
    const statusBefore = (await integrationStatus(app, connected)).body;
    const stranger = newAccount();
    const simRequestsBefore = app.sim.control.requests().length;

    const answers: string[] = [];
    for (const accountId of [connected, stranger]) {
      for (const [method, path, json] of routes(accountId)) {
        const headerSets: Record<string, string>[] = [
          {},
          { authorization: 'Bearer wrong-key-wrong-key-wrong-key-000' },
          { authorization: 'Basic dGVzdDp0ZXN0' },
          { authorization: `Bearer ${'x'.repeat(5)}` },
        ];
        for (const headers of headerSets) {
          const res = await http(`${app.gatewayUrl}${path}`, { method, json, headers });
          answers.push(`${res.status} ${JSON.stringify(res.body)}`);
          expect(res.headers.get('www-authenticate')).toBe('Bearer');
        }
      }
    }
    // The same answer for a connected account and a stranger: nothing says which exists.
    expect(new Set(answers)).toEqual(
      new Set([
        `401 ${JSON.stringify({ error: 'missing or invalid API key: send Authorization: Bearer <key> (GATEWAY_API_KEYS)' })}`,
      ]),
    );
    expect(await workflowExists(stranger)).toBe(false);
    expect(await app.secretFor(connected)).toBe(secretBefore);
    expect((await integrationStatus(app, connected)).body).toEqual(statusBefore);
    expect(app.sim.control.requests().length).toBe(simRequestsBefore);
  });

  it('the takeover fails: no key → 401; a key without replace on a connected account → 409, nothing changes', async () => {
    const victim = newAccount();
    const { roomId } = await connectAsOwnUser(app, victim);
    const before = (await integrationStatus(app, victim)).body as Record<string, unknown>;
    const exchangesBefore = app.sim.control.counts().codeExchanges;

    const anonymous = await http(`${app.gatewayUrl}/api/accounts/${victim}/webex/connect`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);
    const noReplace = await api(app, `/api/accounts/${victim}/webex/connect`, { method: 'POST' });
    expect(noReplace.status).toBe(409);
    expect((noReplace.body as { error: string }).error).toContain('replace');
    const notABoolean = await api(app, `/api/accounts/${victim}/webex/connect`, { json: { replace: 'yes' } });
    expect(notABoolean.status).toBe(400);

    const after = (await integrationStatus(app, victim)).body as Record<string, unknown>;
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'connected', room: { id: roomId }, authorizationPending: false });
    expect(app.sim.control.counts().codeExchanges).toBe(exchangesBefore);
  });
});

describe('control page behind a single-use link', () => {
  it('a link works once, for its account only; the page without a session shows nothing', async () => {
    const mine = newAccount();
    const other = newAccount();
    await connectAsOwnUser(app, mine);
    const browser = new ScriptBrowser();
    const { page, linkUrl } = await signIn(browser, mine);
    expect(page.text).toContain('data-status="connected"');
    expect(page.text).toContain(await app.secretFor(mine));

    // Used: the same link in another browser (or again) starts no session.
    const thief = new ScriptBrowser();
    const reused = await thief.open(linkUrl);
    expect(reused.status).toBe(401);
    const thiefPage = await thief.request(`${app.gatewayUrl}${pagePath(mine)}`);
    expect(thiefPage.status).toBe(401);
    expect(thiefPage.text).not.toContain(mine);
    expect(thiefPage.text).not.toContain(await app.secretFor(mine));

    // The session is for `mine` only: the same cookie on another account's page → 401.
    const cookie = browser.cookie(app.gatewayUrl, 'billsby_ui_session');
    expect(cookie).toBeDefined();
    const otherPage = await http(`${app.gatewayUrl}${pagePath(other)}`, {
      headers: { cookie: `billsby_ui_session=${cookie}` },
    });
    expect(otherPage.status).toBe(401);
    expect(otherPage.text).not.toContain(other);
    // A link made for one account does not open another's page.
    const link = await api(app, `/api/accounts/${mine}/webex/ui-link`, { method: 'POST' });
    const token = new URL((link.body as { url: string }).url).searchParams.get('token')!;
    const crossed = await new ScriptBrowser().request(
      `${app.gatewayUrl}${pagePath(other)}/open?token=${encodeURIComponent(token)}`,
    );
    expect(crossed.status).toBe(401);
  });

  it('an expired or forged link is refused', async () => {
    const accountId = newAccount();
    const sealer = new TokenSealer([TEST_SESSION_KEY]);
    const expired = sealer.seal('ui-link', { a: accountId, id: 'old' }, Date.now() - 1);
    const forged = sealer.seal('ui-session', { a: accountId, id: 'wrong-purpose' }, Date.now() + 60_000);
    for (const token of [expired, forged, 'not-a-token', expired.slice(0, -4) + 'AAAA']) {
      const res = await new ScriptBrowser().request(
        `${app.gatewayUrl}${pagePath(accountId)}/open?token=${encodeURIComponent(token)}`,
      );
      expect(res.status).toBe(401);
    }
    // 404 for an account that never integrated; once it has, a link that expires within 15 minutes.
    const unknown = await api(app, `/api/accounts/${accountId}/webex/ui-link`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    await api(app, `/api/accounts/${accountId}/webex/connect`, { method: 'POST' });
    const link = await api(app, `/api/accounts/${accountId}/webex/ui-link`, { method: 'POST' });
    expect(link.status).toBe(200);
    const { expiresAt } = link.body as { expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(link.headers.get('cache-control')).toBe('no-store');
  });

  it('forged form posts are refused with 403 and change nothing', async () => {
    const accountId = newAccount();
    await connectAsOwnUser(app, accountId);
    const before = (await integrationStatus(app, accountId)).body;
    const victim = new ScriptBrowser();
    const { csrf } = await signIn(victim, accountId);
    const attacker = new ScriptBrowser();
    const attackerSession = await signIn(attacker, newAccount());
    const uninstall = `${app.gatewayUrl}${pagePath(accountId)}/uninstall`;
    const session = victim.cookie(app.gatewayUrl, 'billsby_ui_session')!;
    const csrfSecret = victim.cookie(app.gatewayUrl, 'billsby_csrf')!;
    const cookies = `billsby_ui_session=${session}; billsby_csrf=${csrfSecret}`;

    // No token; another session's token; the right token but posted from another site.
    expect((await victim.request(uninstall, { form: {} })).status).toBe(403);
    expect((await victim.request(uninstall, { form: { _csrf: attackerSession.csrf } })).status).toBe(403);
    const crossSite = await http(uninstall, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf }).toString(),
      headers: {
        cookie: cookies,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    expect(crossSite.status).toBe(403);
    // Without the session cookie at all: 401.
    expect((await attacker.request(uninstall, { form: { _csrf: csrf } })).status).toBe(401);
    expect((await integrationStatus(app, accountId)).body).toEqual(before);

    // The real form post works.
    const real = await victim.request(uninstall, { form: { _csrf: csrf } });
    expect(real).toMatchObject({ status: 303 });
    expect((await integrationStatus(app, accountId)).body).toMatchObject({ status: 'uninstalled' });
  });

  it('sends the headers a page showing a secret needs', async () => {
    const accountId = newAccount();
    const browser = new ScriptBrowser();
    await signIn(browser, accountId);
    const res = await fetch(`${app.gatewayUrl}${pagePath(accountId)}`, {
      headers: { cookie: `billsby_ui_session=${browser.cookie(app.gatewayUrl, 'billsby_ui_session')}` },
    });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const setCookies = (await fetch(`${app.gatewayUrl}/healthz`)).headers.getSetCookie();
    expect(setCookies).toEqual([]);
  });
});

describe('OAuth bound to the installing browser', () => {
  it('a callback from another browser → 400; the installing browser completes it', async () => {
    const accountId = newAccount();
    const connect = await api(app, `/api/accounts/${accountId}/webex/connect`, { method: 'POST' });
    const startUrl = (connect.body as { authorizeUrl: string }).authorizeUrl;
    expect(startUrl.startsWith(`${app.gatewayUrl}/oauth/webex/start?`)).toBe(true);
    // Someone the link was forwarded to (or a previewer) opens it first: the page names the
    // account, binds nothing and spends nothing.
    const forwardedTo = new ScriptBrowser();
    const preview = await forwardedTo.request(startUrl);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain(`<code id="account">${accountId}</code>`);
    expect(preview.text).toContain('the Webex user you sign in as');
    expect(preview.location).toBeNull();
    const installer = new ScriptBrowser();
    const start = await installer.open(startUrl);
    expect(start.status).toBe(303);
    expect(start.location!.startsWith(`${app.sim.baseUrl}/authorize?`)).toBe(true);
    // The start link works once: another browser cannot bind itself to the same attempt.
    expect((await forwardedTo.open(startUrl)).status).toBe(400);

    // The attacker authorizes in their own browser and hands the callback URL to someone else.
    const authorize = await installer.request(start.location!);
    const callbackUrl = authorize.location!;
    const victimBrowser = new ScriptBrowser();
    const elsewhere = await victimBrowser.request(callbackUrl);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('did not open the authorization link');
    expect((await integrationStatus(app, accountId)).body).toMatchObject({
      status: 'awaiting_authorization',
      authorizationPending: true,
    });

    const done = await installer.request(callbackUrl);
    expect(done.location).toContain('outcome=connected');
  });

  it('a replacement’s start page names the account and the Webex user connected now; the control page names the one bound', async () => {
    const accountId = newAccount();
    await connectAsOwnUser(app, accountId);
    const { connectedAs } = (await integrationStatus(app, accountId)).body as {
      connectedAs: { displayName: string };
    };
    expect(connectedAs.displayName.length).toBeGreaterThan(0);
    const replace = await api(app, `/api/accounts/${accountId}/webex/connect`, { json: { replace: true } });
    const page = await new ScriptBrowser().request((replace.body as { authorizeUrl: string }).authorizeUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<code id="account">${accountId}</code>`);
    expect(page.text).toContain(`<strong id="current-webex-user">${connectedAs.displayName}</strong>`);
    // Once Webex has answered, the control page names the Webex user the account is bound to.
    const { page: control } = await signIn(new ScriptBrowser(), accountId);
    expect(control.text).toContain(`<dd id="connected-as">${connectedAs.displayName}</dd>`);
  });

  it('a declined or forged attempt never demotes a connected integration', async () => {
    const accountId = newAccount();
    const { roomId } = await connectAsOwnUser(app, accountId);
    const before = (await integrationStatus(app, accountId)).body as { connectedAs: unknown };

    // A forged `error` callback without the binding cookie: 400, and nothing changes.
    const forged = await http(
      `${app.gatewayUrl}/oauth/webex/callback?error=access_denied&state=${accountId}~${'A'.repeat(43)}`,
    );
    expect(forged.status).toBe(400);

    // The owner starts a replacement and declines it at Webex: the connection stays.
    app.sim.control.setAuthorizeDecision('decline');
    try {
      const declined = await connectLikeABrowser(app, accountId, { replace: true });
      expect(declined.landing).toContain('outcome=failed');
    } finally {
      app.sim.control.setAuthorizeDecision('approve');
    }
    expect((await integrationStatus(app, accountId)).body).toMatchObject({
      status: 'connected',
      room: { id: roomId },
      connectedAs: before.connectedAs,
      lastError: null,
      lastAttempt: { outcome: 'failed', error: expect.stringContaining('declined') },
    });
    // And it still delivers.
    const sent = await http(`${app.gatewayUrl}/webhooks/billsby/${accountId}`, {
      json: { Id: `${accountId}-1`, Type: 'CustomerCreated', CustomerUniqueId: 'c-1' },
      headers: { secret: await app.secretFor(accountId) },
    });
    expect(sent.status).toBe(202);
  });
});

describe('rate limits', () => {
  it('ui-link and connect are limited per account and per address; webhooks are not', async () => {
    const limited = await startWebexApp({ rateLimits: { perAccountPerMinute: 3, perAddressPerMinute: 5 } });
    try {
      const a = newAccount();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await api(limited, `/api/accounts/${a}/webex/ui-link`, { method: 'POST' })).status);
      }
      // The limit applies before the account is looked at: never integrated → 404, then 429.
      expect(statuses).toEqual([404, 404, 404, 429]);
      const b = newAccount();
      const perAddress: number[] = [];
      for (const account of [b, b, newAccount()]) {
        perAddress.push(
          (await api(limited, `/api/accounts/${account}/webex/ui-link`, { method: 'POST' })).status,
        );
      }
      // 5 per address: the 5th request from this address passes (404), the 6th and 7th do not.
      expect(perAddress).toEqual([404, 429, 429]);
      const webhooks = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          http(`${limited.gatewayUrl}/webhooks/billsby/${a}`, {
            json: { Id: `w-${i}`, Type: 'CustomerCreated', CustomerUniqueId: 'c' },
            headers: { secret: 'nope' },
          }),
        ),
      );
      expect(webhooks.map((r) => r.status)).toEqual(Array(8).fill(401));
    } finally {
      await limited.close();
    }
  });

  it('failed webhooks are limited per address (issue 23); misses are never cached', async () => {
    const limited = await startWebexApp({ rateLimits: { failedWebhooksPerAddressPerMinute: 3 } });
    try {
      const a = newAccount();
      await connectAsOwnUser(limited, a);
      const send = (accountId: string, secret: string) =>
        http(`${limited.gatewayUrl}/webhooks/billsby/${accountId}`, {
          json: { Id: `${accountId}-${Math.random()}`, Type: 'CustomerCreated', CustomerUniqueId: 'c' },
          headers: { secret },
        });
      // A good secret does not count against the address.
      expect((await send(a, await limited.secretFor(a))).status).toBe(202);
      const guesses = [];
      for (let i = 0; i < 5; i++) guesses.push(await send(newAccount(), 'nope'));
      expect(guesses.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
      expect(Number(guesses[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
      // Turned away before the lookup: the verifier cache holds the one real account, no guess.
      expect(limited.integrations.secrets.cachedAccounts).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('forged callbacks and link openings naming an account do not lock its owner out (issue 23)', async () => {
    const limited = await startWebexApp({ rateLimits: { perAccountPerMinute: 3, perAddressPerMinute: 200 } });
    try {
      const victim = newAccount();
      const forged = [];
      for (let i = 0; i < 50; i++) {
        forged.push(
          await http(`${limited.gatewayUrl}/oauth/webex/callback?code=x&state=${victim}~${'A'.repeat(43)}`),
          await http(`${limited.gatewayUrl}/ui/accounts/${victim}/webex/open?token=forged-${i}`),
        );
      }
      expect(forged.every((r) => r.status !== 429)).toBe(true);
      // The owner connects (connect, start link, callback) and opens a control-page link.
      await connectAsOwnUser(limited, victim);
      expect((await api(limited, `/api/accounts/${victim}/webex/ui-link`, { method: 'POST' })).status).toBe(
        200,
      );
    } finally {
      await limited.close();
    }
  });

  it('the OAuth start link is limited per address only: one address at its limit does not stop another', async () => {
    const limited = await startWebexApp({ rateLimits: { perAddressPerMinute: 5 } });
    try {
      /** A GET from a chosen loopback source address (Linux routes all of 127/8 to lo). */
      const startFrom = (localAddress: string) =>
        new Promise<number>((resolve, reject) => {
          const { hostname, port } = new URL(limited.gatewayUrl);
          const req = request(
            { hostname, port, path: '/oauth/webex/start?token=not-a-real-token', localAddress, agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end();
        });
      const first = [];
      for (let i = 0; i < 7; i++) first.push(await startFrom('127.0.0.1'));
      expect(first.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
      expect(first.slice(5)).toEqual([429, 429]);
      // Another address is judged on its own (a real link from it would start; this one is unknown).
      expect(await startFrom('127.0.0.2')).toBe(400);
    } finally {
      await limited.close();
    }
  });
});
