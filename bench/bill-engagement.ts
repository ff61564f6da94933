/**
 * Benchmark (not a test): the whole engagement chain over generated organizations with simulated
 * BILL latency, on its own Temporal dev server. Prints wall time beside the lower bounds that BILL's
 * limits allow. Run: `npx tsx bench/bill-engagement.ts [--orgs 1000] [--latency 50] [--concurrency 50]`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createBillActivities } from '../activities/bill';
import { isReportLocation, type EngagementReport } from '../domain/engagement';
import { generateBillDataset, SEED_CREDENTIALS, startBillSimulator } from '../simulators/bill';
import { ensureTemporalCli } from '../temporal/cli';
import { parseEncryptionKeys } from '../temporal/codec';
import { createDataConverter } from '../temporal/data-converter';
import { startDevServer } from '../temporal/dev-server';
import { WORKFLOWS_PATH } from '../workers/create-workers';
import { billEngagement } from '../workflows';
import { loadReport } from '../client/engagement';
import { freePort } from '../test/harness/free-port';

const HOURLY_LIMIT = 20_000;
const PAGE = 100;

async function main() {
  const { values } = parseArgs({
    options: {
      orgs: { type: 'string', default: '1000' },
      latency: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: '50' },
    },
  });
  const orgs = Number(values.orgs);
  const latencyMs = Number(values.latency);
  const concurrency = Number(values.concurrency);

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cli = ensureTemporalCli();
  const server = await startDevServer({ cliPath: cli.path, port: await freePort(), readyTimeoutMs: 120_000 });
  const dataConverter = createDataConverter(parseEncryptionKeys(randomBytes(32).toString('base64')));
  const dataset = generateBillDataset({ organizations: orgs, seed: 1 });
  const sim = await startBillSimulator({ dataset, latencyMs });
  const reportsDir = mkdtempSync(path.join(tmpdir(), 'bill-bench-'));
  const taskQueue = `bill-bench-${Date.now()}`;
  try {
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue,
      dataConverter,
      workflowsPath: WORKFLOWS_PATH,
      activities: createBillActivities({ apiBaseUrl: sim.baseUrl, ...SEED_CREDENTIALS, reportsDir }),
      maxConcurrentActivityTaskExecutions: 4 * concurrency,
      maxConcurrentWorkflowTaskExecutions: 100,
    });
    const client = new Client({
      connection: await Connection.connect({ address: server.address }),
      dataConverter,
    });
    console.log(
      `bench: ${orgs} organizations, BILL latency ${latencyMs} ms, ${concurrency} organizations at once`,
    );

    const started = Date.now();
    const result = await worker.runUntil(
      client.workflow.execute(billEngagement, {
        taskQueue,
        workflowId: `bill-engagement-bench-${Date.now()}`,
        args: [{ asOf: dataset.asOf, concurrency }],
      }),
    );
    const wallMs = Date.now() - started;
    const report: EngagementReport = await loadReport(result);
    const wrong = report.organizations.filter((o) => o.reasons.join() !== dataset.expected[o.organizationId]);
    const stats = sim.control.stats();
    const requests = sim.control.requestLog().length;
    const inFlight = Math.max(...Object.values(sim.control.maxInFlightByOrg()));
    printResults({ orgs, latencyMs, concurrency, wallMs, requests, inFlight, wrong: wrong.length, report });
    console.log(
      `report: ${isReportLocation(result) ? result.reportLocation : 'inline'}; simulator stats ${JSON.stringify(stats)}`,
    );
  } finally {
    await sim.close();
    await server.stop();
    rmSync(reportsDir, { recursive: true, force: true });
  }
}

function printResults(r: {
  orgs: number;
  latencyMs: number;
  concurrency: number;
  wallMs: number;
  requests: number;
  inFlight: number;
  wrong: number;
  report: EngagementReport;
}) {
  const pages = Math.max(1, Math.ceil(r.orgs / PAGE));
  // The hourly limit only binds past 20,000 requests: every full 20,000 costs a wait for the next hour.
  const hourlyWaitMs = Math.floor((r.requests - 1) / HOURLY_LIMIT) * 3_600_000;
  // Each organization needs 3 round trips in sequence (users → login-as-user → 3 calls in parallel,
  // the most BILL's limit of 3 concurrent requests per organization allows).
  const rateBoundMs = (1 + pages + 3) * r.latencyMs + hourlyWaitMs;
  const fanOutBoundMs =
    (1 + 1) * r.latencyMs + Math.ceil(r.orgs / r.concurrency) * 3 * r.latencyMs + hourlyWaitMs;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`
organizations      ${r.report.organizations.length} (${r.wrong} with a reason other than expected)
BILL requests      ${r.requests} (≤ 5 per organization: users, login-as-user, approval, banks, payments); max in flight for one organization: ${r.inFlight}
wall time          ${s(r.wallMs)}  (${((r.orgs / r.wallMs) * 1000).toFixed(1)} organizations/s)
lower bound (BILL) ${s(rateBoundMs)}  = (login + ${pages} organization pages in sequence + 3 round trips) × ${r.latencyMs} ms
                   + ${s(hourlyWaitMs)} waiting for the hourly limit (${r.requests} requests vs ${HOURLY_LIMIT}/hour):
                   BILL allows unlimited organizations in parallel but only 3 requests per organization.
lower bound (C=${r.concurrency}) ${s(fanOutBoundMs)}  = 2 × ${r.latencyMs} ms + ceil(${r.orgs} / ${r.concurrency}) × 3 × ${r.latencyMs} ms
                   with this run's ${r.concurrency} organizations at once (each needs 3 round trips in sequence).
overhead           ${(r.wallMs / fanOutBoundMs).toFixed(2)}× the bound at this concurrency (Temporal child workflows and activity scheduling)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
