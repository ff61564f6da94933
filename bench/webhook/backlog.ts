/**
 * Backlog drain: one account's events pile up while Webex answers 503 to every POST /messages of
 * its room, then the fault is cleared. Drain time = fault cleared → last post, compared with what
 * the steady rate (shape b) allows: backlog ÷ steady delivered/s.
 */
import { traceDeliveries } from './trace';
import { checkPosts, postsOk, waitForPosts, type PostCheck } from './checks';
import type { BenchEnv, Program } from './env';
import { log, sleep } from './env';
import { planEvents, sendEvents } from './load';

export interface BacklogRun {
  label: string;
  events: number;
  accepted: number;
  rejected: number;
  /** 503s the simulator served during the outage. */
  faultsServed: number;
  postedDuringOutage: number;
  /** Fault cleared → first post, ms: the retry backoff the outage built up. */
  firstPostMs: number;
  /** Fault cleared → last post, ms. */
  drainMs: number;
  steadyRate: number;
  /** backlog ÷ steady rate, ms. */
  expectedMs: number;
  ratio: number;
  check: PostCheck;
  complete: boolean;
  ok: boolean;
}

export async function runBacklog(
  env: BenchEnv,
  program: Program,
  opts: { events: number; concurrency: number; steadyRate: number },
): Promise<BacklogRun> {
  const { sim } = env;
  const prefix = `${program.name === 'product' ? 'p' : 'm'}-backlog-${env.suffix}`;
  const account = await program.addAccount(`${prefix}-0`);
  const faultId = sim.control.addFault({
    method: 'POST',
    pathPrefix: '/messages',
    roomId: account.roomId,
    times: null,
    action: { kind: 'respond', status: 503 },
  });
  let cleared = false;
  const fired = () => sim.control.faults().find((f) => f.id === faultId)?.fired ?? 0;
  try {
    const events = planEvents([account], opts.events, prefix);
    const sent = await sendEvents([account], events, {
      concurrency: opts.concurrency,
      rate: 0,
      deadline: env.deadline,
      signal: env.signal,
    });
    log(
      `backlog: ${sent.accepted.length}/${opts.events} accepted in ${sent.sendEnded - sent.sendStarted} ms`,
    );
    // The outage must have been seen by the delivery, or clearing it proves nothing.
    const seenBy = Date.now() + 60_000;
    while (fired() === 0 && Date.now() < seenBy && !env.signal.aborted) await sleep(100);
    const faultsServed = fired();
    const postedDuringOutage = sim.control.messageCount(account.roomId);
    sim.control.removeFault(faultId);
    cleared = true;
    const clearedAt = Date.now();
    log(`backlog: ${faultsServed} POSTs answered 503 so far; fault cleared, draining`);
    // The first post may wait out the retry backoff the outage built up (at most 5 minutes).
    const complete = await waitForPosts(sim, [account], sent.accepted.length, {
      deadline: env.deadline,
      signal: env.signal,
      stallMs: 6 * 60_000,
      onProgress: (n) => log(`backlog: ${n}/${sent.accepted.length} posted`),
    });
    const check = checkPosts(sim, [account], events);
    const firstAfter = check.postTimes.find((t) => t >= clearedAt) ?? NaN;
    const drainMs = check.lastPost - clearedAt;
    const expectedMs = (sent.accepted.length / opts.steadyRate) * 1000;
    const failed = await program.failedCount([account]);
    if (env.trace && program.name === 'product') await traceDeliveries(env, account.id, 'backlog');
    return {
      label: program.label,
      events: opts.events,
      accepted: sent.accepted.length,
      rejected: sent.rejected.length,
      faultsServed,
      postedDuringOutage,
      firstPostMs: firstAfter - clearedAt,
      drainMs,
      steadyRate: opts.steadyRate,
      expectedMs,
      ratio: drainMs / expectedMs,
      check,
      complete,
      ok: complete && sent.rejected.length === 0 && failed === 0 && postsOk(check),
    };
  } finally {
    if (!cleared) sim.control.removeFault(faultId);
  }
}
