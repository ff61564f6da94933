/** `connect`, `status`, `uninstall <accountId>`: the Webex integration through the gateway's API. */
import type { ConnectResult, StatusResult } from '../../gateway/integration/service';
import { accountIdSchema } from '../../gateway/integration/account-id';
import { CommandFailed, parseCommand, UsageError, type Parsed } from './args';
import { callGateway, expectOk, GATEWAY_OPTION, gatewayBase } from './gateway-http';
import type { Output } from '../engagement';

const OPTIONS = { ...GATEWAY_OPTION, json: { type: 'boolean' as const } };
const CONNECT_OPTIONS = { ...OPTIONS, replace: { type: 'boolean' as const } };
const usage = (cmd: string) =>
  `npm run cli -- ${cmd} <accountId>${cmd === 'connect' ? ' [--replace]' : ''} [--gateway URL] [--json]`;

/** Validated locally too, so a typo gets the same rule the gateway applies, before any request. */
export function accountIdArg(value: string | undefined, usageText: string): string {
  const parsed = accountIdSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`accountId: ${parsed.error.issues[0]!.message}`, usageText);
  return parsed.data;
}

function parse(cmd: string, argv: string[]): { parsed: Parsed; accountId: string; base: string } {
  const options = cmd === 'connect' ? CONNECT_OPTIONS : OPTIONS;
  const parsed = parseCommand(argv, { usage: usage(cmd), options, positionals: ['accountId'] });
  const accountId = accountIdArg(parsed.positionals[0], usage(cmd));
  return { parsed, accountId, base: gatewayBase(parsed.values) };
}

const apiPath = (accountId: string) => `/api/accounts/${encodeURIComponent(accountId)}/webex`;

export async function connectCommand(argv: string[], out: Output): Promise<void> {
  const { parsed, accountId, base } = parse('connect', argv);
  const answer = await callGateway(base, `${apiPath(accountId)}/connect`, {
    method: 'POST',
    json: parsed.values.replace ? { replace: true } : {},
  });
  if (answer.status === 409) {
    throw new CommandFailed(
      `${accountId} is connected; to replace its Webex user, run: npm run cli -- connect ${accountId} --replace`,
    );
  }
  expectOk(answer);
  const result = answer.body as ConnectResult;
  if (parsed.values.json) return void out.write(`${JSON.stringify(result, null, 2)}\n`);
  // The secret is printed on purpose: a person must paste it into Billsby (the control page shows it too).
  out.write(
    [
      `Webex integration for Billsby account ${accountId} (workflow ${result.workflowId})`,
      '',
      '1. Open this URL in the browser of the Webex user who installs, and allow access',
      '   (it works in that one browser, once, and expires in 10 minutes):',
      `   ${result.authorizeUrl}`,
      '',
      '2. In Billsby, Settings > Webhooks, paste both of these:',
      `   Webhook URL:    ${result.webhookUrl}`,
      `   Webhook secret: ${result.webhookSecret}`,
      '',
      `Then check: npm run cli -- status ${accountId}`,
      `(or the control page: npm run cli -- ui-link ${accountId})`,
      '',
    ].join('\n'),
  );
}

export async function statusCommand(argv: string[], out: Output): Promise<void> {
  const { parsed, accountId, base } = parse('status', argv);
  const answer = await callGateway(base, apiPath(accountId));
  expectOk(answer);
  const status = answer.body as StatusResult;
  out.write(parsed.values.json ? `${JSON.stringify(status, null, 2)}\n` : `${statusTable(status)}\n`);
}

export async function uninstallCommand(argv: string[], out: Output): Promise<void> {
  const { parsed, accountId, base } = parse('uninstall', argv);
  const answer = await callGateway(base, `${apiPath(accountId)}/uninstall`, { method: 'POST' });
  expectOk(answer);
  const status = answer.body as StatusResult;
  if (parsed.values.json) return void out.write(`${JSON.stringify(status, null, 2)}\n`);
  out.write(`Uninstalled the Webex integration of ${accountId}: nothing more will be posted.\n`);
  out.write(`${statusTable(status)}\n`);
}

/** Two aligned columns; counts get a row each so they can be grepped and read at a glance. */
export function statusTable(s: StatusResult): string {
  const c = s.counts;
  const rows: [string, string][] = [
    ['account', s.accountId],
    ['status', s.authorizationPending ? `${s.status} (an authorize URL is open)` : s.status],
    ['webex user', s.connectedAs?.displayName ?? '-'],
    ['room', s.room ? `${s.room.title} (${s.room.id})` : '-'],
    ['webhook url', s.webhookUrl],
    ['received', String(c.received)],
    ['delivered', String(c.delivered)],
    ['pending', String(c.pending)],
    ['failed', String(c.failed)],
    ['duplicates', String(c.duplicates)],
    ['dropped', String(c.dropped ?? 0)],
    ['ignored', String(c.ignored ?? 0)],
    [
      'billsby',
      s.billsby
        ? `${s.billsby.state}${s.billsby.companyDomain ? ` (company ${s.billsby.companyDomain})` : ''}`
        : '-',
    ],
    ['last error', s.lastError ?? '-'],
    ['recent failures', s.recentFailures?.length ? String(s.recentFailures.length) : '-'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const f of s.recentFailures ?? []) lines.push(`  ${f.at}  ${f.eventType} ${f.eventId}: ${f.reason}`);
  return lines.join('\n');
}

/** `ui-link <accountId>`: a fresh single-use control-page link (15 minutes). */
export async function uiLinkCommand(argv: string[], out: Output): Promise<void> {
  const { parsed, base, accountId } = parse('ui-link', argv);
  const answer = await callGateway(base, `${apiPath(accountId)}/ui-link`, { method: 'POST' });
  expectOk(answer);
  const link = answer.body as { url: string; expiresAt: string };
  if (parsed.values.json) return void out.write(`${JSON.stringify(link, null, 2)}\n`);
  out.write(
    [
      `Control page of ${accountId}: open this link in a browser (it works once, until ${link.expiresAt}):`,
      `  ${link.url}`,
      '',
    ].join('\n'),
  );
}
