/**
 * The `public` section's analysis and report: messages against their expected texts, Billsby's
 * reads by kind and in flight, where the posting paused (and whether a Billsby read was in flight
 * meanwhile), and the printed block per round with the medians.
 */
import type { WebexSimulator } from '../../simulators/webex';
import type { BillsbyRead } from './billsby';
import type { DeliveryRun } from './delivery';
import type { BenchAccount } from './env';
import type { PublicRound, PublicRun } from './public';
import { messageKey } from './public-data';
import { postCheckText, TARGETS } from './report';
import { fmtInt, fmtMs, fmtPct, fmtRate, fmtRatio, fmtS } from './stats';

/** A pause between two consecutive posts at least this long counts as a wait (batch hop, fill). */
export const WAIT_MS = 25;

/** Pauses of ≥ WAIT_MS between consecutive posts: how many, and their total. */
export interface Waits {
  count: number;
  totalMs: number;
  /** Of that total, how long a Billsby read was in flight (own process only). */
  readingMs?: number;
}

export const withoutPaidOn = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('PaidOn: '))
    .join('\n');

/** How many of the room's messages read exactly as expected (the first mismatch shown). */
export function compareTexts(
  sim: WebexSimulator,
  account: BenchAccount,
  expected: Map<string, string>,
  normalise: (text: string) => string,
): { same: number; firstMismatch?: string } {
  let same = 0;
  let firstMismatch: string | undefined;
  for (const message of sim.control.messages(account.roomId)) {
    const text = message.text ?? '';
    const want = expected.get(messageKey(text) ?? '');
    if (want !== undefined && normalise(text) === normalise(want)) {
      same++;
      continue;
    }
    if (firstMismatch) continue;
    const got = normalise(text).split('\n');
    const lines = want === undefined ? [] : normalise(want).split('\n');
    const at = lines.findIndex((line, i) => got[i] !== line);
    firstMismatch =
      want === undefined
        ? `${account.id}: a message about nothing sent: ${got[0]}`
        : `${account.id}, ${got[0]}: line ${at + 1} is "${got[at] ?? ''}", expected "${lines[at] ?? ''}"`;
  }
  return { same, ...(firstMismatch ? { firstMismatch } : {}) };
}

export function readKind(path: string): string {
  if (path.includes('/invoices/')) return 'invoice';
  if (path.endsWith('/tags/split') || path.endsWith('/tags')) return 'tags';
  if (path.includes('/subscriptions/')) return 'subscription';
  if (path.includes('/customers/')) return 'customer';
  return 'other';
}

/** The pauses between posts, and (given the reads) how much of them had a Billsby read in flight. */
export function waitsOf(run: DeliveryRun, reads?: BillsbyRead[]): Waits {
  const times = run.check.postTimes;
  const busy = reads ? union(reads.map((r) => [r.arrivedAt, r.answeredAt] as const)) : [];
  let count = 0;
  let totalMs = 0;
  let readingMs = 0;
  for (let i = 1; i < times.length; i++) {
    const [from, to] = [times[i - 1]!, times[i]!];
    if (to - from < WAIT_MS) continue;
    count++;
    totalMs += to - from;
    for (const [a, b] of busy) readingMs += Math.max(0, Math.min(b, to) - Math.max(a, from));
  }
  return { count, totalMs, ...(reads ? { readingMs } : {}) };
}

/** The union of intervals, as disjoint intervals in order. */
function union(intervals: (readonly [number, number])[]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

export function maxInFlight(reads: BillsbyRead[]): number {
  const edges = reads.flatMap((r) => [
    [r.arrivedAt, 1],
    [r.answeredAt, -1],
  ]);
  edges.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
  let now = 0;
  let most = 0;
  for (const [, delta] of edges) most = Math.max(most, (now += delta!));
  return most;
}

export const publicVerdict = (ratio: number) =>
  `target ≥ ${TARGETS.publicRatio}: ${ratio >= TARGETS.publicRatio ? 'PASS' : 'BELOW'}`;

/** First post after the first 202; pauses between posts; the rest per post. */
function waitsText(run: DeliveryRun, w: Waits): string {
  const postingMs = run.check.lastPost - run.check.firstPost;
  return (
    `first post ${fmtMs(run.deliverMs - postingMs)} after the first 202; ` +
    `${fmtInt(w.count)} pauses ≥ ${WAIT_MS} ms between posts, ${fmtS(w.totalMs)} of the ${fmtS(run.deliverMs)}` +
    (w.readingMs !== undefined ? ` (${fmtS(w.readingMs)} of it with a Billsby read in flight)` : '') +
    `; between pauses ${((postingMs - w.totalMs) / Math.max(1, run.check.posted - 1)).toFixed(2)} ms a post`
  );
}

/** The worker's event-log calls with the most time, e.g. `storeFilled 9 × = 84 ms`. */
const logText = (calls: PublicRound['logCalls']['thin']) =>
  calls
    .slice(0, 4)
    .map(([method, t]) => `${method} ${fmtInt(t.calls)} × = ${fmtMs(t.ms)}`)
    .join(', ') || 'none';

function roundText(r: PublicRound, index: number): string {
  const { thin, rich, reads, texts } = r;
  const kinds = Object.entries(reads.byKind)
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ');
  const served = reads.served
    ? `\n  served      each read arrived → answered at Billsby: ${fmtPct(reads.served.latency)}; at most ${reads.served.maxInFlight} in flight`
    : '';
  const same = (n: number, of: number) => `${n === of ? 'OK' : 'FAIL'} (${fmtInt(n)}/${fmtInt(of)})`;
  return `round ${index + 1} (${r.first} first)
thin          ${fmtInt(thin.check.posted)} posted in ${fmtS(thin.deliverMs)} → ${fmtRate(thin.deliveredPerS)} delivered/s (first 202 → last post); ${fmtRate(thin.acceptedPerS)} accepted/s
  reads       ${fmtInt(reads.total)} Billsby reads = ${reads.perEvent.toFixed(2)} per event (${kinds || 'none'}); ${fmtInt(reads.repeated)} of an object read before (another batch); ${reads.notOk} not 200${served}
  waits       ${waitsText(thin, r.waits.thin)}
  event log   the worker's calls with the most time: ${logText(r.logCalls.thin)}
  checks      ${postCheckText(thin.check, thin)}; filled as the rich event of the same data ${same(texts.thinSame, thin.events)}
rich          ${fmtInt(rich.check.posted)} posted in ${fmtS(rich.deliverMs)} → ${fmtRate(rich.deliveredPerS)} delivered/s; ${fmtRate(rich.acceptedPerS)} accepted/s
  waits       ${waitsText(rich, r.waits.rich)}
  event log   ${logText(r.logCalls.rich)}
  checks      ${postCheckText(rich.check, rich)}; texts as expected ${same(texts.richSame, rich.events)}
ratio         thin/rich delivered/s ${fmtRatio(r.ratio)}${texts.firstMismatch ? `\nfirst text mismatch: ${texts.firstMismatch}` : ''}`;
}

export function printPublicRun(run: PublicRun) {
  const first = run.rounds[0];
  const events = first ? fmtInt(first.thin.events) : '?';
  console.log(`
── public Billsby webhooks: 1 account × ${events} thin (filled, Billsby in ${run.billsbyWhere} +${run.latencyMs} ms, reads ${run.readsPerAccount} per account / ${run.readsPerProcess} per process) vs 1 account × ${events} rich, ${run.rounds.length} round(s): ${first?.thin.label ?? ''}
${run.warmup ? `warm-up       ${fmtInt(run.warmup.customers * 4)} thin, then as many rich, not counted: ratio ${fmtRatio(run.warmup.ratio)}, checks ${run.warmup.ok ? 'OK' : 'FAILED'}\n` : ''}${run.rounds.map(roundText).join('\n')}
medians       thin ${fmtRate(run.thinPerS)} · rich ${fmtRate(run.richPerS)} delivered/s; ratio ${fmtRatio(run.ratio)} (rounds: ${run.rounds.map((r) => fmtRatio(r.ratio)).join(', ')}); ${publicVerdict(run.ratio)}`);
}
