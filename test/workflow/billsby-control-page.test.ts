/**
 * The control page's Billsby credentials form (issue 21 item 2): CSRF-protected like the others,
 * checked with Billsby before anything is stored, showing the company domain and the state but
 * never the key.
 */
import { ScriptBrowser } from '../../client/demo/script-browser';
import { api, connectAsOwnUser, signInToControlPage } from '../harness/webex-app';
import { billsbyTestApp } from './billsby-fixtures';

const kit = billsbyTestApp('acct-pubui');

describe('control page: Billsby API credentials', () => {
  it('saves a key Billsby accepts, refuses one it does not, never shows the key, and needs the CSRF token', async () => {
    const accountId = kit.newAccount();
    await connectAsOwnUser(kit.app, accountId);
    const browser = new ScriptBrowser();
    const { page, csrf } = await signInToControlPage(kit.app, browser, accountId);
    expect(page.text).toContain('id="billsby-state" data-state="not_configured"');
    const { companyDomain, apiKey } = kit.app.billsby!.control.dataset;
    const form = `${kit.app.gatewayUrl}/ui/accounts/${accountId}/webex/billsby`;

    const noToken = await browser.request(form, { form: { companyDomain, apiKey } });
    expect(noToken.status).toBe(403);
    expect((await api(kit.app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'not_configured',
    });

    const refused = await browser.request(form, {
      form: { _csrf: csrf, companyDomain, apiKey: 'wrong-key-0123456789' },
    });
    expect(refused.status).toBe(303);
    expect(refused.location).toContain('outcome=billsby_refused');
    expect((await api(kit.app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'not_configured',
    });

    const saved = await browser.request(form, { form: { _csrf: csrf, companyDomain, apiKey } });
    expect(saved.status).toBe(303);
    const after = await browser.request(
      saved.location!.startsWith('http') ? saved.location! : `${kit.app.gatewayUrl}${saved.location}`,
    );
    expect(after.text).toContain('id="billsby-state" data-state="ok"');
    expect(after.text).toContain(`<code id="billsby-company">${companyDomain}</code>`);
    expect(after.text).not.toContain(apiKey);
    expect((await api(kit.app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'ok',
      companyDomain,
    });

    const removed = await browser.request(`${form}/remove`, { form: { _csrf: csrf } });
    expect(removed.status).toBe(303);
    expect((await api(kit.app, `/api/accounts/${accountId}/billsby`)).body).toMatchObject({
      state: 'not_configured',
    });
  });
});

describe('control-page links and link previewers', () => {
  it('a HEAD or GET of a ui-link (a scanner, a chat unfurler) spends nothing and sets no cookie; the POST of its confirm page opens it once', async () => {
    const accountId = kit.newAccount();
    await connectAsOwnUser(kit.app, accountId);
    const link = await api(kit.app, `/api/accounts/${accountId}/webex/ui-link`, { method: 'POST' });
    const url = (link.body as { url: string }).url;
    const head = await fetch(url, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(200);
    expect(head.headers.get('set-cookie')).toBeNull();
    // A GET (an unfurler, a scanner, a person reading) shows which account the link opens, starts
    // no session and spends nothing.
    const previewer = new ScriptBrowser();
    const preview = await previewer.request(url);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain(`<code id="account">${accountId}</code>`);
    expect(previewer.cookie(url, 'billsby_ui_session')).toBeUndefined();
    expect((await previewer.request(`${kit.app.gatewayUrl}/ui/accounts/${accountId}/webex`)).status).toBe(
      401,
    );
    // The page's button (a POST of the token) spends it and starts the session.
    const browser = new ScriptBrowser();
    const opened = await browser.open(url);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(`${kit.app.gatewayUrl}/ui/accounts/${accountId}/webex`);
    expect((await browser.request(`${kit.app.gatewayUrl}/ui/accounts/${accountId}/webex`)).status).toBe(200);
    // Single use: its confirm page is still shown, but a second POST is refused.
    expect((await new ScriptBrowser().open(url)).status).toBe(401);
    expect((await previewer.open(url)).status).toBe(401);
  });
});
