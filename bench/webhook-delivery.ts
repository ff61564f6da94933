/**
 * Benchmark (not a test): N Billsby events across M accounts, through the real gateway
 * (`POST /webhooks/billsby/:accountId`) into the real integration and delivery workflows, posted
 * to the Webex simulator. Everything runs on loopback and is started here: a Temporal dev server
 * (in memory or a SQLite file in WAL mode), the simulator, a worker and the gateway.
 *
 * Prints accepted/s (202s), delivered/s (first accept → last post), webhook-to-post latency
 * percentiles (message `created` in the simulator − start of the webhook request), and checks that
 * every event was posted exactly once and, per account, in acceptance order.
 *
 * Run: `npm run bench:webhook -- [--events 1000] [--accounts 10] [--concurrency 32]
 *       [--db memory|sqlite] [--rate EVENTS_PER_S] [--timeout-minutes 10]`
 * Without --rate every event is sent at once (bounded by C), so latency includes the backlog each
 * account's ordered queue builds up; with a --rate below delivery capacity it is the per-event cost.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createWebexActivities } from '../activities/webex';
import { buildGateway } from '../client/gateway/server';
import { createIntegrationService } from '../client/gateway/start';
import { parseConfig } from '../config/env';
import { startWebexSimulator, type WebexSimulator } from '../simulators/webex';
import { ensureTemporalCli } from '../temporal/cli';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../temporal/codec';
import { createDataConverter } from '../temporal/data-converter';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { WORKFLOWS_PATH } from '../workers/create-workers';
import { freePort } from '../test/harness/free-port';
import { http } from '../test/harness/http';

interface Options {
  events: number;
  accounts: number;
  concurrency: number;
  db: 'memory' | 'sqlite';
  /** Open-loop pacing in events per second over all accounts; 0 sends as fast as C allows. */
  rate: number;
  timeoutMs: number;
}

interface Sent {
  eventId: string;
  account: number;
  /** Webhook request start and 202 (ms since epoch). */
  startedAt: number;
  acceptedAt?: number;
  status?: number;
}

const CLIENT_ID = 'sim-client-id';
const CLIENT_SECRET = 'sim-client-secret';

function options(): Options {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000' },
      accounts: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '32' },
      db: { type: 'string', default: 'memory' },
      rate: { type: 'string', default: '0' },
      'timeout-minutes': { type: 'string', default: '10' },
    },
  });
  const positive = (name: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  if (values.db !== 'memory' && values.db !== 'sqlite') throw new Error('--db must be memory or sqlite');
  return {
    events: positive('events', values.events),
    accounts: positive('accounts', values.accounts),
    concurrency: positive('concurrency', values.concurrency),
    db: values.db,
    rate: Math.max(0, Number(values.rate) || 0),
    timeoutMs: Number(values['timeout-minutes']) * 60_000,
  };
}

const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const opts = options();
  const deadline = Date.now() + opts.timeoutMs;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        console.error(`[bench] teardown: ${(err as Error).message}`);
      }
    }
  };
  const onSignal = () => {
    log('interrupted — tearing down');
    void teardown().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const watchdog = setTimeout(() => {
    console.error(`[bench] aborted after ${opts.timeoutMs / 60_000} minutes`);
    void teardown().then(() => process.exit(2));
  }, opts.timeoutMs);
  watchdog.unref();

  try {
    const ok = await run(opts, deadline, cleanups);
    await teardown();
    process.exitCode = ok ? 0 : 1;
  } catch (err) {
    console.error(`[bench] failed: ${(err as Error).stack ?? err}`);
    await teardown();
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
  }
}

async function run(
  opts: Options,
  deadline: number,
  cleanups: (() => Promise<unknown> | unknown)[],
): Promise<boolean> {
  Runtime.install({ logger: new DefaultLogger('WARN') });

  // Temporal dev server on a free loopback port.
  const cli = ensureTemporalCli(log);
  let dbFilename: string | undefined;
  if (opts.db === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'webhook-bench-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    dbFilename = path.join(dir, 'temporal.sqlite');
  }
  const server: DevServer = await startDevServer({
    cliPath: cli.path,
    port: await freePort(),
    dbFilename,
    readyTimeoutMs: 120_000,
  });
  cleanups.push(() => server.stop());
  log(`Temporal dev server ${server.address} (${opts.db === 'sqlite' ? 'SQLite file, WAL' : 'in memory'})`);

  const keys = parseEncryptionKeys(randomBytes(32).toString('base64'));
  const dataConverter = createDataConverter(keys);

  // The Webex simulator: one user per account, so each account gets its own "Billsby Data" room.
  const sim: WebexSimulator = await startWebexSimulator({ port: 0 });
  cleanups.push(() => sim.close());

  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const config = parseConfig({
    PUBLIC_BASE_URL: gatewayUrl,
    GATEWAY_PORT: String(gatewayPort),
    WEBEX_API_BASE_URL: sim.baseUrl,
    WEBEX_CLIENT_ID: CLIENT_ID,
    WEBEX_CLIENT_SECRET: CLIENT_SECRET,
  });
  const suffix = randomBytes(4).toString('hex');
  const taskQueues = { webex: `webhook-bench-webex-${suffix}`, bill: `webhook-bench-bill-${suffix}` };

  // A worker as production runs it (default tuning), with the Webex activities on the simulator.
  const bundleStarted = Date.now();
  const bundle = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  log(`workflow bundle built in ${Date.now() - bundleStarted} ms`);
  const workerConnection = await NativeConnection.connect({ address: server.address });
  cleanups.push(() => workerConnection.close());
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue: taskQueues.webex,
    dataConverter,
    workflowBundle: { code: bundle.code },
    activities: createWebexActivities({
      apiBaseUrl: sim.baseUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${gatewayUrl}/oauth/webex/callback`,
    }),
  });
  const workerRun = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
  });

  // The gateway, wired as client/gateway/start.ts does, on its own client connection.
  const connection = await Connection.connect({ address: server.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, dataConverter });
  const integrations = createIntegrationService(client, config, taskQueues, keys);
  const app: FastifyInstance = await buildGateway({
    client,
    config,
    codec: new AesGcmPayloadCodec(keys),
    taskQueues,
    integrations,
    webUiOrigins: [],
  });
  await app.listen({ port: gatewayPort, host: '127.0.0.1' });
  cleanups.push(() => app.close());

  // Connect every account through the browser's OAuth flow.
  const connectStarted = Date.now();
  const accounts: { id: string; roomId: string; secret: string }[] = [];
  for (let a = 0; a < opts.accounts; a++) {
    const id = `bench-${suffix}-${a}`;
    accounts.push({ id, ...(await connect(gatewayUrl, sim, id)) });
  }
  log(`${opts.accounts} accounts connected in ${Date.now() - connectStarted} ms`);

  // Send N events round-robin over the accounts, at most C requests in flight.
  const sent: Sent[] = [];
  for (let i = 0; i < opts.events; i++) {
    const account = i % opts.accounts;
    sent.push({
      eventId: `${accounts[account]!.id}-e${Math.floor(i / opts.accounts)}`,
      account,
      startedAt: 0,
    });
  }
  const byEventId = new Map(sent.map((s) => [s.eventId, s]));
  log(
    `sending ${opts.events} events, ${opts.concurrency} in flight` +
      (opts.rate > 0 ? `, paced at ${opts.rate}/s` : ''),
  );
  let next = 0;
  const sendStarted = Date.now();
  const sender = async () => {
    while (next < sent.length && Date.now() < deadline) {
      const index = next++;
      const s = sent[index]!;
      if (opts.rate > 0) await sleep(sendStarted + (index * 1000) / opts.rate - Date.now());
      const account = accounts[s.account]!;
      s.startedAt = Date.now();
      const res = await fetch(`${gatewayUrl}/webhooks/billsby/${account.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', secret: account.secret },
        body: JSON.stringify({ Id: s.eventId, Type: 'CustomerCreated', CustomerUniqueId: s.eventId }),
      });
      await res.arrayBuffer();
      s.status = res.status;
      s.acceptedAt = Date.now();
      if (res.status !== 202) console.error(`[bench] ${s.eventId}: webhook answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.events) }, sender));
  const sendEnded = Date.now();
  const accepted = sent.filter((s) => s.status === 202);
  log(`${accepted.length}/${opts.events} accepted in ${sendEnded - sendStarted} ms; waiting for delivery`);

  // Wait until every room holds every accepted event (or the deadline).
  const postedCount = () => accounts.reduce((n, a) => n + sim.control.messages(a.roomId).length, 0);
  let lastProgress = Date.now();
  let lastCount = -1;
  while (Date.now() < deadline) {
    const count = postedCount();
    if (count >= accepted.length) break;
    if (count !== lastCount) {
      lastCount = count;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > 60_000) {
      console.error(`[bench] no delivery progress for 60 s at ${count}/${accepted.length}`);
      break;
    }
    await sleep(100);
  }
  // Let a would-be duplicate arrive before judging exactly-once.
  await sleep(1_000);

  return report(opts, accounts, sent, byEventId, sim, sendStarted, gatewayUrl);
}

async function connect(gatewayUrl: string, sim: WebexSimulator, accountId: string) {
  const email = `${accountId}@example.com`;
  sim.control.addUser({ displayName: `Owner of ${accountId}`, email });
  sim.control.setAuthorizingUser(email);
  const started = await http(`${gatewayUrl}/api/accounts/${accountId}/webex/connect`, { method: 'POST' });
  if (started.status !== 200) throw new Error(`connect answered ${started.status}: ${started.text}`);
  const { authorizeUrl, webhookSecret } = started.body as { authorizeUrl: string; webhookSecret: string };
  const authorize = await http(authorizeUrl);
  const callbackUrl = authorize.headers.get('location');
  if (authorize.status !== 302 || !callbackUrl) throw new Error(`authorize answered ${authorize.status}`);
  const callback = await http(callbackUrl);
  const landing = callback.headers.get('location') ?? '';
  if (!landing.includes('outcome=connected')) throw new Error(`connect of ${accountId} failed: ${landing}`);
  const status = (await http(`${gatewayUrl}/api/accounts/${accountId}/webex`)).body as {
    room: { id: string } | null;
  };
  if (!status.room) throw new Error(`${accountId} has no room after connecting`);
  return { roomId: status.room.id, secret: webhookSecret };
}

async function report(
  opts: Options,
  accounts: { id: string; roomId: string }[],
  sent: Sent[],
  byEventId: Map<string, Sent>,
  sim: WebexSimulator,
  sendStarted: number,
  gatewayUrl: string,
): Promise<boolean> {
  const accepted = sent.filter((s) => s.status === 202);
  const latencies: number[] = [];
  const postCount = new Map<string, number>();
  let foreign = 0;
  let orderViolations = 0;
  let lastPost = 0;

  for (const [index, account] of accounts.entries()) {
    // Oldest → newest. An event posted after another must not have been accepted entirely
    // before that other one was even sent (requests in flight together have no defined order).
    let latestStartSoFar = 0;
    for (const message of sim.control.messages(account.roomId)) {
      const eventId = /^CustomerUniqueId: (.*)$/m.exec(message.text ?? '')?.[1];
      const s = eventId ? byEventId.get(eventId) : undefined;
      if (!s || s.account !== index) {
        foreign++;
        continue;
      }
      postCount.set(s.eventId, (postCount.get(s.eventId) ?? 0) + 1);
      if (postCount.get(s.eventId)! > 1) continue;
      const postedAt = Date.parse(message.created);
      lastPost = Math.max(lastPost, postedAt);
      latencies.push(postedAt - s.startedAt);
      if (s.acceptedAt !== undefined && latestStartSoFar > s.acceptedAt) orderViolations++;
      latestStartSoFar = Math.max(latestStartSoFar, s.startedAt);
    }
  }

  const missing = accepted.filter((s) => !postCount.has(s.eventId)).length;
  const duplicates = [...postCount.values()].reduce((n, c) => n + (c > 1 ? c - 1 : 0), 0);
  const rejected = sent.length - accepted.length;

  // The integrations' own counters, as the status API reports them.
  let delivered = 0;
  let failed = 0;
  for (const account of accounts) {
    const status = (await http(`${gatewayUrl}/api/accounts/${account.id}/webex`)).body as {
      counts?: { delivered?: number; failed?: number };
    };
    delivered += status.counts?.delivered ?? 0;
    failed += status.counts?.failed ?? 0;
  }

  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length
      ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!
      : NaN;
  const firstAccept = Math.min(...accepted.map((s) => s.acceptedAt!));
  const lastAccept = Math.max(...accepted.map((s) => s.acceptedAt!));
  const acceptSeconds = (lastAccept - sendStarted) / 1000;
  const deliverSeconds = (lastPost - firstAccept) / 1000;
  const rate = (n: number, s: number) => (s > 0 ? (n / s).toFixed(1) : 'n/a');
  const ok =
    rejected === 0 &&
    missing === 0 &&
    duplicates === 0 &&
    foreign === 0 &&
    orderViolations === 0 &&
    failed === 0;

  console.log(`
events             ${opts.events} across ${opts.accounts} accounts, ${opts.concurrency} webhook requests in flight${opts.rate > 0 ? ` (paced at ${opts.rate}/s)` : ''}, Temporal ${opts.db === 'sqlite' ? 'SQLite (WAL)' : 'in memory'}
accepted           ${accepted.length} (${rejected} not 202) in ${acceptSeconds.toFixed(2)} s → ${rate(accepted.length, acceptSeconds)} accepted/s
delivered          ${latencies.length} posted once (integrations count ${delivered} delivered, ${failed} failed) in ${deliverSeconds.toFixed(2)} s from first accept to last post → ${rate(latencies.length, deliverSeconds)} delivered/s
latency            webhook request → message created: p50 ${pct(50)} ms · p95 ${pct(95)} ms · p99 ${pct(99)} ms · max ${latencies.at(-1) ?? NaN} ms
exactly once       ${missing === 0 && duplicates === 0 && foreign === 0 ? 'OK' : 'FAIL'} (${missing} missing, ${duplicates} duplicate posts, ${foreign} unexpected messages)
in order/account   ${orderViolations === 0 ? 'OK' : 'FAIL'} (${orderViolations} posted before an event accepted earlier)
result             ${ok ? 'OK' : 'FAIL'}`);
  return ok;
}

void main();
