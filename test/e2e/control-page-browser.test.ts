/**
 * The control page in a real headless browser (issues 4 and 11): Debian's chromium driven by
 * playwright-core, against the real gateway + worker + Webex simulator. The browser follows
 * every redirect itself (ui-link → session cookie → page; form POST with its CSRF token → 303 to
 * the gateway's start link → 302 to Webex authorize → 302 to our callback → 302 back to the
 * page), so this checks what a person clicking through actually sees, cookies and CSP included.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { closeTestConnections } from '../harness/temporal';
import { api, integrationStatus, startWebexApp, type WebexApp } from '../harness/webex-app';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/control-page-connected.png';

let app: WebexApp;
let browser: Browser;
let page: Page;
let counter = 0;
const newAccount = () => `acct-ui-${Date.now().toString(36)}-${counter++}`;
const pageUrl = (accountId: string) => `${app.gatewayUrl}/ui/accounts/${accountId}/webex`;

beforeAll(async () => {
  // Fail, not skip: a missing browser must not turn the acceptance test silently green.
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: run scripts/install-browser.sh (as root) to install Debian's chromium`,
    );
  }
  app = await startWebexApp();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
beforeEach(async () => {
  page = await browser.newPage();
  page.setDefaultTimeout(30_000);
});
afterEach(async () => {
  await page?.close();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await closeTestConnections();
});

/**
 * Signs the browser in to the account's control page with a fresh ui-link (API key). A new
 * account is first set up through the API (connect: awaiting authorization), as an admin backend
 * does; ui-link answers 404 for an account that never integrated.
 */
async function openWithUiLink(accountId: string) {
  const setup = await api(app, `/api/accounts/${accountId}/webex/connect`, { method: 'POST' });
  expect(setup.status).toBe(200);
  const link = await api(app, `/api/accounts/${accountId}/webex/ui-link`, { method: 'POST' });
  expect(link.status).toBe(200);
  // The link shows which account it opens; its button spends it and lands on the control page.
  await page.goto((link.body as { url: string }).url);
  await expect(page.locator('#account').textContent()).resolves.toBe(accountId);
  await clickAndLand('button[type="submit"]', new RegExp(`/ui/accounts/${accountId}/webex$`));
  expect(page.url()).toBe(pageUrl(accountId));
}

/** Clicks a form button and waits for the navigation (and its redirects) to land. */
async function clickAndLand(selector: string, landing: RegExp) {
  await Promise.all([page.waitForURL(landing), page.click(selector)]);
}

describe('control page in headless chromium', () => {
  it('ui-link → Integrate → Webex → back as connected; then Uninstall', async () => {
    const accountId = newAccount();
    // Without a session the page shows nothing of the account.
    const anonymous = await page.goto(pageUrl(accountId));
    expect(anonymous?.status()).toBe(401);
    await expect(page.content()).resolves.not.toContain(accountId);
    await expect(page.locator('#integrate').count()).resolves.toBe(0);

    await openWithUiLink(accountId);
    await expect(page.locator('#status').getAttribute('data-status')).resolves.toBe('awaiting_authorization');
    await expect(page.locator('#status').textContent()).resolves.toBe('Waiting for Webex authorization');
    await expect(page.locator('#integrate').textContent()).resolves.toBe('+ Integrate');

    await clickAndLand('#integrate', /\/ui\/accounts\/[^/]+\/webex\?outcome=connected$/);
    expect(page.url()).toBe(`${pageUrl(accountId)}?outcome=connected`);
    await page.locator('#status[data-status="connected"]').waitFor();
    await expect(page.locator('#room').textContent()).resolves.toBe('Billsby Data');
    await expect(page.locator('#connected-as').textContent()).resolves.toBe('Ada Lovelace');
    await expect(page.locator('#outcome').isVisible()).resolves.toBe(true);
    await expect(page.locator('#outcome').textContent()).resolves.toContain('Webex is connected');
    await expect(page.locator('#webhook-secret').textContent()).resolves.toBe(await app.secretFor(accountId));
    await expect(page.locator('#webhook-url').textContent()).resolves.toBe(
      `${app.gatewayUrl}/webhooks/billsby/${accountId}`,
    );
    await expect(page.locator('#error').count()).resolves.toBe(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await clickAndLand('#uninstall', /outcome=uninstalled$/);
    await page.locator('#status[data-status="uninstalled"]').waitFor();
    await expect(page.locator('#outcome').textContent()).resolves.toContain('uninstalled');
    await expect(page.locator('#uninstall').count()).resolves.toBe(0);
    expect((await integrationStatus(app, accountId)).body).toMatchObject({ status: 'uninstalled' });
  });

  it('a declined authorization lands back on the page with the reason, and Integrate works again', async () => {
    const accountId = newAccount();
    await openWithUiLink(accountId);
    app.sim.control.setAuthorizeDecision('decline');
    try {
      await clickAndLand('#integrate', /outcome=failed$/);
    } finally {
      app.sim.control.setAuthorizeDecision('approve');
    }
    await page.locator('#status[data-status="failed"]').waitFor();
    await expect(page.locator('#error').isVisible()).resolves.toBe(true);
    await expect(page.locator('#error').textContent()).resolves.toContain('declined');

    await clickAndLand('#integrate', /outcome=connected$/);
    await page.locator('#status[data-status="connected"]').waitFor();
    await expect(page.locator('#error').count()).resolves.toBe(0);
  });
});
