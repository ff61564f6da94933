/**
 * Delivery shapes: the same events through one program, from the first webhook to the last post.
 * delivered/s = posts ÷ (first 202 → last message `created`); accepted/s = 202s ÷ (first request
 * → last 202).
 */
import type { BenchAccount, BenchEnv, Program } from './env';
import { log } from './env';
import { traceDeliveries } from './trace';
import { checkPosts, postsOk, waitForPosts, type EventIdOf, type PostCheck } from './checks';
import { planEvents, sendEvents, type Sent } from './load';
import type { Shape } from './options';
import { maxOf, minOf, perSecond, percentiles, type Percentiles } from './stats';

export interface DeliveryRun {
  program: string;
  label: string;
  events: number;
  accounts: number;
  accepted: number;
  rejected: number;
  acceptedPerS: number;
  deliveredPerS: number;
  /** First 202 → last post, ms. */
  deliverMs: number;
  latency: Percentiles;
  check: PostCheck;
  failed: number;
  complete: boolean;
  ok: boolean;
}

/** Connects `n` fresh accounts, at most `concurrency` at once; in index order. */
export async function addAccounts(
  program: Program,
  prefix: string,
  n: number,
  concurrency = 1,
): Promise<BenchAccount[]> {
  const accounts = new Array<BenchAccount>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      accounts[i] = await program.addAccount(`${prefix}-${i}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return accounts;
}

/**
 * One run: M fresh accounts, N events round-robin, at most C in flight (or paced at `rate`), then
 * wait until every room holds its events, and check.
 */
export async function runDelivery(
  env: BenchEnv,
  program: Program,
  opts: {
    tag: string;
    accounts: number;
    events: number;
    concurrency: number;
    rate?: number;
    latencyMs?: number;
  },
): Promise<DeliveryRun> {
  const prefix = `${program.name === 'product' ? 'p' : 'm'}-${opts.tag}-${env.suffix}`;
  const connectStarted = Date.now();
  const accounts = await addAccounts(program, prefix, opts.accounts);
  log(`${program.name}: ${opts.accounts} account(s) ready in ${Date.now() - connectStarted} ms`);
  if (opts.latencyMs) env.sim.control.setLatency(opts.latencyMs);
  try {
    const events = planEvents(accounts, opts.events, prefix);
    return await measureDelivery(env, program, accounts, events, {
      tag: opts.tag,
      concurrency: opts.concurrency,
      rate: opts.rate ?? 0,
    });
  } finally {
    if (opts.latencyMs) env.sim.control.setLatency(0);
  }
}

/**
 * Sends the planned events to accounts already connected (at most C in flight; paced at `rate`, or
 * each when its `dueMs` says), waits until every room holds its events, and checks.
 */
export async function measureDelivery(
  env: BenchEnv,
  program: Program,
  accounts: BenchAccount[],
  events: Sent[],
  opts: { tag: string; concurrency: number; rate: number; eventIdOf?: EventIdOf },
): Promise<DeliveryRun> {
  const sent = await sendEvents(accounts, events, {
    concurrency: opts.concurrency,
    rate: opts.rate,
    deadline: env.deadline,
    signal: env.signal,
  });
  log(
    `${program.name}: ${sent.accepted.length}/${events.length} accepted in ${sent.sendEnded - sent.sendStarted} ms; waiting for the posts`,
  );
  const complete = await waitForPosts(env.sim, accounts, sent.accepted.length, {
    deadline: env.deadline,
    signal: env.signal,
    stallMs: 60_000,
    onProgress: (n) => log(`${program.name}: ${n}/${sent.accepted.length} posted`),
  });
  const check = checkPosts(env.sim, accounts, events, opts.eventIdOf);
  const failed = await program.failedCount(accounts);
  if (env.trace && program.name === 'product') {
    for (const account of accounts.slice(0, 3))
      await traceDeliveries(env, account.id, `${opts.tag} ${account.id}`);
  }
  const firstAccept = minOf(sent.accepted.map((s) => s.acceptedAt!));
  const lastAccept = maxOf(sent.accepted.map((s) => s.acceptedAt!));
  const deliverMs = check.lastPost - firstAccept;
  return {
    program: program.name,
    label: program.label,
    events: events.length,
    accounts: accounts.length,
    accepted: sent.accepted.length,
    rejected: sent.rejected.length,
    acceptedPerS: perSecond(sent.accepted.length, lastAccept - sent.sendStarted),
    deliveredPerS: perSecond(check.posted, deliverMs),
    deliverMs,
    latency: percentiles(check.latencies),
    check,
    failed,
    complete,
    ok: complete && sent.rejected.length === 0 && failed === 0 && postsOk(check),
  };
}

export async function runShape(env: BenchEnv, program: Program, shape: Shape, concurrency: number) {
  return runDelivery(env, program, {
    tag: shape.key,
    accounts: shape.accounts,
    events: shape.events,
    concurrency,
    latencyMs: shape.latencyMs,
  });
}
