import type { FastifyInstance } from 'fastify';
import { StatusUnavailableError, type StatusResult } from '../integration/service';
import type { GatewayContext } from './context';
import { accountIdOr400 } from './replies';

const escapeHtml = (value: unknown) =>
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
};

function render(
  accountId: string,
  status: StatusResult | null,
  secret: string | null,
  outcome?: string,
  unavailable?: string,
): string {
  const state = status?.status ?? 'not_integrated';
  const showUninstall = status !== null && state !== 'uninstalled';
  // A failed attempt is told once, in red, with its reason (below); no green notice for it.
  const message = outcome && outcome !== 'failed' ? OUTCOME_TEXT[outcome] : undefined;
  const failure =
    state === 'failed' || outcome === 'failed'
      ? `The integration failed. ${status?.lastError ?? 'Please try again.'}`
      : undefined;
  const connectedAs = state === 'uninstalled' ? undefined : status?.connectedAs?.displayName;
  const orDash = (value: string | undefined, id: string) =>
    value ? `<code id="${id}">${escapeHtml(value)}</code>` : `<span id="${id}">—</span>`;
  const counts = status?.counts;
  const base = `/api/accounts/${encodeURIComponent(accountId)}/webex`;
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
 ${counts ? `<dt>Events</dt><dd id="counts">${counts.received} received · ${counts.delivered} delivered · ${counts.pending} pending · ${counts.failed} failed · ${counts.duplicates} duplicates · ${counts.dropped} dropped</dd>` : ''}
</dl>
<div class="actions">
 <form method="post" action="${base}/connect"><button id="integrate" type="submit">${state === 'connected' ? 'Reconnect' : '+ Integrate'}</button></form>
 ${showUninstall ? `<form method="post" action="${base}/uninstall"><button id="uninstall" type="submit">Uninstall</button></form>` : ''}
</div>
</body></html>`;
}

/** `GET /ui/accounts/:accountId/webex`: the integration's control page, server-rendered. */
export function registerControlPage(app: FastifyInstance, ctx: GatewayContext) {
  app.get('/ui/accounts/:accountId/webex', async (request, reply) => {
    const accountId = accountIdOr400(request, reply);
    if (!accountId) return reply;
    const outcome = (request.query as { outcome?: string }).outcome;
    let status: StatusResult | null = null;
    let unavailable: string | undefined;
    try {
      status = await ctx.integrations.status(accountId);
    } catch (err) {
      if (!(err instanceof StatusUnavailableError)) throw err;
      unavailable = `Status is unavailable right now (${err.message}). Last known status: ${err.lastKnownStatus ?? 'unknown'}.`;
    }
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        render(accountId, status, await ctx.integrations.secrets.current(accountId), outcome, unavailable),
      );
  });
}
