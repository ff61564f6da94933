/**
 * Ingest: what one gateway process accepts. The product's gateway runs in a process of its own,
 * with its event log on one engine; accounts are connected with the worker running, then the
 * worker is stopped, so the number is the gateway and the log alone (webhook → validate → group
 * commit → 202, plus the coalesced wake-up signals to Temporal), not shared with deliveries.
 */
import { checkLog, logOk, type LogCheck } from './checks';
import { addAccounts } from './delivery';
import type { BenchEnv } from './env';
import { log } from './env';
import { planEvents, sendEvents } from './load';
import { startProduct, type Engine } from './product';
import { maxOf, perSecond, percentiles, type Percentiles } from './stats';

export interface IngestRun {
  engine: Engine;
  events: number;
  accounts: number;
  concurrency: number;
  accepted: number;
  rejected: number;
  acceptedPerS: number;
  latency: Percentiles;
  /** When the requests slower than p99 started, seconds after the first request (stalls show as clusters). */
  slowAt: number[];
  check: LogCheck;
  ok: boolean;
}

export async function runIngest(
  env: BenchEnv,
  opts: {
    engine: Engine;
    databaseUrl?: string;
    bundleCode: string;
    events: number;
    accounts: number;
    concurrency: number;
  },
): Promise<IngestRun> {
  const product = await startProduct(env, {
    engine: opts.engine,
    databaseUrl: opts.databaseUrl,
    gatewayProcess: true,
    bundleCode: opts.bundleCode,
  });
  try {
    const prefix = `i-${opts.engine}-${env.suffix}`;
    const accounts = await addAccounts(product, prefix, opts.accounts);
    await product.stopWorker();
    log(
      `ingest (${opts.engine}): ${opts.accounts} accounts connected; worker stopped; sending ${opts.events}`,
    );
    const events = planEvents(accounts, opts.events, prefix);
    const sent = await sendEvents(accounts, events, {
      concurrency: opts.concurrency,
      rate: 0,
      deadline: env.deadline,
      signal: env.signal,
    });
    const lastAccept = maxOf(sent.accepted.map((s) => s.acceptedAt!));
    const check = await checkLog(product.eventLog, accounts, events);
    const latency = percentiles(events.filter((s) => s.durationMs !== undefined).map((s) => s.durationMs!));
    const slowAt = events
      .filter((s) => s.durationMs !== undefined && s.durationMs > latency.p99)
      .map((s) => (s.startedAt - sent.sendStarted) / 1000);
    return {
      engine: opts.engine,
      events: opts.events,
      accounts: opts.accounts,
      concurrency: opts.concurrency,
      accepted: sent.accepted.length,
      rejected: sent.rejected.length,
      acceptedPerS: perSecond(sent.accepted.length, lastAccept - sent.sendStarted),
      latency,
      slowAt,
      check,
      ok: sent.rejected.length === 0 && logOk(check),
    };
  } finally {
    await product.close();
  }
}
