/**
 * The starter scripts as a person runs them: the real CLI in a child process, against a real
 * gateway + worker + Webex simulator (startWebexApp) on the shared dev server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../harness/free-port';
import { closeTestConnections } from '../harness/temporal';
import {
  eventually,
  integrationStatus,
  roomTexts,
  startWebexApp,
  TEST_API_KEY,
  type WebexApp,
} from '../harness/webex-app';
import { ScriptBrowser } from '../../client/demo/script-browser';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SAMPLE = path.join(ROOT, 'samples/events/customer-created.json');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let app: WebexApp;
let dir: string;

/** Runs `tsx client/cli/main.ts ...args` with the environment an operator would have. */
function cli(args: string[], env: Record<string, string | undefined> = {}, stdin = ''): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PUBLIC_BASE_URL: app.gatewayUrl,
    PAYLOAD_ENCRYPTION_KEY: process.env.TEST_PAYLOAD_KEY,
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
    GATEWAY_API_KEYS: TEST_API_KEY,
    ...env,
  };
  // A secret in the test runner's own environment must not leak into the checks.
  if (!('BILLSBY_WEBHOOK_SECRET' in env)) delete childEnv.BILLSBY_WEBHOOK_SECRET;
  return new Promise((resolve) => {
    const child = execFile(
      TSX,
      [path.join(ROOT, 'client/cli/main.ts'), ...args],
      { cwd: ROOT, env: childEnv, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

const gw = () => ['--gateway', app.gatewayUrl];
let counter = 0;
const newAccount = () => `acct-cli-${Date.now().toString(36)}-${counter++}`;

/** connect through the CLI, then play the browser: open the printed URL and follow the redirects. */
async function connectViaCli(accountId: string) {
  const connect = await cli(['connect', accountId, ...gw()]);
  expect(connect).toMatchObject({ code: 0, stderr: '' });
  const authorizeUrl = /^\s+(http\S+\/oauth\/webex\/start\?\S+)$/m.exec(connect.stdout)?.[1];
  expect(authorizeUrl).toBeDefined();
  // The installing user's browser: the start link's page, its button binds the browser, then
  // Webex, then our callback.
  const browser = new ScriptBrowser();
  const start = await browser.open(authorizeUrl!);
  expect(start.status).toBe(303);
  const authorize = await browser.request(start.location!);
  expect(authorize.status).toBe(302);
  const callback = await browser.request(authorize.location!);
  expect(callback.location).toBe(`${app.gatewayUrl}/ui/accounts/${accountId}/webex?outcome=connected`);
  return { connect, authorizeUrl: authorizeUrl!, webexAuthorizeUrl: start.location! };
}

beforeAll(async () => {
  app = await startWebexApp({ billsby: {} });
  dir = mkdtempSync(path.join(tmpdir(), 'cli-webex-'));
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

describe('CLI: connect, status, send-event, uninstall through the gateway', () => {
  it('walks one account through the whole life of an integration', async () => {
    const accountId = newAccount();
    const { connect, authorizeUrl, webexAuthorizeUrl } = await connectViaCli(accountId);
    expect(authorizeUrl.startsWith(`${app.gatewayUrl}/oauth/webex/start?`)).toBe(true);
    expect(webexAuthorizeUrl.startsWith(`${app.sim.baseUrl}/authorize?`)).toBe(true);
    expect(new URL(webexAuthorizeUrl).searchParams.get('state')).toMatch(new RegExp(`^${accountId}~`));
    expect(connect.stdout).toContain(`Webhook URL:    ${app.gatewayUrl}/webhooks/billsby/${accountId}`);
    expect(connect.stdout).toContain(`Webhook secret: ${await app.secretFor(accountId)}`);
    expect(connect.stdout).toContain('Settings > Webhooks');

    const status = await cli(['status', accountId, ...gw()]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^status\s+connected$/m);
    expect(status.stdout).toMatch(/^webex user\s+Ada Lovelace$/m);
    expect(status.stdout).toMatch(/^room\s+Billsby Data \(/m);
    expect(status.stdout).toMatch(/^received\s+0$/m);
    expect(status.stdout).toMatch(/^last error\s+-$/m);
    // The status table is for reading over a shoulder: it never shows the secret.
    expect(status.stdout).not.toContain(await app.secretFor(accountId));

    // send-event through the real webhook, the secret from the environment (never the command line).
    const secret = await app.secretFor(accountId);
    const sent = await cli(['send-event', '--account', accountId, '--file', SAMPLE, ...gw()], {
      BILLSBY_WEBHOOK_SECRET: secret,
    });
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expect(sent.stdout).toMatch(/^202 accepted: event 3f9e2a71-5c4d-4b8e-9a06-1d2c3b4a5f60/);
    const { room } = (await integrationStatus(app, accountId)).body as { room: { id: string } };
    const texts = await eventually(
      async () => roomTexts(app, room.id),
      (t) => t.length === 1,
    );
    expect(texts[0]).toMatch(/^Customer created\n/);
    expect(texts[0]).toContain('CustomerUniqueId: 5VL9JC0NE0');

    // Or piped in on standard input.
    const again = await cli(
      ['send-event', '--account', accountId, '--file', SAMPLE, '--secret-stdin', ...gw()],
      {},
      `${secret}\n`,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^202 duplicate: /);
    // A wrong secret → 401, exit 1; none at all → a usage error naming both ways, nothing sent.
    const wrongEnv = await cli(['send-event', '--account', accountId, '--file', SAMPLE, ...gw()], {
      BILLSBY_WEBHOOK_SECRET: 'whsec_wrong',
    });
    expect(wrongEnv.code).toBe(1);
    expect(wrongEnv.stderr).toContain('gateway answered 401');
    const none = await cli(['send-event', '--account', accountId, '--file', SAMPLE, ...gw()]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('BILLSBY_WEBHOOK_SECRET');
    expect(none.stderr).toContain('--secret-stdin');

    // rotate-secret: a new secret; the old one keeps working through the grace period.
    const rotated = await cli(['rotate-secret', accountId, '--grace-seconds', '600', '--json', ...gw()]);
    expect(rotated.code).toBe(0);
    const { webhookSecret } = JSON.parse(rotated.stdout) as { webhookSecret: string };
    expect(webhookSecret).not.toBe(secret);
    expect(await app.secretFor(accountId)).toBe(webhookSecret);

    await eventually(
      () => cli(['status', accountId, ...gw()]),
      (r) => /^delivered\s+1$/m.test(r.stdout) && /^duplicates\s+1$/m.test(r.stdout),
    );
    expect(roomTexts(app, room.id)).toHaveLength(1);

    // events: each event's delivery state from the log, with its Webex message id.
    const [message] = app.sim.control.messages(room.id);
    const events = await cli(['events', accountId, '--state', 'delivered', ...gw()]);
    expect(events).toMatchObject({ code: 0, stderr: '' });
    expect(events.stdout).toMatch(
      new RegExp(
        `^delivered .+ CustomerCreated\\s+3f9e2a71-5c4d-4b8e-9a06-1d2c3b4a5f60  attempts 1  ${message!.id}$`,
        'm',
      ),
    );
    expect((await cli(['events', accountId, '--state', 'failed', ...gw()])).stdout).toBe(
      `No failed events for ${accountId}.\n`,
    );

    const uninstall = await cli(['uninstall', accountId, ...gw()]);
    expect(uninstall.code).toBe(0);
    expect(uninstall.stdout).toMatch(/^status\s+uninstalled$/m);
    const after = await cli(['status', accountId, '--json', ...gw()]);
    expect(JSON.parse(after.stdout)).toMatchObject({ accountId, status: 'uninstalled' });
  });

  it('a malformed event is refused with the issues printed, and nothing is queued', async () => {
    const accountId = newAccount();
    await connectViaCli(accountId);
    const file = path.join(dir, 'malformed.json');
    writeFileSync(
      file,
      JSON.stringify({ Id: 'bad-1', Type: 'CustomerCreated', CustomerDetails: { Email: 42 } }),
    );
    const res = await cli(['send-event', '--account', accountId, '--file', file, ...gw()], {
      BILLSBY_WEBHOOK_SECRET: await app.secretFor(accountId),
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('gateway answered 400: invalid Billsby event');
    expect(res.stderr).toContain('  - CustomerUniqueId: required');
    expect(res.stderr).toContain('  - CustomerDetails.Email: expected string, received number');
    const status = await integrationStatus(app, accountId);
    expect(status.body).toMatchObject({ counts: { received: 0, pending: 0 } });
  });

  it('an account that never integrated: status 404, send-event 401, exit code 1', async () => {
    const accountId = newAccount();
    const status = await cli(['status', accountId, ...gw()]);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('gateway answered 404');
    // No secret was ever issued for it, so the webhook cannot tell a guess from a stranger: 401.
    const sent = await cli(['send-event', '--account', accountId, '--file', SAMPLE, ...gw()], {
      BILLSBY_WEBHOOK_SECRET: 'whsec_guess',
    });
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain('gateway answered 401');
  });

  it('sends the API key from GATEWAY_API_KEYS; a wrong key is refused with a hint; ui-link prints a working link', async () => {
    const accountId = newAccount();
    await connectViaCli(accountId);
    const refused = await cli(['status', accountId, ...gw()], {
      GATEWAY_API_KEYS: 'wrong-key-0123456789abcdef0123',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('gateway answered 401: the API key was refused');
    // A connected integration is not replaced by a plain connect.
    const again = await cli(['connect', accountId, ...gw()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`npm run cli -- connect ${accountId} --replace`);

    const link = await cli(['ui-link', accountId, ...gw()]);
    expect(link.code).toBe(0);
    const url = /^\s+(http\S+\/open\?token=\S+)$/m.exec(link.stdout)?.[1];
    expect(url?.startsWith(`${app.gatewayUrl}/ui/accounts/${accountId}/webex/open?`)).toBe(true);
    const browser = new ScriptBrowser();
    const opened = await browser.open(url!);
    expect(opened).toMatchObject({
      status: 303,
      location: `${app.gatewayUrl}/ui/accounts/${accountId}/webex`,
    });
    const page = await browser.request(opened.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-status="connected"');
  });

  it('uses PUBLIC_BASE_URL when --gateway is not given, and says so when nothing answers', async () => {
    const accountId = newAccount();
    const viaEnv = await cli(['status', accountId]);
    expect(viaEnv.stderr).toContain('gateway answered 404');
    // A port that was free a moment ago: nothing listens there.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await cli(['status', accountId], { PUBLIC_BASE_URL: closed });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`could not reach the gateway at ${closed} (ECONNREFUSED)`);
  });
});

describe('CLI: billsby-credentials', () => {
  it('stores a key from standard input (checked with Billsby), shows the state but never the key, and removes it', async () => {
    const accountId = newAccount();
    await connectViaCli(accountId);
    const { companyDomain, apiKey } = app.billsby!.control.dataset;
    const wrong = await cli(
      ['billsby-credentials', accountId, '--company-domain', companyDomain, '--api-key-stdin', ...gw()],
      {},
      'wrong-key-0123456789\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/422/);
    expect(wrong.stderr).toMatch(/refused the API key/);
    const stored = await cli(
      ['billsby-credentials', accountId, '--company-domain', companyDomain, '--api-key-stdin', ...gw()],
      {},
      `${apiKey}\n`,
    );
    expect(stored).toMatchObject({ code: 0, stderr: '' });
    expect(stored.stdout).toContain(`Billsby for ${accountId}: ok (company ${companyDomain})`);
    const shown = await cli(['billsby-credentials', accountId, '--show', ...gw()]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('ok (company');
    const status = await cli(['status', accountId, ...gw()]);
    expect(status.stdout).toMatch(new RegExp(`^billsby\\s+ok \\(company ${companyDomain}\\)$`, 'm'));
    for (const out of [stored, shown, status]) expect(out.stdout + out.stderr).not.toContain(apiKey);
    const removed = await cli(['billsby-credentials', accountId, '--remove', ...gw()]);
    expect(removed.code).toBe(0);
    expect((await cli(['billsby-credentials', accountId, '--show', ...gw()])).stdout).toContain(
      'not_configured',
    );
  });

  it('refuses a key on the command line and a missing key, sending nothing', async () => {
    const onArgv = await cli([
      'billsby-credentials',
      'acct-x',
      '--company-domain',
      'widgets',
      '--api-key',
      'k',
      ...gw(),
    ]);
    expect(onArgv.code).toBe(2);
    const none = await cli(['billsby-credentials', 'acct-x', '--company-domain', 'widgets', ...gw()], {
      BILLSBY_API_KEY: '',
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--api-key-stdin/);
  });
});

describe('CLI: usage errors exit 2 and send nothing', () => {
  it.each([
    ['no command', []],
    ['unknown command', ['frobnicate']],
    ['connect without an account', ['connect']],
    ['a bad account id', ['status', 'not ok!']],
    ['an unknown flag', ['status', 'acct-1', '--verbose']],
    ['an extra argument', ['uninstall', 'acct-1', 'acct-2']],
    ['send-event without --file', ['send-event', '--account', 'acct-1']],
    ['send-event without --account', ['send-event', '--file', SAMPLE]],
    ['events with an unknown state', ['events', 'acct-1', '--state', 'lost']],
    ['events with a bad limit', ['events', 'acct-1', '--limit', '0']],
    [
      'rotate-secret with a grace period over 7 days',
      ['rotate-secret', 'acct-1', '--grace-seconds', '604801'],
    ],
    [
      'send-event with a secret on the command line',
      ['send-event', '--account', 'a', '--file', SAMPLE, '--secret', 'x'],
    ],
    ['--gateway that is not a URL', ['status', 'acct-1', '--gateway', 'localhost']],
    ['engagement without a subcommand', ['engagement']],
    ['engagement schedule without --every', ['engagement', 'schedule']],
    ['engagement schedule with a bad --every', ['engagement', 'schedule', '--every', 'daily']],
    ['engagement run with a bad --as-of', ['engagement', 'run', '--as-of', 'yesterday']],
    ['engagement report without an id', ['engagement', 'report']],
  ])('%s', async (_name, args) => {
    const res = await cli(args as string[]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^error: /);
    expect(res.stdout).toBe('');
  });

  it('a missing or non-JSON event file is a clear error before anything is sent', async () => {
    const missing = await cli(['send-event', '--account', 'acct-1', '--file', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file');
    const file = path.join(dir, 'not-json.json');
    writeFileSync(file, '{"Id": "x", ');
    const notJson = await cli(['send-event', '--account', 'acct-1', '--file', file]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('not-json.json is not valid JSON');
  });

  it('--help lists every command and exits 0', async () => {
    const res = await cli(['--help']);
    expect(res.code).toBe(0);
    for (const command of [
      'connect <accountId>',
      'status <accountId>',
      'uninstall <accountId>',
      'send-event --account <accountId> --file <event.json>',
      'events <accountId> [--state queued|delivered|failed|dropped|ignored]',
      'rotate-secret <accountId> [--grace-seconds N]',
      'billsby-credentials <accountId> (--company-domain <cd> [--api-key-stdin] | --show | --remove)',
      'engagement run [--max-orgs N] [--as-of DATE] [--out FILE.json|FILE.csv]',
      'engagement schedule --every <duration>',
      'engagement report <workflowId>',
    ]) {
      expect(res.stdout).toContain(command);
    }
  });
});
