/**
 * `redeliver` and `forget-customer` as an operator runs them: the real CLI in a child process,
 * against a real gateway + worker + Webex simulator (startWebexApp) on the shared dev server.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { closeTestConnections } from '../harness/temporal';
import {
  connectAsOwnUser,
  eventually,
  numberedEvent,
  roomTexts,
  sendEvent,
  startWebexApp,
  TEST_API_KEY,
  type WebexApp,
} from '../harness/webex-app';
import { http } from '../harness/http';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let app: WebexApp;

function cli(args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PUBLIC_BASE_URL: app.gatewayUrl,
    PAYLOAD_ENCRYPTION_KEY: process.env.TEST_PAYLOAD_KEY,
    TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
    GATEWAY_API_KEYS: TEST_API_KEY,
  };
  return new Promise((resolve) => {
    execFile(
      TSX,
      [path.join(ROOT, 'client/cli/main.ts'), ...args],
      { cwd: ROOT, env, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  app = await startWebexApp();
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

const stateOf = async (accountId: string, eventId: string) =>
  (
    (
      await http(`${app.gatewayUrl}/api/accounts/${accountId}/webex/events/${eventId}`, {
        headers: app.authHeaders,
      })
    ).body as { state: string }
  ).state;

describe('CLI: redeliver and forget-customer', () => {
  it.each([
    [['redeliver', '--state', 'failed'], 'missing --account'],
    [['redeliver', '--account', 'a1'], 'give exactly one of --event <eventId> or --state failed|dropped'],
    [['redeliver', '--account', 'a1', '--event', 'e', '--state', 'failed'], 'give exactly one of --event'],
    [['redeliver', '--account', 'a1', '--state', 'delivered'], '--state must be one of failed, dropped'],
    [
      ['redeliver', '--account', 'a1', '--event', 'e', '--since', '2026-03-01'],
      '--since only applies with --state',
    ],
    [
      ['redeliver', '--account', 'a1', '--state', 'failed', '--since', 'last week'],
      '--since must be an ISO 8601',
    ],
    [['redeliver', '--account', 'a1', '--state', 'failed', '--force'], '--force only applies with --event'],
    [['redeliver', '--account', 'a1', '--state', 'failed', '--replay'], "Unknown option '--replay'"],
    [['forget-customer', '--account', 'a1'], 'missing --customer'],
  ])('%j is a usage error (exit 2) naming what is wrong', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: npm run cli --');
  });

  it('a dry run lists what would be posted, the real run re-queues it, and a delivered event needs --force', async () => {
    const accountId = `acct-clir-${Date.now().toString(36)}`;
    const { roomId } = await connectAsOwnUser(app, accountId);
    app.sim.control.respondNext(1, { status: 400 }, { method: 'POST', pathPrefix: '/messages', roomId });
    await sendEvent(app, accountId, numberedEvent('clir', 1));
    await eventually(
      () => stateOf(accountId, 'clir-1'),
      (state) => state === 'failed',
    );

    const dry = await cli(['redeliver', '--account', accountId, '--state', 'failed', '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toBe(
      [
        `Dry run for ${accountId}: nothing was changed.`,
        'Would post again, in this order, after what is queued (1):',
        '  clir-1',
        '',
      ].join('\n'),
    );
    expect(await stateOf(accountId, 'clir-1')).toBe('failed');

    const real = await cli([
      'redeliver',
      '--account',
      accountId,
      '--state',
      'failed',
      '--since',
      '2020-01-01',
    ]);
    expect(real).toMatchObject({ code: 0, stderr: '' });
    expect(real.stdout).toContain(
      `Re-queued for ${accountId}, in this order, after what was queued (1):\n  clir-1\n`,
    );
    await eventually(
      () => stateOf(accountId, 'clir-1'),
      (state) => state === 'delivered',
    );
    expect(roomTexts(app, roomId)).toEqual([expect.stringContaining('clir-customer-1')]);

    const refused = await cli(['redeliver', '--account', accountId, '--event', 'clir-1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('event clir-1 was already delivered');
    expect(refused.stderr).toContain('--force');

    const forcedDry = await cli([
      'redeliver',
      '--account',
      accountId,
      '--event',
      'clir-1',
      '--force',
      '--dry-run',
      '--json',
    ]);
    expect(forcedDry.code).toBe(0);
    expect(JSON.parse(forcedDry.stdout)).toEqual({
      dryRun: true,
      requeued: [],
      skippedAlreadyInRoom: ['clir-1'],
      refused: [],
      more: false,
    });

    const unknown = await cli(['redeliver', '--account', `never-${accountId}`, '--state', 'failed']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('gateway answered 404');
  });

  it('forget-customer prints how many payloads it erased', async () => {
    const accountId = `acct-clif-${Date.now().toString(36)}`;
    await connectAsOwnUser(app, accountId);
    await sendEvent(app, accountId, { Id: 'f-1', Type: 'CustomerCreated', CustomerUniqueId: 'CUST-F' });
    await sendEvent(app, accountId, { Id: 'f-2', Type: 'CustomerCreated', CustomerUniqueId: 'CUST-F' });
    await sendEvent(app, accountId, { Id: 'g-1', Type: 'CustomerCreated', CustomerUniqueId: 'CUST-G' });
    await eventually(
      () => stateOf(accountId, 'g-1'),
      (state) => state === 'delivered',
    );
    const result = await cli(['forget-customer', '--account', accountId, '--customer', 'CUST-F']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`Erased 2 stored payloads of that customer's events in ${accountId}.`);
    const again = await cli(['forget-customer', '--account', accountId, '--customer', 'CUST-F', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ erased: 0, dropped: 0 });
  });
});
