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
import type { DevServer } from '../../temporal/dev-server';
import { startTestDevServer } from '../harness/dev-server';
import { freePort } from '../harness/free-port';
import { createTestDatabase } from '../harness/postgres';
import type { ProductProcess } from '../harness/processes';
import {
  connectAccounts,
  deliveredCount,
  expectDeliveredOnceInOrder,
  productEnv,
  sendEvents,
  sleep,
  startGatewayProcess,
  startWorkerProcess,
  waitForDelivered,
} from '../harness/topology';

jest.setTimeout(900_000);

const ACCOUNTS = 3;
const EVENTS_PER_ACCOUNT = 150;

async function runScenario(engine: 'sqlite' | 'postgres') {
  const dataDir = mkdtempSync(path.join(tmpdir(), `crash-${engine}-`));
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const dbFilename = path.join(dataDir, 'temporal.sqlite');
  let server: DevServer = await startTestDevServer({ dbFilename });
  const temporalPort = server.port;
  const restartServer = () => startTestDevServer({ port: temporalPort, dbFilename });
  const sim: WebexSimulator = await startWebexSimulator({ port: 0 });
  sim.control.setLatency(15); // keeps posts in flight when the worker dies
  const env = productEnv({
    temporalAddress: server.address,
    gatewayPort,
    publicBaseUrl: gatewayUrl,
    sim,
    dataDir,
    ...(engine === 'postgres' ? { databaseUrl: await createTestDatabase() } : {}),
  });
  const startWorker = () => startWorkerProcess(env);
  const startGateway = () => startGatewayProcess(env);
  let worker: ProductProcess = await startWorker();
  let gateway: ProductProcess = await startGateway();
  try {
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acct-crash-${engine}-${i}`);
    const accounts = await connectAccounts(gatewayUrl, sim, ids);
    const prefix = (a: number) => `c${a}`;
    const sending = sendEvents({
      gatewayUrls: [gatewayUrl],
      accounts,
      perAccount: EVENTS_PER_ACCOUNT,
      prefix,
      pauseMs: 20,
    });
    const delivered = () => deliveredCount(sim, accounts);
    const total = ACCOUNTS * EVENTS_PER_ACCOUNT;
    const waitForMore = (atLeast: number) => waitForDelivered(sim, accounts, atLeast, total);

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
    server = await restartServer();
    await sending.done;

    await waitForDelivered(sim, accounts, total, total, 300_000);
    await sleep(2_000); // anything posted twice would show up now
    expectDeliveredOnceInOrder(sim, accounts, EVENTS_PER_ACCOUNT, prefix, sending.tally);
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
