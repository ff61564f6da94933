/**
 * The load generator: Billsby webhooks over keep-alive HTTP (node:http, lighter than fetch, so
 * more of the machine is left to what is measured), at most C in flight, optionally paced.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { BenchAccount } from './env';
import { sleep } from './env';

export interface Sent {
  eventId: string;
  /** Index into the accounts array. */
  account: number;
  /** Webhook request start and answer, ms since epoch (comparable with the simulator's `created`). */
  startedAt: number;
  acceptedAt?: number;
  /** Request start (paced: when it was due) → answer, fractional ms. */
  durationMs?: number;
  /** HTTP status; 0 for a network error. */
  status?: number;
  /** When it is due, ms after the send starts (open loop); events must be in due order. */
  dueMs?: number;
  /** The webhook's body; default {@link richCustomerCreated} of `eventId`. */
  body?: object;
}

/**
 * The default webhook: a rich-contract `CustomerCreated` (DESIGN §4.3) naming the event.
 * `CustomerDetails: null` keeps it rich: without it the gateway takes it for a public webhook,
 * which the product fills from Billsby's API (one read per event, `public` measures that).
 */
export const richCustomerCreated = (eventId: string) => ({
  Id: eventId,
  Type: 'CustomerCreated',
  CustomerUniqueId: eventId,
  CustomerDetails: null,
});

/** N events spread round-robin over the accounts; the message text names the event (CustomerUniqueId). */
export function planEvents(accounts: BenchAccount[], total: number, prefix: string): Sent[] {
  return Array.from({ length: total }, (_, i) => {
    const account = i % accounts.length;
    return { eventId: `${prefix}-a${account}-e${Math.floor(i / accounts.length)}`, account, startedAt: 0 };
  });
}

/**
 * `total` events over the accounts (round-robin, so each gets its share), each due at a random
 * time in the first `seconds`; in due order, and numbered per account in that order (`…-a3-e0`,
 * `…-a3-e1`, …), so a room's messages can be checked against it.
 */
export function planRandomEvents(
  accounts: BenchAccount[],
  total: number,
  seconds: number,
  prefix: string,
  random: () => number = Math.random,
): Sent[] {
  const times = Array.from({ length: total }, (_, i) => ({
    account: i % accounts.length,
    dueMs: random() * seconds * 1000,
  })).sort((a, b) => a.dueMs - b.dueMs);
  const next = new Array<number>(accounts.length).fill(0);
  return times.map(({ account, dueMs }) => ({
    eventId: `${prefix}-a${account}-e${next[account]!++}`,
    account,
    startedAt: 0,
    dueMs,
  }));
}

export interface SendOptions {
  concurrency: number;
  /**
   * Events per second over all accounts (open loop); 0 = as fast as C allows, or each event when
   * its own `dueMs` says (open loop too).
   */
  rate: number;
  deadline: number;
  signal?: AbortSignal;
  /**
   * Keep-alive connections to reuse (and leave open) across calls, as a sender that keeps
   * posting does; without it each call opens its own and closes them at the end.
   */
  agent?: http.Agent;
}

export interface SendResult {
  sendStarted: number;
  sendEnded: number;
  accepted: Sent[];
  rejected: Sent[];
}

export async function sendEvents(
  accounts: BenchAccount[],
  events: Sent[],
  opts: SendOptions,
): Promise<SendResult> {
  const agent = opts.agent ?? new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  let next = 0;
  let errorsShown = 0;
  const sendStarted = Date.now();
  const perfStarted = performance.now();
  const sender = async () => {
    while (next < events.length && Date.now() < opts.deadline && !opts.signal?.aborted) {
      const index = next++;
      const s = events[index]!;
      const paced = opts.rate > 0 || s.dueMs !== undefined;
      const due =
        s.dueMs !== undefined
          ? perfStarted + s.dueMs
          : opts.rate > 0
            ? perfStarted + (index * 1000) / opts.rate
            : 0;
      if (paced) await sleep(due - performance.now());
      const account = accounts[s.account]!;
      const body = JSON.stringify(s.body ?? richCustomerCreated(s.eventId));
      s.startedAt = Date.now();
      // Paced: timed from when the request was due, so a stall that holds senders back counts
      // against the server, not for it (no coordinated omission).
      const t0 = paced ? Math.min(due, performance.now()) : performance.now();
      s.status = await post(agent, account.webhookUrl, account.headers, body).catch(() => 0);
      s.durationMs = performance.now() - t0;
      s.acceptedAt = Date.now();
      if (s.status !== 202 && errorsShown++ < 5) {
        console.error(`[bench] ${s.eventId}: webhook answered ${s.status || 'a network error'}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, events.length) }, sender));
  } finally {
    if (!opts.agent) agent.destroy();
  }
  return {
    sendStarted,
    sendEnded: Date.now(),
    accepted: events.filter((s) => s.status === 202),
    rejected: events.filter((s) => s.status !== 202),
  };
}

function post(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}
