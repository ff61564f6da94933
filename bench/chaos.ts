/**
 * `npm run bench:chaos`: reliability figures, not a test. For each target — the real cluster
 * (Temporal server built from source on PostgreSQL, event log on the same PostgreSQL; see
 * scripts/temporal-cluster/cluster.ts) and the dev server on a SQLite file with the embedded (SQLite)
 * event log — it sends N events over M accounts through the real gateway process while:
 *   - the worker process is killed -9 (K times, restarted each time),
 *   - the Temporal server is restarted,
 *   - Webex answers 429 storms, one for each Retry-After variant,
 *   - Webex is down (every POST /messages answers 503) for the outage time, then recovers,
 * and prints events, lost, duplicated, out of order, drain time after the last fault and
 * delivered/s. Everything listens on loopback and is torn down at the end.
 *
 *   npm run bench:chaos                                  # both targets, 10,000 events over 10 accounts
 *   npm run bench:chaos -- --targets dev --events 2000 --outage-seconds 20 --kills 3
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startWebexSimulator, type WebexSimulator } from '../simulators/webex';
import { ensureTemporalCli } from '../temporal/cli';
import { clusterDown, clusterUp, restartTemporalServer } from '../scripts/temporal-cluster/cluster';
import type { DevServer } from '../temporal/dev-server';
import { startTestDevServer } from '../test/harness/dev-server';
import { freePort } from '../test/harness/free-port';
import type { ProductProcess } from '../test/harness/processes';
import {
  connectAccounts,
  deliveredCount,
  productEnv,
  sendEvents,
  sleep,
  startGatewayProcess,
  startWorkerProcess,
  type ConnectedAccount,
} from '../test/harness/topology';
import { randomBytes } from 'node:crypto';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: 'cluster,dev' },
    events: { type: 'string', default: '10000' },
    accounts: { type: 'string', default: '10' },
    kills: { type: 'string', default: '10' },
    'outage-seconds': { type: 'string', default: '120' },
    'timeout-minutes': { type: 'string', default: '60' },
  },
});
const ACCOUNTS = Number(args.accounts);
const PER_ACCOUNT = Math.ceil(Number(args.events) / ACCOUNTS);
const KILLS = Number(args.kills);
const OUTAGE_MS = Number(args['outage-seconds']) * 1000;
/** Every Retry-After shape we know of: seconds, fractions, zero, absent, empty, negative, garbage, a date, padded. */
const RETRY_AFTER_VARIANTS: (string | null)[] = [
  '0',
  '1',
  '2.5',
  '5',
  '30',
  null,
  '',
  '-1',
  'rand(30),add(30)',
  'Wed, 21 Oct 2026 07:28:00 GMT',
  ' 2 ',
];
const STORM_SIZE = 10;

const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Temporal {
  address: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  databaseUrl?: string;
}

async function clusterTarget(): Promise<Temporal> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'billsby-chaos-cluster-'));
  const info = await clusterUp({ home, log });
  return {
    address: info.temporalAddress,
    databaseUrl: info.databaseUrl,
    restart: () => restartTemporalServer(home, log),
    stop: () => clusterDown({ home, removeData: true }),
  };
}

async function devTarget(dataDir: string): Promise<Temporal> {
  const cliPath = ensureTemporalCli(log).path;
  const dbFilename = path.join(dataDir, 'temporal.sqlite');
  let server: DevServer = await startTestDevServer({ cliPath, dbFilename });
  const port = server.port;
  const start = () => startTestDevServer({ cliPath, port, dbFilename });
  return {
    address: server.address,
    restart: async () => {
      await server.stop();
      server = await start();
    },
    stop: () => server.stop(),
  };
}

interface Row {
  target: string;
  events: number;
  accepted: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  drainSeconds: number;
  deliveredPerSecond: number;
  totalSeconds: number;
}

function tallyRooms(sim: WebexSimulator, accounts: ConnectedAccount[]) {
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let lastAt = 0;
  for (const [a, { roomId }] of accounts.entries()) {
    const messages = sim.control.messages(roomId);
    const numbers = messages.map((m) => Number(/-customer-(\d+)$/m.exec(m.text ?? '')?.[1] ?? NaN));
    const seen = new Set<number>();
    let highest = 0;
    for (const n of numbers) {
      if (seen.has(n)) duplicated++;
      else if (n < highest) outOfOrder++;
      seen.add(n);
      highest = Math.max(highest, n);
    }
    for (let n = 1; n <= PER_ACCOUNT; n++) if (!seen.has(n)) lost++;
    for (const m of messages) lastAt = Math.max(lastAt, Date.parse(m.created));
    void a;
  }
  return { lost, duplicated, outOfOrder, lastAt };
}

async function runTarget(name: 'cluster' | 'dev'): Promise<Row> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `billsby-chaos-${name}-`));
  log(`${name}: starting Temporal`);
  const temporal = name === 'cluster' ? await clusterTarget() : await devTarget(dataDir);
  const sim = await startWebexSimulator({ port: 0 });
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const env = productEnv({
    temporalAddress: temporal.address,
    gatewayPort,
    publicBaseUrl: gatewayUrl,
    sim,
    dataDir,
    ...(temporal.databaseUrl ? { databaseUrl: temporal.databaseUrl } : {}),
  });
  let worker: ProductProcess | undefined;
  let gateway: ProductProcess | undefined;
  try {
    worker = await startWorkerProcess(env);
    gateway = await startGatewayProcess(env);
    const accounts = await connectAccounts(
      gatewayUrl,
      sim,
      Array.from({ length: ACCOUNTS }, (_, i) => `chaos-${name}-${i}`),
    );
    const total = ACCOUNTS * PER_ACCOUNT;
    const prefix = (a: number) => `x${a}`;
    const started = Date.now();
    log(`${name}: sending ${total} events over ${ACCOUNTS} accounts`);
    const sending = sendEvents({ gatewayUrls: [gatewayUrl], accounts, perAccount: PER_ACCOUNT, prefix });
    const delivered = () => deliveredCount(sim, accounts);
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 300_000;
      while (delivered() < Math.min(n, total) && Date.now() < deadline) await sleep(100);
    };

    // Kills, with a 429 storm of the next Retry-After variant after each.
    const spacing = Math.max(10, Math.floor(total / (KILLS + 3) / 2));
    for (let k = 0; k < KILLS; k++) {
      await waitFor(delivered() + spacing);
      log(`${name}: kill -9 worker (${k + 1}/${KILLS}) at ${delivered()} delivered`);
      await worker.kill9();
      await sleep(500);
      worker = await startWorkerProcess(env);
      const variant = RETRY_AFTER_VARIANTS[k % RETRY_AFTER_VARIANTS.length]!;
      sim.control.rateLimitNext(STORM_SIZE, { method: 'POST', pathPrefix: '/messages', retryAfter: variant });
    }
    // The variants not used yet, together.
    for (const variant of RETRY_AFTER_VARIANTS.slice(KILLS))
      sim.control.rateLimitNext(STORM_SIZE, { method: 'POST', pathPrefix: '/messages', retryAfter: variant });
    await waitFor(delivered() + spacing);
    log(`${name}: restarting the Temporal server at ${delivered()} delivered`);
    await temporal.restart();
    await waitFor(delivered() + spacing);
    log(`${name}: Webex down for ${OUTAGE_MS / 1000} s at ${delivered()} delivered`);
    const outage = sim.control.addFault({
      method: 'POST',
      pathPrefix: '/messages',
      times: null,
      action: { kind: 'respond', status: 503 },
    });
    await sleep(OUTAGE_MS);
    sim.control.removeFault(outage);
    const lastFault = Date.now();
    log(`${name}: Webex back at ${delivered()} delivered; waiting for the rest`);
    await sending.done;
    const deadline = Date.now() + Number(args['timeout-minutes']) * 60_000;
    while (delivered() < total && Date.now() < deadline) await sleep(250);
    await sleep(5_000); // anything posted twice shows up now
    const { lost, duplicated, outOfOrder, lastAt } = tallyRooms(sim, accounts);
    return {
      target:
        name === 'cluster'
          ? 'cluster (Temporal v1.31.2 + PostgreSQL 15)'
          : 'dev server (SQLite file + SQLite log)',
      events: total,
      accepted: sending.tally.accepted + sending.tally.duplicate,
      lost,
      duplicated,
      outOfOrder,
      drainSeconds: Math.max(0, (lastAt - lastFault) / 1000),
      deliveredPerSecond: delivered() / ((lastAt - started) / 1000),
      totalSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await gateway?.stop();
    await worker?.stop();
    await sim.close();
    await temporal.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  process.env.TEST_PAYLOAD_KEY ??= randomBytes(32).toString('base64');
  const rows: Row[] = [];
  for (const target of args.targets.split(',').map((t) => t.trim()) as ('cluster' | 'dev')[]) {
    const row = await runTarget(target);
    rows.push(row);
    log(`${target} done: ${JSON.stringify(row)}`);
  }
  const cpu = os.cpus();
  console.log(
    `\nbench:chaos ${new Date().toISOString().slice(0, 10)} · ${cpu.length} × ${cpu[0]?.model ?? 'cpu'} · ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GB · Node ${process.version} · ${KILLS} worker kills, 1 Temporal restart, ` +
      `${RETRY_AFTER_VARIANTS.length} 429 storms (Retry-After ${RETRY_AFTER_VARIANTS.map((v) => JSON.stringify(v)).join(' ')}), ` +
      `Webex down ${OUTAGE_MS / 1000} s\n`,
  );
  console.log(
    '| target | events | accepted | lost | duplicated | out of order | drain after last fault | delivered/s | run |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.target} | ${r.events} | ${r.accepted} | ${r.lost} | ${r.duplicated} | ${r.outOfOrder} | ` +
        `${r.drainSeconds.toFixed(1)} s | ${r.deliveredPerSecond.toFixed(1)} | ${r.totalSeconds.toFixed(0)} s |`,
    );
  if (rows.some((r) => r.lost || r.duplicated || r.outOfOrder)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
