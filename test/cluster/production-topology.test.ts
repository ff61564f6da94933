/**
 * The product on a real Temporal cluster: the pinned Temporal server (built from source on first
 * use, see scripts/temporal-cluster/cluster.ts) on PostgreSQL, the event log in its own database on the
 * same PostgreSQL, two worker processes and two gateway processes. Events go alternately through
 * both gateways while one worker is killed -9 and restarted, one gateway is killed -9 (the sender
 * retries, as Billsby would) and the Temporal server is restarted. Then a BILL engagement run
 * with a worker killed in the middle gives the same report as an undisturbed run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { runEngagement } from '../../client/engagement';
import { openEventLog } from '../../eventlog/open';
import type { EngagementReport } from '../../domain/engagement';
import {
  generateBillDataset,
  SEED_CREDENTIALS,
  startBillSimulator,
  type BillSimulator,
} from '../../simulators/bill';
import { startWebexSimulator, type WebexSimulator } from '../../simulators/webex';
import {
  clusterDown,
  clusterUp,
  restartTemporalServer,
  type ClusterInfo,
} from '../../scripts/temporal-cluster/cluster';
import { freePort } from '../harness/free-port';
import { http } from '../harness/http';
import { runCli, type ProductProcess } from '../harness/processes';
import { closeTestConnections, createTestClient, testKeys } from '../harness/temporal';
import { API_AUTH_HEADERS } from '../harness/webex-app';
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
  type ConnectedAccount,
} from '../harness/topology';
import { progressLog } from '../harness/progress-log';

// The first run on a machine builds the Temporal server (beforeAll has its own, longer limit).
// The engagement test waits out the start-to-close timeout of the BILL call the killed worker held.
jest.setTimeout(1_200_000);

const ACCOUNTS = 4;
const EVENTS_PER_ACCOUNT = 100;
const ORGANIZATIONS = 40;
const AS_OF = '2026-11-01';

/** Progress lines go to the run's log captures, not the console (test/harness/progress-log.ts). */
const log = progressLog('cluster-test');

let home: string;
let cluster: ClusterInfo;
let dataDir: string;
let webex: WebexSimulator;
let bill: BillSimulator;
let workerEnvs: Record<string, string>[];
let gatewayEnvs: Record<string, string>[];
const workers: ProductProcess[] = [];
const gateways: ProductProcess[] = [];
let client: Client;

const outputs = () =>
  [
    ...workers.map((w, i) => `--- worker ${i} ---\n${w.output()}`),
    ...gateways.map((g, i) => `--- gateway ${i} ---\n${g.output()}`),
  ].join('\n');

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'billsby-cluster-test-'));
  dataDir = mkdtempSync(path.join(tmpdir(), 'billsby-cluster-data-'));
  const started = Date.now();
  cluster = await clusterUp({ home, log });
  log(`cluster up in ${Date.now() - started} ms: ${cluster.temporalAddress}, ${cluster.databaseUrl}`);

  webex = await startWebexSimulator({ port: 0 });
  webex.control.setLatency(15); // keeps posts in flight when a worker dies
  bill = await startBillSimulator({
    dataset: generateBillDataset({ organizations: ORGANIZATIONS, seed: 14 }),
    latencyMs: 40, // long enough that a worker dies with organizations in flight
  });
  const ports = [await freePort(), await freePort()];
  const publicBaseUrl = `http://127.0.0.1:${ports[0]}`;
  const base = {
    temporalAddress: cluster.temporalAddress,
    publicBaseUrl,
    sim: webex,
    dataDir,
    databaseUrl: cluster.databaseUrl,
    extra: {
      TEMPORAL_NAMESPACE: cluster.namespace,
      BILL_API_BASE_URL: bill.baseUrl,
      BILL_USERNAME: SEED_CREDENTIALS.username,
      BILL_PASSWORD: SEED_CREDENTIALS.password,
      BILL_APP_KEY: SEED_CREDENTIALS.appKey,
      BILL_DEV_KEY: SEED_CREDENTIALS.devKey,
    },
  };
  // Each worker has a data folder of its own, as on two machines: nothing of a run may depend on one.
  workerEnvs = [0, 1].map((i) =>
    productEnv({ ...base, gatewayPort: ports[0]!, dataDir: mkdtempSync(path.join(dataDir, `worker-${i}-`)) }),
  );
  gatewayEnvs = ports.map((gatewayPort) => productEnv({ ...base, gatewayPort }));
  workers.push(...(await Promise.all(workerEnvs.map((env) => startWorkerProcess(env)))));
  gateways.push(...(await Promise.all(gatewayEnvs.map((env) => startGatewayProcess(env)))));
  client = await createTestClient(cluster.temporalAddress);
}, 2_700_000); // a cold build took 22 minutes of wall time on a loaded 2-core machine

afterAll(async () => {
  await Promise.all([...gateways, ...workers].map((p) => p.stop()));
  await closeTestConnections();
  await webex?.close();
  await bill?.close();
  if (home) await clusterDown({ home, removeData: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('production topology on a real Temporal cluster (PostgreSQL)', () => {
  it('two workers, two gateways: kill -9 a worker and a gateway, restart Temporal; every event once, in order', async () => {
    const gatewayUrls = gatewayEnvs.map((env) => `http://127.0.0.1:${env.GATEWAY_PORT}`);
    try {
      const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acct-cluster-${i}`);
      const accounts: ConnectedAccount[] = await connectAccounts(gatewayUrls[0]!, webex, ids);
      const prefix = (a: number) => `k${a}`;
      const sending = sendEvents({
        gatewayUrls,
        accounts,
        perAccount: EVENTS_PER_ACCOUNT,
        prefix,
        pauseMs: 20,
      });
      const total = ACCOUNTS * EVENTS_PER_ACCOUNT;
      const delivered = () => deliveredCount(webex, accounts);
      const waitForMore = (n: number) => waitForDelivered(webex, accounts, delivered() + n, total);

      await waitForMore(40);
      log(`kill -9 worker 0 at ${delivered()} delivered`);
      await workers[0]!.kill9();
      await sleep(1_000);
      workers[0] = await startWorkerProcess(workerEnvs[0]!);

      await waitForMore(40);
      log(`kill -9 gateway 1 at ${delivered()} delivered`);
      await gateways[1]!.kill9();
      await sleep(1_000);
      gateways[1] = await startGatewayProcess(gatewayEnvs[1]!);

      await waitForMore(40);
      log(`restarting the Temporal server at ${delivered()} delivered`);
      await restartTemporalServer(home, log);

      await sending.done;
      await waitForDelivered(webex, accounts, total, total, 300_000);
      await sleep(3_000); // anything posted twice would show up now
      log(`all ${delivered()} delivered; sender tally ${JSON.stringify(sending.tally)}`);
      expectDeliveredOnceInOrder(webex, accounts, EVENTS_PER_ACCOUNT, prefix, sending.tally);

      // The integrations kept their tokens (no new authorization) and their rooms.
      for (const { accountId, roomId } of accounts) {
        for (const url of gatewayUrls) {
          const status = await http(`${url}/api/accounts/${accountId}/webex`, { headers: API_AUTH_HEADERS });
          expect(status.status).toBe(200);
          expect(status.body).toMatchObject({ status: 'connected', room: { id: roomId } });
        }
      }
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${outputs()}`);
    }
  });

  it('an engagement run with a worker killed in the middle gives the same report as an undisturbed run; its changes and a CLI elsewhere read it from the database', async () => {
    const out = { write: () => true };
    // Small parts and no inline report: parts are written by both workers (separate data folders)
    // and the report is read back from the database, as a large run's would be.
    const input = { flushAfterBytes: 2_000, inlineReportLimitBytes: 2_000 };
    const eventLog = await openEventLog({ databaseUrl: cluster.databaseUrl, keys: testKeys() });
    const documents = async () => eventLog;
    const comparable = (report: EngagementReport) => ({
      asOf: report.asOf,
      totals: report.totals,
      organizations: [...report.organizations].sort((a, b) =>
        a.organizationId.localeCompare(b.organizationId),
      ),
    });
    try {
      const undisturbed = await runEngagement({ client, out, options: { asOf: AS_OF }, input, documents });
      expect(undisturbed.report.organizations).toHaveLength(ORGANIZATIONS);

      const requestsBefore = bill.control.requestLog().length;
      const disturbed = runEngagement({ client, out, options: { asOf: AS_OF }, input, documents });
      // Kill once the run is well under way (a quarter of the undisturbed run's BILL calls).
      const deadline = Date.now() + 120_000;
      while (bill.control.requestLog().length - requestsBefore < requestsBefore / 4 && Date.now() < deadline)
        await sleep(50);
      log(
        `kill -9 worker 1 during the engagement run (${bill.control.requestLog().length - requestsBefore} BILL calls in)`,
      );
      await workers[1]!.kill9();
      await sleep(1_000);
      workers[1] = await startWorkerProcess(workerEnvs[1]!);
      const result = await disturbed;

      expect(comparable(result.report)).toEqual(comparable(undisturbed.report));
      // Its changes: compared with the undisturbed run (the latest full run, whichever worker
      // recorded it), and nothing changed between the two.
      expect(result.report.changes).toMatchObject({
        comparedTo: { workflowId: undisturbed.workflowId },
        organizations: [],
      });

      // A CLI on a third machine (an empty data folder) prints the report from the database.
      const elsewhere = await runCli(['engagement', 'report', result.workflowId], {
        ...workerEnvs[0]!,
        PIPELINE_DATA_DIR: mkdtempSync(path.join(dataDir, 'cli-')),
      });
      expect(elsewhere).toMatchObject({ code: 0 });
      expect(elsewhere.stdout).toMatch(new RegExp(`^total\\s+${ORGANIZATIONS}$`, 'm'));
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${outputs()}`);
    } finally {
      await eventLog.close();
    }
  });
});
