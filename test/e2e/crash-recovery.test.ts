/**
 * Production topology in processes: a Temporal server on a file (restartable), the worker and the
 * gateway each in their own Node process, the Webex simulator here. Events flow while the worker
 * is killed with SIGKILL several times, the gateway once, and the Temporal server is restarted.
 * Every event answered 202 must be posted exactly once, in order per account; on the embedded
 * event log and on PostgreSQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWebexSimulator, type WebexSimulator } from '../../simulators/webex';
import { ensureTemporalCli } from '../../temporal/cli';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { freePort } from '../harness/free-port';
import { http } from '../harness/http';
import { createTestDatabase } from '../harness/postgres';
import { startProductProcess, waitUntil, type ProductProcess } from '../harness/processes';
import { numberedEvent } from '../harness/webex-app';

jest.setTimeout(900_000);

const ACCOUNTS = 3;
const EVENTS_PER_ACCOUNT = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runScenario(engine: 'sqlite' | 'postgres') {
  const dataDir = mkdtempSync(path.join(tmpdir(), `crash-${engine}-`));
  const temporalPort = await freePort();
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const startServer = () =>
    startDevServer({
      cliPath: ensureTemporalCli().path,
      port: temporalPort,
      dbFilename: path.join(dataDir, 'temporal.sqlite'),
      readyTimeoutMs: 120_000,
    });
  let server: DevServer = await startServer();
  const sim: WebexSimulator = await startWebexSimulator({ port: 0 });
  sim.control.setLatency(15); // keeps posts in flight when the worker dies
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: server.address,
    GATEWAY_PORT: String(gatewayPort),
    PUBLIC_BASE_URL: gatewayUrl,
    WEBEX_API_BASE_URL: sim.baseUrl,
    WEBEX_CLIENT_ID: 'sim-client-id',
    WEBEX_CLIENT_SECRET: 'sim-client-secret',
    PAYLOAD_ENCRYPTION_KEY: process.env.TEST_PAYLOAD_KEY!,
    PIPELINE_DATA_DIR: dataDir,
    ...(engine === 'postgres' ? { DATABASE_URL: await createTestDatabase() } : {}),
  };
  const startWorker = async () => {
    const worker = startProductProcess('workers/main.ts', env);
    await waitUntil(worker, () => worker.output().includes('[worker] polling'), 'worker');
    return worker;
  };
  const startGateway = async () => {
    const gateway = startProductProcess('client/gateway/main.ts', env);
    await waitUntil(
      gateway,
      async () => (await http(`${gatewayUrl}/healthz`).catch(() => null))?.status === 200,
      'gateway',
    );
    return gateway;
  };
  let worker: ProductProcess = await startWorker();
  let gateway: ProductProcess = await startGateway();
  try {
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `acct-crash-${engine}-${i}`);
    const secrets = new Map<string, string>();
    const rooms = new Map<string, string>();
    for (const accountId of accounts) {
      sim.control.addUser({ displayName: accountId, email: `${accountId}@example.com` });
      sim.control.setAuthorizingUser(`${accountId}@example.com`);
      const connect = await http(`${gatewayUrl}/api/accounts/${accountId}/webex/connect`, { method: 'POST' });
      expect(connect.status).toBe(200);
      const { authorizeUrl, webhookSecret } = connect.body as { authorizeUrl: string; webhookSecret: string };
      const authorize = await http(authorizeUrl);
      const callback = await http(authorize.headers.get('location')!);
      expect(callback.headers.get('location')).toContain('outcome=connected');
      secrets.set(accountId, webhookSecret);
      const status = await http(`${gatewayUrl}/api/accounts/${accountId}/webex`);
      rooms.set(accountId, (status.body as { room: { id: string } }).room.id);
    }

    // One sender per account, one event in flight each: the account's send order is its order.
    // A request that does not get an answer (gateway killed) is sent again until it is answered.
    let sending = true;
    const answered = { accepted: 0, duplicate: 0, other: [] as number[] };
    const senders = accounts.map(async (accountId, a) => {
      for (let n = 1; n <= EVENTS_PER_ACCOUNT; n++) {
        for (;;) {
          const res = await http(`${gatewayUrl}/webhooks/billsby/${accountId}`, {
            json: numberedEvent(`c${a}`, n),
            headers: { secret: secrets.get(accountId)! },
          }).catch(() => null);
          if (res?.status === 202) {
            answered[(res.body as { status: 'accepted' | 'duplicate' }).status]++;
            break;
          }
          if (res) answered.other.push(res.status);
          await sleep(100);
        }
        await sleep(20);
      }
    });
    const allSent = Promise.all(senders).then(() => (sending = false));

    const delivered = () =>
      accounts.reduce((sum, id) => sum + sim.control.messages(rooms.get(id)!).length, 0);
    const total = ACCOUNTS * EVENTS_PER_ACCOUNT;
    const waitForMore = async (atLeast: number) => {
      const deadline = Date.now() + 180_000;
      while (delivered() < Math.min(atLeast, total) && Date.now() < deadline) await sleep(100);
    };

    for (let kill = 1; kill <= 3; kill++) {
      await waitForMore(delivered() + 20);
      await worker.kill9();
      await sleep(500);
      worker = await startWorker();
    }
    await waitForMore(delivered() + 20);
    await gateway.kill9();
    await sleep(1_000);
    gateway = await startGateway();
    await waitForMore(delivered() + 20);
    await server.stop();
    await sleep(2_000);
    server = await startServer();
    await allSent;
    expect(sending).toBe(false);

    const deadline = Date.now() + 300_000;
    while (delivered() < total && Date.now() < deadline) await sleep(250);
    await sleep(2_000); // anything posted twice would show up now
    // A retry of a request whose answer was lost with the gateway is rightly a "duplicate".
    expect(answered.accepted + answered.duplicate).toBe(total);
    for (const [a, accountId] of accounts.entries()) {
      const posted = sim.control.messages(rooms.get(accountId)!).map((m) => (m.text ?? '').split('\n')[1]);
      const expected = Array.from(
        { length: EVENTS_PER_ACCOUNT },
        (_, i) => `CustomerUniqueId: c${a}-customer-${i + 1}`,
      );
      expect({ accountId, posted }).toEqual({ accountId, posted: expected });
    }
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\n--- worker ---\n${worker.output()}\n--- gateway ---\n${gateway.output()}`,
    );
  } finally {
    await gateway.stop();
    await worker.stop();
    await sim.close();
    await server.stop();
  }
}

describe('kill -9 of the worker and the gateway, and a Temporal restart, while events flow', () => {
  it('on the embedded event log: nothing lost, nothing duplicated, order kept per account', async () => {
    await runScenario('sqlite');
  });

  it('on PostgreSQL: nothing lost, nothing duplicated, order kept per account', async () => {
    await runScenario('postgres');
  });
});
