/**
 * Waiting for delivery, and the checks: every accepted event posted exactly once, and per account
 * in order. Order is judged only where it is defined: an event whose webhook was answered before
 * another's was even sent must be posted (or sequenced in the log) before it; requests in flight
 * together have no order.
 */
import type { EventLog } from '../../eventlog/types';
import type { WebexSimulator } from '../../simulators/webex';
import type { BenchAccount } from './env';
import { sleep } from './env';
import type { Sent } from './load';

export interface PostCheck {
  /** Accepted events posted at least once. */
  posted: number;
  missing: number;
  duplicates: number;
  /** Messages in the rooms that are no accepted event of that account. */
  foreign: number;
  orderViolations: number;
  /** Message `created` − webhook request start, ms, ascending. */
  latencies: number[];
  firstPost: number;
  lastPost: number;
  /** Per message, in posting order (for drain timing). */
  postTimes: number[];
}

const EVENT_ID = /^CustomerUniqueId: (.*)$/m;

/** Which event a message is: by default its `CustomerUniqueId` line (the load generator's events name themselves there). */
export type EventIdOf = (text: string) => string | undefined;
const customerUniqueIdLine: EventIdOf = (text) => EVENT_ID.exec(text)?.[1];

export const postedCount = (sim: WebexSimulator, accounts: BenchAccount[]) =>
  accounts.reduce((n, a) => n + sim.control.messageCount(a.roomId), 0);

/**
 * Polls the rooms until they hold `expected` messages; false on the deadline or when nothing new
 * was posted for `stallMs`. Then waits `settleMs` more, so a would-be duplicate shows up.
 */
export async function waitForPosts(
  sim: WebexSimulator,
  accounts: BenchAccount[],
  expected: number,
  opts: {
    deadline: number;
    signal?: AbortSignal;
    stallMs: number;
    settleMs?: number;
    onProgress?: (count: number) => void;
  },
): Promise<boolean> {
  let lastCount = -1;
  let lastProgress = Date.now();
  let lastReport = Date.now();
  let complete = false;
  while (Date.now() < opts.deadline && !opts.signal?.aborted) {
    const count = postedCount(sim, accounts);
    if (count >= expected) {
      complete = true;
      break;
    }
    if (count !== lastCount) {
      lastCount = count;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > opts.stallMs) {
      console.error(`[bench] nothing posted for ${opts.stallMs / 1000} s, at ${count}/${expected}`);
      break;
    }
    if (opts.onProgress && Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      opts.onProgress(count);
    }
    await sleep(200);
  }
  await sleep(opts.settleMs ?? 1_000);
  return complete;
}

export function checkPosts(
  sim: WebexSimulator,
  accounts: BenchAccount[],
  sent: Sent[],
  eventIdOf: EventIdOf = customerUniqueIdLine,
): PostCheck {
  const byEventId = new Map(sent.filter((s) => s.status === 202).map((s) => [s.eventId, s]));
  const counts = new Map<string, number>();
  const latencies: number[] = [];
  const postTimes: number[] = [];
  let foreign = 0;
  let orderViolations = 0;
  for (const [index, account] of accounts.entries()) {
    let latestStartSoFar = 0;
    for (const message of sim.control.messages(account.roomId)) {
      const eventId = eventIdOf(message.text ?? '');
      const s = eventId ? byEventId.get(eventId) : undefined;
      if (!s || s.account !== index) {
        foreign++;
        continue;
      }
      const seen = (counts.get(s.eventId) ?? 0) + 1;
      counts.set(s.eventId, seen);
      if (seen > 1) continue;
      const postedAt = Date.parse(message.created);
      postTimes.push(postedAt);
      latencies.push(postedAt - s.startedAt);
      if (latestStartSoFar > s.acceptedAt!) orderViolations++;
      latestStartSoFar = Math.max(latestStartSoFar, s.startedAt);
    }
  }
  latencies.sort((a, b) => a - b);
  postTimes.sort((a, b) => a - b);
  return {
    posted: counts.size,
    missing: byEventId.size - counts.size,
    duplicates: [...counts.values()].reduce((n, c) => n + c - 1, 0),
    foreign,
    orderViolations,
    latencies,
    firstPost: postTimes[0] ?? NaN,
    lastPost: postTimes.at(-1) ?? NaN,
    postTimes,
  };
}

export const postsOk = (c: PostCheck) =>
  c.missing === 0 && c.duplicates === 0 && c.foreign === 0 && c.orderViolations === 0;

export interface LogCheck {
  stored: number;
  missing: number;
  /** Events stored more than once, or counted as duplicates by the log. */
  duplicates: number;
  foreign: number;
  orderViolations: number;
}

/** Ingest: each accepted event is in its account's log once, queued, in a sequence that respects acceptance. */
export async function checkLog(log: EventLog, accounts: BenchAccount[], sent: Sent[]): Promise<LogCheck> {
  const accepted = sent.filter((s) => s.status === 202);
  const byEventId = new Map(accepted.map((s) => [s.eventId, s]));
  const seen = new Set<string>();
  let duplicates = 0;
  let foreign = 0;
  let orderViolations = 0;
  for (const [index, account] of accounts.entries()) {
    const expected = accepted.filter((s) => s.account === index).length;
    const counts = await log.counts(account.id);
    duplicates += counts.duplicates;
    const records = await log.list(account.id, { state: 'queued', limit: expected + 100 });
    let latestStartSoFar = 0;
    for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
      const s = byEventId.get(record.eventId);
      if (!s || s.account !== index) {
        foreign++;
        continue;
      }
      if (seen.has(record.eventId)) {
        duplicates++;
        continue;
      }
      seen.add(record.eventId);
      if (latestStartSoFar > s.acceptedAt!) orderViolations++;
      latestStartSoFar = Math.max(latestStartSoFar, s.startedAt);
    }
  }
  return { stored: seen.size, missing: accepted.length - seen.size, duplicates, foreign, orderViolations };
}

export const logOk = (c: LogCheck) =>
  c.missing === 0 && c.duplicates === 0 && c.foreign === 0 && c.orderViolations === 0;
