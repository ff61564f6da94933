/**
 * Issue 15, structured logs: a real flow through the gateway and the worker — connect through the
 * browser's redirects, a ui-link, the five sample events (emails, names, phone numbers, addresses),
 * a 401 that makes the workflow refresh the token, refused webhooks, a secret rotation, uninstall —
 * with every product log line captured at trace level (the gateway's Fastify logger and the
 * Temporal runtime logger with the SDK's, workflows' and activities' lines). No secret of the flow
 * and no personal value may appear; the lines that must be there carry the ids they are about.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { captureLogs } from '../../logging';
import { describeLeaks, findLeaks, samplePersonalValues, testCredentials } from '../harness/log-scan';
import { closeTestConnections } from '../harness/temporal';
import {
  api,
  connectLikeABrowser,
  eventually,
  integrationStatus,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';

const SAMPLES = [
  'customer-created',
  'customer-updated',
  'subscription-created',
  'subscription-updated',
  'payment-succeeded',
];
const sample = (name: string) =>
  JSON.parse(readFileSync(path.join(__dirname, '../../samples/events', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;

/** A customer of this test only, so a leak of their details is this flow's and nothing else's. */
const CUSTOMER = {
  Email: 'zainab.okonkwo@example.net',
  FirstName: 'Zainab',
  LastName: 'Okonkwo',
  PhoneNumber: '2025550147',
};
const WEBEX_USER = { displayName: 'Priya Ramanathan', email: 'priya.ramanathan@example.org' };

let capture: ReturnType<typeof captureLogs>;
let app: WebexApp | undefined;

beforeAll(async () => {
  // Before the gateway and the worker take their loggers.
  capture = captureLogs('trace');
  app = await startWebexApp();
});
afterAll(async () => {
  await app?.close();
  capture.stop();
  await closeTestConnections();
});

const statusOf = async (accountId: string) =>
  (await integrationStatus(app!, accountId)).body as {
    status: string;
    counts: { delivered: number; received: number };
  };

describe('log scan over a real flow', () => {
  it('no token, secret, session, email, name or phone number in any product log line', async () => {
    const a = app!;
    const accountId = `acct-logs-${Date.now().toString(36)}`;
    const secrets: string[] = [];

    // Connect as a Webex user of this test, through the gateway's start link, Webex and our callback.
    a.sim.control.addUser(WEBEX_USER);
    a.sim.control.setAuthorizingUser(WEBEX_USER.email);
    const flow = await connectLikeABrowser(a, accountId);
    expect(flow.landing).toContain('outcome=connected');
    const start = new URL(flow.startUrl);
    const authorize = new URL(flow.webexAuthorizeUrl);
    const callback = new URL(flow.callbackUrl);
    secrets.push(
      ...start.searchParams.values(),
      authorize.searchParams.get('state')!.split('~')[1]!, // the nonce; the account id is not secret
      authorize.searchParams.get('code_challenge')!,
      callback.searchParams.get('code')!,
      (flow.connect.body as { webhookSecret: string }).webhookSecret,
    );

    // A ui-link (its token rides in the query string) opens the control page, which shows the secret.
    const link = await api(a, `/api/accounts/${accountId}/webex/ui-link`, { method: 'POST' });
    expect(link.status).toBe(200);
    const linkUrl = new URL((link.body as { url: string }).url);
    secrets.push(...linkUrl.searchParams.values());
    const opened = await flow.browser.open(linkUrl.toString());
    expect(opened.status).toBe(303);
    const page = await flow.browser.request(`${a.gatewayUrl}/ui/accounts/${accountId}/webex`);
    expect(page.status).toBe(200);
    const jar = (flow.browser as unknown as { jar: Map<string, Map<string, string>> }).jar;
    for (const cookies of jar.values()) secrets.push(...cookies.values());

    // The sample events: every kind, with emails, names, phone numbers and addresses.
    for (const name of SAMPLES) expect((await sendEvent(a, accountId, sample(name))).status).toBe(202);
    await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered === SAMPLES.length,
    );

    // Webex answers 401 to the next post: the workflow refreshes the token and delivers.
    const refreshes = a.sim.control.counts().tokenRefreshes;
    a.sim.control.revokeAccessTokens();
    const created = sample('customer-created');
    const ours = {
      ...created,
      Id: 'log-scan-customer-1',
      CustomerDetails: { ...(created.CustomerDetails as object), ...CUSTOMER },
    };
    expect((await sendEvent(a, accountId, ours)).status).toBe(202);
    await eventually(
      () => statusOf(accountId),
      (s) => s.counts.delivered === SAMPLES.length + 1,
    );
    expect(a.sim.control.counts().tokenRefreshes).toBeGreaterThan(refreshes);

    // Refused webhooks: a wrong secret (401) and an invalid body (400), both carrying personal data.
    expect(
      (await sendEvent(a, accountId, { ...ours, Id: 'log-scan-2' }, 'whsec_wrong-0123456789')).status,
    ).toBe(401);
    const invalid = { ...ours, Id: 'log-scan-3', CustomerUniqueId: undefined };
    expect((await sendEvent(a, accountId, invalid)).status).toBe(400);

    // A new webhook secret, then uninstall.
    const rotated = await api(a, `/api/accounts/${accountId}/webex/webhook-secret/rotate`, {
      method: 'POST',
      json: {},
    });
    expect(rotated.status).toBe(200);
    secrets.push((rotated.body as { webhookSecret: string }).webhookSecret);
    expect((await api(a, `/api/accounts/${accountId}/webex/uninstall`, { method: 'POST' })).status).toBe(200);
    await eventually(
      () => statusOf(accountId),
      (s) => s.status === 'uninstalled',
    );
    // The worker's shutdown lines too; the SDK forwards its core's lines after up to 100 ms.
    await a.close();
    app = undefined;
    await new Promise((resolve) => setTimeout(resolve, 300));

    const lines = [...capture.lines];
    const leaks = findLeaks(lines, [
      ...secrets,
      ...samplePersonalValues(),
      ...Object.values(CUSTOMER),
      WEBEX_USER.displayName,
      WEBEX_USER.email,
      ...testCredentials(),
    ]);
    if (leaks.length > 0) throw new Error(`secrets or personal values logged:\n${describeLeaks(leaks)}`);

    // What is there: one JSON format, and the ids each line is about.
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) {
      expect(entry).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          time: expect.any(String),
          msg: expect.any(String),
        }),
      );
    }
    const gateway = entries.filter((e) => e.component === 'gateway');
    const worker = entries.filter((e) => e.component === 'worker');
    expect(gateway).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        accountId,
        eventId: 'log-scan-customer-1',
        method: 'POST',
        route: '/webhooks/billsby/:accountId',
        statusCode: 202,
      }),
    );
    expect(gateway).toContainEqual(
      expect.objectContaining({
        route: '/ui/accounts/:accountId/webex/open',
        method: 'POST',
        statusCode: 303,
        accountId,
      }),
    );
    expect(gateway).toContainEqual(
      expect.objectContaining({ route: '/webhooks/billsby/:accountId', statusCode: 401, accountId }),
    );
    // The SDK's activity lines for this account's delivery, with the workflow's ids.
    expect(worker).toContainEqual(
      expect.objectContaining({
        accountId,
        activityType: 'deliverQueuedEvents',
        workflowId: `webex-integration:${accountId}`,
        runId: expect.any(String),
      }),
    );
    // The integration workflow's own lines: status changes and the token refresh.
    expect(worker).toContainEqual(
      expect.objectContaining({
        accountId,
        workflowId: `webex-integration:${accountId}`,
        runId: expect.any(String),
        status: 'connected',
      }),
    );
    expect(worker).toContainEqual(
      expect.objectContaining({
        accountId,
        workflowId: `webex-integration:${accountId}`,
        msg: 'Webex token refreshed',
      }),
    );
    expect(worker).toContainEqual(expect.objectContaining({ accountId, status: 'uninstalled' }));
  });
});
