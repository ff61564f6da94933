/**
 * Ingest: what one gateway process accepts. The product's gateway runs in a process of its own,
 * with its event log on one engine; accounts are connected with the worker running, then the
 * worker is stopped, so the number is the gateway and the log alone (webhook → validate → group
 * commit → 202, plus the coalesced wake-up signals to Temporal), not shared with deliveries.
 *
 * After a warm-up that is not timed (a new process compiles its hot code and opens its sockets in
 * its first second), two phases on the same gateway: the peak (as fast as C requests in flight allow: the most it
 * accepts, with the queueing latency that saturation brings), then the target rate held open loop
 * (R requests a second, each timed from when it was due): the latency a sender sees at that rate.
 */
import http from 'node:http';
import { checkLog, logOk, type LogCheck } from './checks';
import { addAccounts } from './delivery';
import type { BenchEnv } from './env';
import { log, sleep } from './env';
import { planEvents, sendEvents, type Sent } from './load';
import type { Options } from './options';
import { startProduct, type Engine } from './product';
import { maxOf, perSecond, percentiles, type Percentiles } from './stats';

export interface IngestPhase {
  events: number;
  accepted: number;
  rejected: number;
  acceptedPerS: number;
  latency: Percentiles;
  /** When the requests slower than p99 started, seconds after the first request (stalls show as clusters). */
  slowAt: number[];
}

export interface IngestRun {
  engine: Engine;
  accounts: number;
  concurrency: number;
  /** Requests sent first, not timed. */
  warmup: number;
  /** Requests not answered 202, all phases. */
  rejected: number;
  peak: IngestPhase;
  /** Open loop at `rate`/s. */
  atRate: IngestPhase & { rate: number; seconds: number; settleSeconds: number };
  check: LogCheck;
  ok: boolean;
}

/** Enough senders that the paced phase never runs out of them, even through a stall of a second. */
const PACED_SENDERS_PER_RATE = 0.5;

export async function runIngest(
  env: BenchEnv,
  opts: Options['ingest'] & { engine: Engine; databaseUrl?: string; bundleCode: string },
): Promise<IngestRun> {
  const product = await startProduct(env, {
    engine: opts.engine,
    databaseUrl: opts.databaseUrl,
    gatewayProcess: true,
    bundleCode: opts.bundleCode,
  });
  let agent: http.Agent | undefined;
  try {
    const prefix = `i-${opts.engine}-${env.suffix}`;
    const accounts = await addAccounts(product, prefix, opts.accounts);
    await product.stopWorker();
    log(
      `ingest (${opts.engine}): ${opts.accounts} accounts connected; worker stopped; sending ${opts.warmup} (warm-up), ${opts.events}, a ${opts.settleSeconds} s pause, then ${opts.rate}/s for ${opts.rateSeconds} s`,
    );
    const pacedSenders = Math.max(opts.concurrency, Math.ceil(opts.rate * PACED_SENDERS_PER_RATE));
    // One sender's connections throughout: the warm-up opens them, so neither phase pays for
    // connection set-up that a sender posting all day pays once.
    agent = new http.Agent({ keepAlive: true, maxSockets: pacedSenders });
    const warmup = planEvents(accounts, opts.warmup, `${prefix}-warmup`);
    const warm = await sendEvents(accounts, warmup, {
      concurrency: opts.concurrency,
      rate: 0,
      deadline: env.deadline,
      signal: env.signal,
      agent,
    });
    const events = planEvents(accounts, opts.events, `${prefix}-peak`);
    const peak = phase(
      events,
      await sendEvents(accounts, events, {
        concurrency: opts.concurrency,
        rate: 0,
        deadline: env.deadline,
        signal: env.signal,
        agent,
      }),
    );
    // The peak leaves work behind (where exactly was not pinned down: not the gateway's garbage
    // collector) that held the first 0.3–0.5 s of an at-rate phase started straight after it at
    // 100–180 ms: a tail of the saturating burst, not the gateway at 1,000/s. The pause lets it
    // settle; without it those requests alone were most of the slowest 1%.
    await sleep(opts.settleSeconds * 1000);
    const paced = planEvents(accounts, opts.rate * opts.rateSeconds, `${prefix}-paced`);
    const atRate = phase(
      paced,
      await sendEvents(accounts, paced, {
        concurrency: pacedSenders,
        rate: opts.rate,
        deadline: env.deadline,
        signal: env.signal,
        agent,
      }),
    );
    const check = await checkLog(product.eventLog, accounts, [...warmup, ...events, ...paced]);
    return {
      engine: opts.engine,
      accounts: opts.accounts,
      concurrency: opts.concurrency,
      peak,
      atRate: { ...atRate, rate: opts.rate, seconds: opts.rateSeconds, settleSeconds: opts.settleSeconds },
      check,
      warmup: warmup.length,
      rejected: warm.rejected.length + peak.rejected + atRate.rejected,
      ok: warm.rejected.length + peak.rejected + atRate.rejected === 0 && logOk(check),
    };
  } finally {
    agent?.destroy();
    await product.close();
  }
}

function phase(
  events: Sent[],
  sent: { sendStarted: number; accepted: Sent[]; rejected: Sent[] },
): IngestPhase {
  const lastAccept = maxOf(sent.accepted.map((s) => s.acceptedAt!));
  const timed = events.filter((s) => s.durationMs !== undefined);
  const latency = percentiles(timed.map((s) => s.durationMs!));
  return {
    events: events.length,
    accepted: sent.accepted.length,
    rejected: sent.rejected.length,
    acceptedPerS: perSecond(sent.accepted.length, lastAccept - sent.sendStarted),
    latency,
    slowAt: timed
      .filter((s) => s.durationMs! > latency.p99)
      .map((s) => (s.startedAt - sent.sendStarted) / 1000),
  };
}
