import { randomBytes } from 'node:crypto';
import { WebhookSecretStore } from '../../gateway/integration/webhook-secrets';
import { parseEncryptionKeys } from '../../temporal/codec';
import { closeTestConnections, testKeys } from '../harness/temporal';
import {
  api,
  connectAsOwnUser,
  connectLikeABrowser,
  numberedEvent,
  sendEvent,
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
const newAccount = () => `acct-sec-${Date.now().toString(36)}-${counter++}`;
const rotate = (accountId: string, json: unknown = {}) =>
  api(app, `/api/accounts/${accountId}/webex/webhook-secret/rotate`, { method: 'POST', json });
const send = async (accountId: string, n: number, secret: string) =>
  (await sendEvent(app, accountId, numberedEvent(`${accountId}-s`, n), secret)).status;

describe('per-account webhook secrets', () => {
  it('are random per account, 32 bytes or more, and stored only hashed or sealed', async () => {
    const a = newAccount();
    const b = newAccount();
    await connectAsOwnUser(app, a);
    await connectAsOwnUser(app, b);
    const [sa, sb] = [await app.secretFor(a), await app.secretFor(b)];
    expect(sa).toMatch(/^whsec_[A-Za-z0-9_-]{43,}$/);
    expect(sa).not.toBe(sb);
    const stored = (await app.eventLog.getWebhookSecret(a))!;
    expect(JSON.stringify(stored)).not.toContain(sa.slice(6));
    expect(stored.currentSealed.toString('latin1')).not.toContain(sa.slice(6));
  });

  it('rotation: the old secret works through the grace period and not after; other accounts are unaffected', async () => {
    const a = newAccount();
    const b = newAccount();
    await connectAsOwnUser(app, a);
    await connectAsOwnUser(app, b);
    const [oldA, secretB] = [await app.secretFor(a), await app.secretFor(b)];
    const res = await rotate(a, { graceSeconds: 2 });
    expect(res.status).toBe(200);
    const { webhookSecret, previousSecretValidUntil } = res.body as {
      webhookSecret: string;
      previousSecretValidUntil: string;
    };
    expect(webhookSecret).not.toBe(oldA);
    expect(Date.parse(previousSecretValidUntil) - Date.now()).toBeLessThanOrEqual(2_000);
    expect(await send(a, 1, webhookSecret)).toBe(202);
    expect(await send(a, 2, oldA)).toBe(202);
    expect(await send(b, 1, secretB)).toBe(202);
    await new Promise((resolve) =>
      setTimeout(resolve, Date.parse(previousSecretValidUntil) - Date.now() + 200),
    );
    expect(await send(a, 3, oldA)).toBe(401);
    expect(await send(a, 4, webhookSecret)).toBe(202);
    expect(await send(b, 2, secretB)).toBe(202);
  });

  it('re-integrating after an uninstall issues a new secret; the old one answers 401', async () => {
    const a = newAccount();
    await connectAsOwnUser(app, a);
    const before = await app.secretFor(a);
    // A reconnect of a live integration keeps the secret Billsby already has.
    const reconnect = await connectLikeABrowser(app, a, { replace: true });
    expect((reconnect.connect.body as { webhookSecret: string }).webhookSecret).toBe(before);
    await api(app, `/api/accounts/${a}/webex/uninstall`, { method: 'POST' });
    const again = await connectLikeABrowser(app, a);
    const after = (again.connect.body as { webhookSecret: string }).webhookSecret;
    expect(after).not.toBe(before);
    expect(await send(a, 1, before)).toBe(401);
    expect(await send(a, 2, after)).toBe(202);
  });

  it('rotating the payload key changes no webhook secret', async () => {
    const a = newAccount();
    await connectAsOwnUser(app, a);
    const secret = await app.secretFor(a);
    const newKey = parseEncryptionKeys(`new:${randomBytes(32).toString('base64')}`)[0]!;
    // The next PAYLOAD_ENCRYPTION_KEY: the new key first (encrypts), the old one still decrypts.
    const rotatedKeys = new WebhookSecretStore(app.eventLog, [newKey, ...testKeys()]);
    expect(await rotatedKeys.current(a)).toBe(secret);
    expect(await rotatedKeys.verify(a, secret)).toBe(true);
    // Even with the old key gone entirely, the stored hash still verifies the same secret.
    expect(await new WebhookSecretStore(app.eventLog, [newKey]).verify(a, secret)).toBe(true);
  });

  it('rotate answers 404 for an account that never integrated and 400 for a bad grace period', async () => {
    expect((await rotate(newAccount())).status).toBe(404);
    const a = newAccount();
    await connectAsOwnUser(app, a);
    for (const graceSeconds of [-1, 604_801, 1.5, 'soon']) {
      const res = await rotate(a, { graceSeconds });
      expect({ graceSeconds, status: res.status }).toEqual({ graceSeconds, status: 400 });
    }
    const secret = await app.secretFor(a);
    expect(await send(a, 1, secret)).toBe(202); // nothing changed
  });
});
