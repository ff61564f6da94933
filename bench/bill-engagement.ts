/**
 * Benchmark (not a test): the whole engagement chain over generated organizations at the BILL
 * request budget (BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR, default 10,000), on its own Temporal dev
 * server. The pacer and the BILL simulator share a simulated clock, so hours of even pacing pass
 * as fast as the chain can go; the simulated duration is what a real run at this budget takes.
 * Run: `npx tsx bench/bill-engagement.ts [--orgs 1000] [--budget 10000] [--concurrency 50] [--latency 0]`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createBillActivities } from '../activities/bill';
import { formatDuration, type EngagementReport } from '../domain/engagement';
import {
  createSimulatedClock,
  generateBillDataset,
  SEED_CREDENTIALS,
  startBillSimulator,
} from '../simulators/bill';
import { ensureTemporalCli } from '../temporal/cli';
import { parseEncryptionKeys } from '../temporal/codec';
import { createDataConverter, refusingUnencrypted } from '../temporal/data-converter';
import { startTestDevServer } from '../test/harness/dev-server';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from '../workers/create-workers';
import { billEngagement } from '../workflows';
import { loadReport } from '../client/engagement';
import { productMetricSinks } from '../metrics/worker-metrics';
import { openEventLog } from '../eventlog/open';

const HOUR = 3_600_000;

async function main() {
  const { values } = parseArgs({
    options: {
      orgs: { type: 'string', default: '1000' },
      budget: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '50' },
      latency: { type: 'string', default: '0' },
    },
  });
  const orgs = Number(values.orgs);
  const budget = Number(values.budget);
  const concurrency = Number(values.concurrency);

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cli = ensureTemporalCli();
  const server = await startTestDevServer({ cliPath: cli.path });
  const keys = parseEncryptionKeys(randomBytes(32).toString('base64'));
  const dataConverter = createDataConverter(keys);
  const dataset = generateBillDataset({ organizations: orgs, seed: 1 });
  const clock = createSimulatedClock(Date.parse('2026-11-02T09:00:00.000Z'));
  // BILL's own limit stays at 20,000: any request over it would show as BDC_1144.
  const sim = await startBillSimulator({
    dataset,
    now: clock.now,
    latencyMs: Number(values.latency),
    maxLogEntries: 10_000_000,
  });
  const reportsDir = mkdtempSync(path.join(tmpdir(), 'bill-bench-'));
  // Report parts, reports and snapshots live in the event log's database (a SQLite file here).
  const documents = await openEventLog({ sqlitePath: path.join(reportsDir, 'event-log.sqlite'), keys });
  const taskQueue = `bill-bench-${Date.now()}`;
  try {
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue,
      dataConverter: refusingUnencrypted(dataConverter),
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
      activities: createBillActivities({
        apiBaseUrl: sim.baseUrl,
        ...SEED_CREDENTIALS,
        documents,
        clock,
        maxRequestsPerHour: budget,
      }),
      maxConcurrentActivityTaskExecutions: 4 * concurrency,
      maxConcurrentWorkflowTaskExecutions: 100,
      sinks: productMetricSinks(),
    });
    const client = new Client({
      connection: await Connection.connect({ address: server.address }),
      dataConverter,
    });
    console.log(
      `bench: ${orgs} organizations, budget ${budget} requests/hour, ${concurrency} organizations at once`,
    );
    const startedReal = Date.now();
    const startedSim = clock.now();
    const result = await worker.runUntil(
      client.workflow.execute(billEngagement, {
        taskQueue,
        workflowId: `bill-engagement-bench-${Date.now()}`,
        args: [{ asOf: dataset.asOf, concurrency }],
      }),
    );
    const realMs = Date.now() - startedReal;
    const simMs = clock.now() - startedSim;
    const report: EngagementReport = await loadReport(result, async () => documents);
    const wrong = report.organizations.filter((o) => o.reasons.join() !== dataset.expected[o.organizationId]);
    const log = sim.control.requestLog();
    const perHour = countBy(
      log.map((e) => e.at),
      HOUR,
    );
    const perMinute = countBy(
      log.map((e) => e.at),
      60_000,
    );
    const implied = ((log.length - 1) * HOUR) / budget;
    const inFlight = Math.max(...Object.values(sim.control.maxInFlightByOrg()));
    console.log(`
organizations        ${report.organizations.length} (${wrong.length} with a reason other than expected)
BILL requests        ${log.length} (${(log.length / orgs).toFixed(2)} per organization); BDC_1144: ${log.filter((e) => e.code === 'BDC_1144').length}; max in flight for one organization: ${inFlight}
simulated wall time  ${formatDuration(simMs)} (${(simMs / 1000).toFixed(0)} s)
budget implies       ${formatDuration(implied)} = (${log.length} requests - 1) × ${(HOUR / budget / 1000).toFixed(3)} s (3,600 s / ${budget})
busiest clock hour   ${Math.max(...perHour)} requests (budget ${budget}); busiest minute ${Math.max(...perMinute)} (average ${(log.length / perMinute.length).toFixed(1)})
real time            ${(realMs / 1000).toFixed(1)} s (${((orgs / realMs) * 1000).toFixed(1)} organizations/s of Temporal work)`);
  } finally {
    await sim.close();
    await server.stop();
    await documents.close();
    rmSync(reportsDir, { recursive: true, force: true });
  }
}

function countBy(times: number[], size: number): number[] {
  const buckets = new Map<number, number>();
  for (const t of times) buckets.set(Math.floor(t / size), (buckets.get(Math.floor(t / size)) ?? 0) + 1);
  const keys = [...buckets.keys()];
  const span = Math.max(...keys) - Math.min(...keys) + 1;
  return [...buckets.values(), ...new Array<number>(span - buckets.size).fill(0)];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
