import type { StatusResult } from './integration/service';
import { controlPagePath } from './replies';

/** The control page's HTML (server-rendered, no script); ui-routes.ts serves it to a session. */

export const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STATUS_TEXT: Record<string, string> = {
  awaiting_authorization: 'Waiting for Webex authorization',
  connected: 'Connected',
  reauthorization_required: 'Reauthorization required',
  uninstalled: 'Uninstalled',
  failed: 'Failed',
  not_integrated: 'Not integrated',
};

const OUTCOME_TEXT: Record<string, string> = {
  connected: 'Webex is connected. New Billsby events will be posted to your "Billsby Data" space.',
  uninstalled: 'The Webex integration was uninstalled. Nothing more will be posted.',
  billsby_saved: 'Billsby accepted the API key; it is stored and webhooks are filled from Billsby with it.',
  billsby_removed: 'The Billsby credentials were removed.',
};

/** Why a Billsby credentials form was refused: nothing was stored. */
const BILLSBY_REFUSAL_TEXT: Record<string, string> = {
  billsby_refused: 'Billsby refused the API key or does not know the company; nothing was stored.',
  billsby_unreachable: 'Billsby could not be reached to check the key; nothing was stored. Try again.',
  billsby_invalid:
    'Enter the company domain (the login subdomain, e.g. widgets) and the API key (Settings > Configuration > API keys and webhooks).',
};

const BILLSBY_STATE_TEXT: Record<string, string> = {
  ok: 'In use',
  rejected: 'Refused by Billsby: webhooks wait until new credentials are saved',
  not_configured: 'Not set: messages carry only what the webhooks themselves say',
};

export interface ControlPageView {
  accountId: string;
  status: StatusResult | null;
  secret: string | null;
  /** The CSRF token every form carries (bound to the session). */
  csrfToken: string;
  outcome?: string;
  unavailable?: string;
}

export function renderControlPage(view: ControlPageView): string {
  const { accountId, status, secret, outcome, unavailable } = view;
  const state = status?.status ?? 'not_integrated';
  const showUninstall = status !== null && state !== 'uninstalled';
  // A failed attempt is told once, in red, with its reason (below); no green notice for it.
  const message = outcome && outcome !== 'failed' ? OUTCOME_TEXT[outcome] : undefined;
  const billsbyRefusal = outcome ? BILLSBY_REFUSAL_TEXT[outcome] : undefined;
  const failure = billsbyRefusal
    ? billsbyRefusal
    : state === 'failed'
      ? `The integration failed. ${status?.lastError ?? 'Please try again.'}`
      : outcome === 'failed'
        ? `The new authorization failed: ${status?.lastAttempt?.error ?? status?.lastError ?? 'please try again'}. ${state === 'connected' ? 'The earlier connection is kept.' : ''}`
        : undefined;
  const billsby = status?.billsby;
  const connectedAs = state === 'uninstalled' ? undefined : status?.connectedAs?.displayName;
  const orDash = (value: string | undefined, id: string) =>
    value ? `<code id="${id}">${escapeHtml(value)}</code>` : `<span id="${id}">—</span>`;
  const counts = status?.counts;
  const base = controlPagePath(accountId);
  const csrf = `<input type="hidden" name="_csrf" value="${escapeHtml(view.csrfToken)}">`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Webex integration · ${escapeHtml(accountId)}</title>
<style>
 body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
 dt{font-weight:600;margin-top:.6rem} #status{font-weight:600} dd{margin:0} code{background:#f1f3f7;padding:.1rem .3rem;border-radius:3px;word-break:break-all}
 .notice{padding:.7rem 1rem;border-radius:6px;background:#e9f6ee;margin:1rem 0} .error{background:#fdecea}
 form{display:inline-block;margin-right:.6rem} button{font-size:1rem;padding:.45rem 1rem;cursor:pointer}
</style></head><body>
<h1>Webex integration</h1>
<p>Billsby account <code>${escapeHtml(accountId)}</code></p>
${message ? `<p class="notice" id="outcome">${escapeHtml(message)}</p>` : ''}
${failure ? `<p class="notice error" id="error">${escapeHtml(failure)}</p>` : ''}
${unavailable ? `<p class="notice error" id="unavailable">${escapeHtml(unavailable)}</p>` : ''}
<dl>
 <dt>Status</dt><dd id="status" data-status="${escapeHtml(state)}">${escapeHtml(STATUS_TEXT[state] ?? state)}</dd>
 <dt>Connected Webex user</dt><dd id="connected-as">${escapeHtml(connectedAs ?? '—')}</dd>
 <dt>Space</dt><dd id="room">${escapeHtml(status?.room?.title ?? '—')}</dd>
 <dt>Webhook URL (Billsby: Settings &gt; Webhooks)</dt><dd>${orDash(status?.webhookUrl, 'webhook-url')}</dd>
 <dt>Webhook secret (header <code>secret</code>)</dt><dd>${orDash((status && secret) || undefined, 'webhook-secret')}</dd>
 ${counts ? `<dt>Events</dt><dd id="counts">${counts.received} received · ${counts.delivered} delivered · ${counts.pending} pending · ${counts.failed} failed · ${counts.duplicates} duplicates · ${counts.dropped} dropped · ${counts.ignored} ignored</dd>` : ''}
</dl>
<div class="actions">
 <form method="post" action="${base}/connect">${csrf}<button id="integrate" type="submit">${state === 'connected' ? 'Reconnect (may replace the Webex user)' : '+ Integrate'}</button></form>
 ${showUninstall ? `<form method="post" action="${base}/uninstall">${csrf}<button id="uninstall" type="submit">Uninstall</button></form>` : ''}
</div>
${
  billsby
    ? `<h2>Billsby API credentials</h2>
<p>Billsby's webhooks carry ids and names only; the rest of each message is read from Billsby's API with these.</p>
<dl>
 <dt>Company domain</dt><dd>${orDash(billsby.companyDomain ?? undefined, 'billsby-company')}</dd>
 <dt>State</dt><dd id="billsby-state" data-state="${escapeHtml(billsby.state)}">${escapeHtml(BILLSBY_STATE_TEXT[billsby.state] ?? billsby.state)}</dd>
</dl>
<form method="post" action="${base}/billsby" class="billsby">${csrf}
 <label>Company domain <input name="companyDomain" id="billsby-company-input" autocomplete="off" required></label>
 <label>API key <input name="apiKey" id="billsby-key-input" type="password" autocomplete="off" required></label>
 <button id="billsby-save" type="submit">Save</button>
</form>
<form method="post" action="${base}/billsby/remove">${csrf}<button id="billsby-remove" type="submit">Remove</button></form>`
    : ''
}
</body></html>`;
}

/** What a browser without a session for the account sees: nothing of the account. */
export function renderNoSession(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Webex integration</title></head><body>
<h1>Sign-in needed</h1>
<p>This page needs a fresh link. Ask your administrator for one, or run <code>npm run cli -- ui-link &lt;accountId&gt;</code>.
Links work once and for 15 minutes.</p>
</body></html>`;
}
