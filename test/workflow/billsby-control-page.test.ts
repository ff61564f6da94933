/**
 * The control page's Billsby credentials form (issue 21 item 2): CSRF-protected like the others,
 * checked with Billsby before anything is stored, showing the company domain and the state but
 * never the key.
 */
import { ScriptBrowser } from '../../client/demo/script-browser';
import { closeTestConnections } from '../harness/temporal';
import {
  api,
  connectAsOwnUser,
  signInToControlPage,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp({ billsby: {} });
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

let counter = 0;
const newAccount = () => `acct-pubui-${Date.now().toString(36)}-${counter++}`;

describe('control page: Billsby API credentials', () => {
  it('saves a key Billsby accepts, refuses one it does not, never shows the key, and needs the CSRF token', async () => {
    const accountId = newAccount();
    await connectAsOwnUser(app, accountId);
    const browser = new ScriptBrowser();
    const { page, csrf } = await signInToControlPage(app, browser, accountId);
    expect(page.text).toContain('id="billsby-state" data-state="not_configured"');
    const { companyDomain, apiKey } = app.billsby!.control.dataset;
    const form = `${app.gatewayUrl}/ui/accounts/${accountId}/webex/billsby`;

    const noToken = await browser.request(form, { form: { companyDomain, apiKey } });
    expect(noToken.status).toBe(403);
    expect((await api(app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'not_configured',
    });

    const refused = await browser.request(form, {
      form: { _csrf: csrf, companyDomain, apiKey: 'wrong-key-0123456789' },
    });
    expect(refused.status).toBe(303);
    expect(refused.location).toContain('outcome=billsby_refused');
    expect((await api(app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'not_configured',
    });

    const saved = await browser.request(form, { form: { _csrf: csrf, companyDomain, apiKey } });
    expect(saved.status).toBe(303);
    const after = await browser.request(
      saved.location!.startsWith('http') ? saved.location! : `${app.gatewayUrl}${saved.location}`,
    );
    expect(after.text).toContain('id="billsby-state" data-state="ok"');
    expect(after.text).toContain(`<code id="billsby-company">${companyDomain}</code>`);
    expect(after.text).not.toContain(apiKey);
    expect((await api(app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'ok',
      companyDomain,
    });

    const removed = await browser.request(`${form}/remove`, { form: { _csrf: csrf } });
    expect(removed.status).toBe(303);
    expect((await api(app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'not_configured',
    });
  });
});
