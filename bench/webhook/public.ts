/**
 * Billsby's public webhooks (`public`, issue 21 item 5): one account receives `4 × customers` thin
 * webhooks (CustomerCreated, SubscriptionCreated, SubscriptionUpdated, InvoiceUpdated Paid per
 * customer, in checkout order) that the product fills from Billsby's REST API (the bench's Billsby
 * simulator, answering every read after `latencyMs`) before posting; then another account receives
 * as many rich events of the same types carrying the same data. Both are measured as the delivery
 * shapes are (delivered/s = posts ÷ first 202 → last post); the target is thin ≥ 0.8 × rich.
 *
 * Checks, besides exactly once and in order: every message equals the rich contract's message of
 * the same data (for a thin event: lines only the API knows, such as the customer's city, the
 * product's name, the next plan, the tags, the invoice's customer; `PaidOn` aside, which is when
 * the gateway accepted the webhook), and no Billsby read answered other than 200.
 */
import { formatEventMessages } from '../../domain/billsby/format-event-messages';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type { BillsbySimulator } from '../../simulators/billsby';
import { measureDelivery, type DeliveryRun } from './delivery';
import type { BenchAccount, BenchEnv, Program } from './env';
import { log } from './env';
import type { Sent } from './load';
import {
  messageKey,
  PUBLIC_KINDS,
  publicCustomer,
  richEvent,
  seedCustomer,
  thinEvent,
  type PublicCustomer,
} from './public-data';
import { postCheckText, TARGETS } from './report';
import { fmtInt, fmtRate, fmtRatio, fmtS } from './stats';

/** A pause between two consecutive posts at least this long counts as a wait (batch hop, fill). */
const WAIT_MS = 25;

export interface PublicOptions {
  customers: number;
  latencyMs: number;
  concurrency: number;
  /** The bounds the product was given (for the report). */
  readsPerAccount: number;
  readsPerProcess: number;
}

export interface PublicRun extends Omit<PublicOptions, 'concurrency'> {
  thin: DeliveryRun;
  rich: DeliveryRun;
  /** thin delivered/s ÷ rich delivered/s. */
  ratio: number;
  /** Billsby requests during the thin run, from the simulator's request log. */
  reads: { total: number; perEvent: number; byKind: Record<string, number>; repeated: number; notOk: number };
  /** Messages whose text is the rich contract's for the same data (thin: PaidOn aside). */
  texts: { thinSame: number; richSame: number; firstMismatch?: string };
  waits: { thin: Waits; rich: Waits };
  ok: boolean;
}

/** Pauses of ≥ WAIT_MS between consecutive posts: how many, and their total. */
export interface Waits {
  count: number;
  totalMs: number;
}

export async function runPublic(
  env: BenchEnv,
  program: Program,
  billsby: BillsbySimulator,
  opts: PublicOptions,
): Promise<PublicRun> {
  const thinAccount = await program.addAccount(`p-public-thin-${env.suffix}`);
  const richAccount = await program.addAccount(`p-public-rich-${env.suffix}`);
  const customers = Array.from({ length: opts.customers }, (_, i) => publicCustomer(env.suffix, i));
  for (const c of customers) seedCustomer(billsby, c);
  billsby.control.setLatency(opts.latencyMs);
  const n = customers.length * PUBLIC_KINDS.length;
  log(
    `public: 2 accounts ready, ${fmtInt(customers.length)} customers in the Billsby simulator (+${opts.latencyMs} ms)`,
  );

  // Expected texts, by message key: the rich event's message (PaidOn is the same in both runs' expectation).
  const paidOn = new Date().toISOString();
  const expected = new Map<string, string>();
  const plan = (
    tag: string,
    body: (kind: (typeof PUBLIC_KINDS)[number], c: PublicCustomer, id: string) => object,
  ) => {
    const events: Sent[] = [];
    const ids = new Map<string, string>();
    for (const c of customers) {
      for (const kind of PUBLIC_KINDS) {
        const eventId = `${tag}-${env.suffix}-c${c.index}-${kind}`;
        const rich = richEvent(kind, c, eventId, paidOn) as BillsbyEvent;
        const text = formatEventMessages(rich).join('\n');
        const key = messageKey(text)!;
        expected.set(key, text);
        ids.set(key, eventId);
        events.push({ eventId, account: 0, startedAt: 0, body: body(kind, c, eventId) });
      }
    }
    return { events, eventIdOf: (text: string) => ids.get(messageKey(text) ?? '') };
  };

  const thinPlan = plan('thin', thinEvent);
  const readsBefore = billsby.control.requestLog().length;
  log(`public: ${fmtInt(n)} thin webhooks, filled from Billsby`);
  const thin = await measureDelivery(env, program, [thinAccount], thinPlan.events, {
    tag: 'public-thin',
    concurrency: opts.concurrency,
    rate: 0,
    eventIdOf: thinPlan.eventIdOf,
  });
  const requests = billsby.control.requestLog().slice(readsBefore);

  const richPlan = plan('rich', (kind, c, id) => richEvent(kind, c, id, paidOn));
  log(`public: ${fmtInt(n)} rich events of the same types and data`);
  const rich = await measureDelivery(env, program, [richAccount], richPlan.events, {
    tag: 'public-rich',
    concurrency: opts.concurrency,
    rate: 0,
    eventIdOf: richPlan.eventIdOf,
  });

  const byKind: Record<string, number> = {};
  for (const r of requests) byKind[readKind(r.path)] = (byKind[readKind(r.path)] ?? 0) + 1;
  const reads = {
    total: requests.length,
    perEvent: requests.length / n,
    byKind,
    repeated: requests.length - new Set(requests.map((r) => r.path)).size,
    notOk: requests.filter((r) => r.status !== 200).length,
  };
  const thinTexts = compareTexts(env, thinAccount, expected, withoutPaidOn);
  const richTexts = compareTexts(env, richAccount, expected, (t) => t);
  const texts = {
    thinSame: thinTexts.same,
    richSame: richTexts.same,
    firstMismatch: thinTexts.firstMismatch ?? richTexts.firstMismatch,
  };
  return {
    customers: opts.customers,
    latencyMs: opts.latencyMs,
    readsPerAccount: opts.readsPerAccount,
    readsPerProcess: opts.readsPerProcess,
    thin,
    rich,
    ratio: thin.deliveredPerS / rich.deliveredPerS,
    reads,
    texts,
    waits: { thin: waitsOf(thin), rich: waitsOf(rich) },
    ok: thin.ok && rich.ok && reads.notOk === 0 && texts.thinSame === n && texts.richSame === n,
  };
}

const withoutPaidOn = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('PaidOn: '))
    .join('\n');

/** How many of the room's messages read exactly as expected (the first mismatch shown). */
function compareTexts(
  env: BenchEnv,
  account: BenchAccount,
  expected: Map<string, string>,
  normalise: (text: string) => string,
): { same: number; firstMismatch?: string } {
  let same = 0;
  let firstMismatch: string | undefined;
  for (const message of env.sim.control.messages(account.roomId)) {
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

function readKind(path: string): string {
  if (path.includes('/invoices/')) return 'invoice';
  if (path.endsWith('/tags/split') || path.endsWith('/tags')) return 'tags';
  if (path.includes('/subscriptions/')) return 'subscription';
  if (path.includes('/customers/')) return 'customer';
  return 'other';
}

function waitsOf(run: DeliveryRun): Waits {
  const times = run.check.postTimes;
  let count = 0;
  let totalMs = 0;
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap >= WAIT_MS) {
      count++;
      totalMs += gap;
    }
  }
  return { count, totalMs };
}

const publicTargetText = (run: PublicRun) =>
  `target ≥ ${TARGETS.publicRatio}: ${run.ratio >= TARGETS.publicRatio ? 'PASS' : 'BELOW'}`;

const waitsText = (run: DeliveryRun, w: Waits) =>
  `${fmtInt(w.count)} pauses ≥ ${WAIT_MS} ms between posts, ${fmtS(w.totalMs)} of the ${fmtS(run.deliverMs)}`;

export function printPublicRun(run: PublicRun) {
  const { thin, rich, reads, texts } = run;
  const kinds = Object.entries(reads.byKind)
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ');
  console.log(`
── public Billsby webhooks: 1 account × ${fmtInt(thin.events)} thin (filled, Billsby +${run.latencyMs} ms, reads ${run.readsPerAccount} per account / ${run.readsPerProcess} per process) vs 1 account × ${fmtInt(rich.events)} rich: ${thin.label}
thin          ${fmtInt(thin.check.posted)} posted in ${fmtS(thin.deliverMs)} → ${fmtRate(thin.deliveredPerS)} delivered/s (first 202 → last post); ${fmtRate(thin.acceptedPerS)} accepted/s
  reads       ${fmtInt(reads.total)} Billsby reads = ${reads.perEvent.toFixed(2)} per event (${kinds || 'none'}); ${fmtInt(reads.repeated)} of an object read before (another batch); ${reads.notOk} not 200
  waits       ${waitsText(thin, run.waits.thin)}
  checks      ${postCheckText(thin.check, thin)}; filled as the rich event of the same data ${texts.thinSame === thin.events ? 'OK' : 'FAIL'} (${fmtInt(texts.thinSame)}/${fmtInt(thin.events)})
rich          ${fmtInt(rich.check.posted)} posted in ${fmtS(rich.deliverMs)} → ${fmtRate(rich.deliveredPerS)} delivered/s; ${fmtRate(rich.acceptedPerS)} accepted/s
  waits       ${waitsText(rich, run.waits.rich)}
  checks      ${postCheckText(rich.check, rich)}; texts as expected ${texts.richSame === rich.events ? 'OK' : 'FAIL'} (${fmtInt(texts.richSame)}/${fmtInt(rich.events)})
ratio         thin/rich delivered/s ${fmtRatio(run.ratio)}; ${publicTargetText(run)}${texts.firstMismatch ? `\nfirst text mismatch: ${texts.firstMismatch}` : ''}`);
}
