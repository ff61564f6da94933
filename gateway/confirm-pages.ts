import { escapeHtml } from './control-page';

/**
 * The pages a single-use link shows before it is spent (issue 23). A GET (a person, a chat
 * unfurler, a mail scanner) only shows what the link will do; the button POSTs the token back and
 * that POST spends it. So a previewer cannot burn a link or receive its session, and a person who
 * was forwarded a link sees which account it acts on before anything happens.
 */

const PAGE_STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
 code{background:#f1f3f7;padding:.1rem .3rem;border-radius:3px} button{font-size:1rem;padding:.45rem 1rem;cursor:pointer}
 .note{color:#5a6272}`;

function confirmPage(opts: {
  title: string;
  body: string;
  action: string;
  token: string;
  button: string;
}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(opts.title)}</title>
<meta name="robots" content="noindex">
<style>
 ${PAGE_STYLE}
</style></head><body>
<h1>${escapeHtml(opts.title)}</h1>
${opts.body}
<form method="post" action="${escapeHtml(opts.action)}" data-confirm>
 <input type="hidden" name="token" value="${escapeHtml(opts.token)}">
 <button type="submit">${escapeHtml(opts.button)}</button>
</form>
<p class="note">Not what you expected? Close this page: nothing has happened yet.</p>
</body></html>`;
}

/** `GET …/webex/open?token=…`: names the account whose control page the link opens. */
export function renderUiLinkConfirm(accountId: string, action: string, token: string): string {
  return confirmPage({
    title: 'Open the control page',
    body: `<p>This link opens the Webex integration control page of Billsby account <code id="account">${escapeHtml(accountId)}</code> in this browser, for 2 hours. It works once.</p>`,
    action,
    token,
    button: 'Open the control page',
  });
}

/**
 * `GET /oauth/webex/start?token=…`: names the Billsby account about to be connected and, when it is
 * connected already, the Webex user whose connection the new one replaces. The Webex user of the
 * new connection is whoever signs in at Webex next: the page says so, and the control page names
 * that user once Webex has answered.
 */
export function renderOAuthStartConfirm(
  accountId: string,
  token: string,
  current: { displayName: string } | null,
): string {
  const replacing = current
    ? `<p>It is connected now as Webex user <strong id="current-webex-user">${escapeHtml(current.displayName)}</strong>; continuing replaces that connection with the one you authorize.</p>`
    : '';
  return confirmPage({
    title: 'Connect Webex',
    body: `<p>You are connecting Webex to Billsby account <code id="account">${escapeHtml(accountId)}</code>.</p>
${replacing}
<p>Webex asks you to sign in next: <strong>the Webex user you sign in as</strong> is the one whose space <code>Billsby Data</code> receives this account's customer, subscription and payment messages.</p>`,
    action: '/oauth/webex/start',
    token,
    button: 'Continue to Webex',
  });
}
