/**
 * Production topology in processes, shared by test/e2e/crash-recovery.test.ts (dev server) and
 * test/cluster/production-topology.test.ts (the real cluster): worker and gateway processes, Webex
 * accounts connected through the real OAuth flow, senders that retry as Billsby would, and the
 * check that every event arrived once, in order. No jest globals outside expectDeliveredOnceInOrder:
 * bench/chaos.ts uses the rest.
 */
import { connectThroughBrowser } from '../../client/demo/script-browser';
import { API_AUTH_HEADERS, TEST_API_KEY, TEST_SESSION_KEY } from './webex-app';
import type { WebexSimulator } from '../../simulators/webex';
import { http } from './http';
import { startProductProcess, waitUntil, type ProductProcess } from './processes';
import { numberedEvent } from './webex-app';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment a worker or gateway process needs against the Webex simulator. */
export function productEnv(opts: {
  temporalAddress: string;
  gatewayPort: number;
  publicBaseUrl: string;
  sim: WebexSimulator;
  dataDir: string;
  databaseUrl?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: opts.temporalAddress,
    GATEWAY_PORT: String(opts.gatewayPort),
    PUBLIC_BASE_URL: opts.publicBaseUrl,
    WEBEX_API_BASE_URL: opts.sim.baseUrl,
    WEBEX_CLIENT_ID: 'sim-client-id',
    WEBEX_CLIENT_SECRET: 'sim-client-secret',
    PAYLOAD_ENCRYPTION_KEY: process.env.TEST_PAYLOAD_KEY!,
    GATEWAY_API_KEYS: TEST_API_KEY,
    // Every gateway process of a deployment seals and opens links with the same key.
    GATEWAY_SESSION_KEY: TEST_SESSION_KEY,
    PIPELINE_DATA_DIR: opts.dataDir,
    // The worker's "polling" line (info) tells startWorkerProcess it is up; tests run at warn.
    LOG_LEVEL: 'info',
    // Each gateway process starts its codec and metrics listeners too, each worker its metrics
    // listener and the SDK's exporter; several run at once here.
    CODEC_PORT: '0',
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    TEMPORAL_METRICS_PORT: '0',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.extra,
  };
}

export async function startWorkerProcess(
  env: Record<string, string>,
  opts: { compiledDir?: string } = {},
): Promise<ProductProcess> {
  const worker = startProductProcess('workers/main.ts', env, opts);
  // Its first log line once the workers poll (logging/: JSON, or pretty with LOG_FORMAT=pretty).
  await waitUntil(worker, () => /\bpolling \S+ and \S+ at /.test(worker.output()), 'worker');
  return worker;
}

export async function startGatewayProcess(
  env: Record<string, string>,
  opts: { compiledDir?: string } = {},
): Promise<ProductProcess> {
  const gateway = startProductProcess('gateway/main.ts', env, opts);
  const url = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  await waitUntil(
    gateway,
    async () => (await http(`${url}/healthz`).catch(() => null))?.status === 200,
    'gateway',
  );
  return gateway;
}

export interface ConnectedAccount {
  accountId: string;
  secret: string;
  roomId: string;
}

/** Connects each account through the real OAuth redirect flow (the simulator authorizes). */
export async function connectAccounts(
  gatewayUrl: string,
  sim: WebexSimulator,
  accountIds: string[],
): Promise<ConnectedAccount[]> {
  const connected: ConnectedAccount[] = [];
  for (const accountId of accountIds) {
    sim.control.addUser({ displayName: accountId, email: `${accountId}@example.com` });
    sim.control.setAuthorizingUser(`${accountId}@example.com`);
    const flow = await connectThroughBrowser({ gatewayUrl, apiKey: TEST_API_KEY, accountId });
    const outcome = flow.landing ?? '';
    if (!outcome.includes('outcome=connected')) throw new Error(`connect ${accountId}: ${outcome}`);
    const { webhookSecret } = flow.connect.body as { webhookSecret: string };
    const status = await http(`${gatewayUrl}/api/accounts/${accountId}/webex`, { headers: API_AUTH_HEADERS });
    connected.push({
      accountId,
      secret: webhookSecret,
      roomId: (status.body as { room: { id: string } }).room.id,
    });
  }
  return connected;
}

export interface SendTally {
  accepted: number;
  duplicate: number;
  other: number[];
}

/**
 * One sender per account, one event in flight each, so an account's send order is its order.
 * Event n of an account goes to gateway n % gateways; a request without an answer (gateway
 * killed) or with a non-202 is sent again, to the next gateway, until it is answered 202.
 */
export function sendEvents(opts: {
  gatewayUrls: string[];
  accounts: ConnectedAccount[];
  perAccount: number;
  /** CustomerUniqueId prefix of account i. */
  prefix: (index: number) => string;
  pauseMs?: number;
}): { done: Promise<void>; tally: SendTally } {
  const tally: SendTally = { accepted: 0, duplicate: 0, other: [] };
  const senders = opts.accounts.map(async ({ accountId, secret }, a) => {
    for (let n = 1; n <= opts.perAccount; n++) {
      for (let attempt = 0; ; attempt++) {
        const url = opts.gatewayUrls[(n + attempt) % opts.gatewayUrls.length]!;
        const res = await http(`${url}/webhooks/billsby/${accountId}`, {
          json: numberedEvent(opts.prefix(a), n),
          headers: { secret },
        }).catch(() => null);
        if (res?.status === 202) {
          tally[(res.body as { status: 'accepted' | 'duplicate' }).status]++;
          break;
        }
        if (res) tally.other.push(res.status);
        await sleep(100);
      }
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
  });
  return { done: Promise.all(senders).then(() => undefined), tally };
}

/** Messages posted so far in the accounts' rooms. */
export function deliveredCount(sim: WebexSimulator, accounts: ConnectedAccount[]): number {
  return accounts.reduce((sum, { roomId }) => sum + sim.control.messages(roomId).length, 0);
}

/** Waits until at least `atLeast` messages are posted (at most `total`), or the time is up. */
export async function waitForDelivered(
  sim: WebexSimulator,
  accounts: ConnectedAccount[],
  atLeast: number,
  total: number,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (deadline > Date.now() && deliveredCount(sim, accounts) < Math.min(atLeast, total)) await sleep(100);
}

/** Every event answered 202 posted exactly once, in order, in its account's room. */
export function expectDeliveredOnceInOrder(
  sim: WebexSimulator,
  accounts: ConnectedAccount[],
  perAccount: number,
  prefix: (index: number) => string,
  tally: SendTally,
): void {
  // A retry of a request whose answer was lost with the gateway is rightly a "duplicate".
  expect(tally.accepted + tally.duplicate).toBe(accounts.length * perAccount);
  for (const [a, { accountId, roomId }] of accounts.entries()) {
    const posted = sim.control.messages(roomId).map((m) => (m.text ?? '').split('\n')[1]);
    const expected = Array.from(
      { length: perAccount },
      (_, i) => `CustomerUniqueId: ${prefix(a)}-customer-${i + 1}`,
    );
    expect({ accountId, posted }).toEqual({ accountId, posted: expected });
  }
}
