/**
 * Issue 15, a readable Web UI, checked where operators read it: the Temporal Web UI in headless
 * chromium. The run's shared dev server is headless, so this file starts its own, with the Web UI
 * and the product's codec listener as its codec endpoint (summaries are payloads, encrypted like
 * any other; the UI decodes them through the codec, as in `npm start`). A delivery workflow's page
 * shows its summary ("Deliver 3 events (…) to Billsby Data") and its activity's; the integration's
 * page shows its own and its timers'.
 */
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCodecServer, type RunningCodecServer } from '../../gateway/codec/server';
import { type DevServer } from '../../temporal/dev-server';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { startTestDevServer } from '../harness/dev-server';
import { freePort } from '../harness/free-port';
import { closeTestConnections, testCodec } from '../harness/temporal';
import {
  connectAsOwnUser,
  deliveredByOf,
  eventually,
  integrationStatus,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';

const CHROMIUM = '/usr/bin/chromium';
/** What the checks saw, for a person to look at (the delivery's and the integration's pages). */
const SCREENSHOT = '/tmp/web-ui-delivery-summary.png';

let server: DevServer | undefined;
let codec: RunningCodecServer | undefined;
let app: WebexApp | undefined;
let browser: Browser | undefined;
let page: Page;
let uiUrl: string;

beforeAll(async () => {
  // Fail, not skip: a missing browser must not turn the acceptance test silently green.
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: run scripts/install-browser.sh (as root) to install Debian's chromium`,
    );
  }
  const uiPort = await freePort();
  uiUrl = `http://127.0.0.1:${uiPort}`;
  codec = await startCodecServer({
    codec: testCodec(),
    allowedOrigins: [uiUrl, `http://localhost:${uiPort}`],
    host: '127.0.0.1',
    port: 0,
  });
  server = await startTestDevServer({ uiPort, codecEndpoint: codec.url });
  app = await startWebexApp({ temporalAddress: server.address });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.setDefaultTimeout(60_000);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await closeTestConnections();
  await codec?.close();
  await server?.stop();
});

const sample = (name: string) =>
  JSON.parse(readFileSync(path.join(__dirname, '../../samples/events', `${name}.json`), 'utf8')) as object;

describe('Temporal Web UI in headless chromium', () => {
  it("shows what an integration does: its summary, its batches' activities and its timer", async () => {
    const accountId = `acct-webui-${Date.now().toString(36)}`;
    await connectAsOwnUser(app!, accountId);
    for (const name of ['customer-created', 'customer-updated', 'payment-succeeded']) {
      expect((await sendEvent(app!, accountId, sample(name))).status).toBe(202);
    }
    await eventually(
      () => integrationStatus(app!, accountId).then((r) => r.body as { counts: { delivered: number } }),
      (s) => s.counts.delivered === 3,
    );

    // From an event's lookup to the run that posted it: the integration's page, its summary
    // decoded through the codec listener, and the batch's activity naming the events' types.
    const { workflowId, runId } = await deliveredByOf(
      app!,
      accountId,
      '3f9e2a71-5c4d-4b8e-9a06-1d2c3b4a5f60',
    );
    expect(workflowId).toBe(integrationWorkflowId(accountId));
    await page.goto(
      `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`,
    );
    const shown = page.getByText(`Webex integration of Billsby account ${accountId}`).first();
    await shown.waitFor({ state: 'visible' });
    await shown.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
    const activity = page
      .getByText(/Post events? #\d+(–#\d+)? \(CustomerCreated.*\) to Billsby Data, in order/)
      .first();
    await activity.waitFor({ state: 'visible' });
    // Idle, it waits for the token refresh only: no poll of the event log.
    const timer = page.getByText(/then refresh the Webex token/).first();
    await timer.waitFor({ state: 'visible' });
    await timer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT.replace('delivery', 'integration') });
    // Nothing of the customers' details on either page.
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('madeline.parsons@example.com');
  });
});
