/**
 * Billsby's public webhooks (`public`, issue 21 item 5). A round: one fresh account receives
 * `4 × customers` thin webhooks (CustomerCreated, SubscriptionCreated, SubscriptionUpdated,
 * InvoiceUpdated Paid per customer, in checkout order) that the product fills from Billsby's REST
 * API (the bench's Billsby simulator, answering every read after `latencyMs`) before posting; then
 * another fresh account receives as many rich events of the same types carrying the same data.
 * Both are measured as the delivery shapes are (delivered/s = posts ÷ first 202 → last post); the
 * target is thin ≥ 0.8 × rich. Several rounds, one after the other, and their medians: on a
 * shared machine one pair can be off by 2× either way.
 *
 * Checks, besides exactly once and in order: every message equals the rich contract's message of
 * the same data (for a thin event: lines only the API knows, such as the customer's city, the
 * product's name, the next plan, the tags, the invoice's customer; `PaidOn` aside, which is when
 * the gateway accepted the webhook), and no Billsby read answered other than 200.
 */
import { formatEventMessages } from '../../domain/billsby/format-event-messages';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type { BenchBillsby } from './billsby';
import { measureDelivery, type DeliveryRun } from './delivery';
import type { BenchEnv } from './env';
import { log } from './env';
import type { Sent } from './load';
import {
  billsbyRecords,
  messageKey,
  PUBLIC_KINDS,
  publicCustomer,
  richEvent,
  thinEvent,
  type PublicCustomer,
  type PublicKind,
} from './public-data';
import { compareTexts, maxInFlight, readKind, waitsOf, withoutPaidOn, type Waits } from './public-report';
import type { ProductProgram } from './product';
import { fmtInt, percentile, percentiles, type Percentiles } from './stats';
import { logTimesSince, type LogTimes } from './timed-log';

export interface PublicOptions {
  customers: number;
  /** Customers of an uncounted first round (0: none). */
  warmupCustomers: number;
  latencyMs: number;
  rounds: number;
  concurrency: number;
  /** The bounds the product was given (for the report). */
  readsPerAccount: number;
  readsPerProcess: number;
}

export interface PublicRound {
  /** Which of the pair ran first. */
  first: 'thin' | 'rich';
  thin: DeliveryRun;
  rich: DeliveryRun;
  /** thin delivered/s ÷ rich delivered/s. */
  ratio: number;
  /** Billsby requests during the thin run, from the simulator's request log. */
  reads: {
    total: number;
    perEvent: number;
    byKind: Record<string, number>;
    /** Reads of an object already read in this round (in another batch). */
    repeated: number;
    notOk: number;
    /** As Billsby saw them (own process only): arrived → answered, and most in flight at once. */
    served?: { latency: Percentiles; maxInFlight: number };
  };
  /** Messages whose text is the rich contract's for the same data (thin: PaidOn aside). */
  texts: { thinSame: number; richSame: number; firstMismatch?: string };
  waits: { thin: Waits; rich: Waits };
  /** The worker's event-log calls during each run (timed-log.ts), largest time first. */
  logCalls: { thin: ReturnType<typeof logTimesSince>; rich: ReturnType<typeof logTimesSince> };
  ok: boolean;
}

export interface PublicRun extends Omit<PublicOptions, 'concurrency' | 'rounds' | 'warmupCustomers'> {
  /** Where the Billsby simulator ran: `its own process` or `this process`. */
  billsbyWhere: string;
  rounds: PublicRound[];
  /** Medians over the rounds (the ratio: of each round's own ratio). */
  thinPerS: number;
  richPerS: number;
  ratio: number;
  readsPerEvent: number;
  /** The uncounted first round, when there was one. */
  warmup?: { customers: number; ratio: number; ok: boolean };
  ok: boolean;
}

export async function runPublic(
  env: BenchEnv,
  program: ProductProgram,
  billsby: BenchBillsby,
  opts: PublicOptions,
): Promise<PublicRun> {
  let warmup: PublicRound | undefined;
  if (opts.warmupCustomers > 0 && !env.signal.aborted) {
    // Not counted: the process's first fill (the read thread's start, Billsby connections, JIT of
    // the fill path) is paid once per worker process, not once per burst.
    log(`public: warm-up round, ${opts.warmupCustomers} customers (not counted)`);
    warmup = await runRound(env, program, billsby, opts, `${env.suffix}w`, 'thin', opts.warmupCustomers);
  }
  const rounds: PublicRound[] = [];
  for (let round = 1; round <= opts.rounds && !env.signal.aborted; round++) {
    const first = round % 2 === 1 ? 'thin' : 'rich';
    log(`public: round ${round} of ${opts.rounds} (${first} first)`);
    rounds.push(await runRound(env, program, billsby, opts, `${env.suffix}r${round}`, first));
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  return {
    customers: opts.customers,
    latencyMs: opts.latencyMs,
    readsPerAccount: opts.readsPerAccount,
    readsPerProcess: opts.readsPerProcess,
    billsbyWhere: billsby.where,
    rounds,
    thinPerS: median(rounds.map((r) => r.thin.deliveredPerS)),
    richPerS: median(rounds.map((r) => r.rich.deliveredPerS)),
    ratio: median(rounds.map((r) => r.ratio)),
    readsPerEvent: rounds.reduce((n, r) => n + r.reads.perEvent, 0) / Math.max(1, rounds.length),
    ...(warmup && { warmup: { customers: opts.warmupCustomers, ratio: warmup.ratio, ok: warmup.ok } }),
    ok: rounds.length === opts.rounds && rounds.every((r) => r.ok) && (warmup?.ok ?? true),
  };
}

async function runRound(
  env: BenchEnv,
  program: ProductProgram,
  billsby: BenchBillsby,
  opts: PublicOptions,
  tag: string,
  first: 'thin' | 'rich',
  customerCount = opts.customers,
): Promise<PublicRound> {
  const thinAccount = await program.addAccount(`p-public-thin-${tag}`);
  const richAccount = await program.addAccount(`p-public-rich-${tag}`);
  const customers = Array.from({ length: customerCount }, (_, i) => publicCustomer(tag, i));
  await billsby.seed(customers.map(billsbyRecords));
  await billsby.setLatency(opts.latencyMs);
  const n = customers.length * PUBLIC_KINDS.length;
  log(
    `public: 2 accounts ready, ${fmtInt(customers.length)} customers in the Billsby simulator (${billsby.where}, +${opts.latencyMs} ms)`,
  );

  // Expected texts, by message key: the rich event's message (both plans name the same objects).
  const paidOn = new Date().toISOString();
  const expected = new Map<string, string>();
  const plan = (kind: string, body: (kind: PublicKind, c: PublicCustomer, id: string) => object) => {
    const events: Sent[] = [];
    const ids = new Map<string, string>();
    for (const c of customers) {
      for (const type of PUBLIC_KINDS) {
        const eventId = `${kind}-${tag}-c${c.index}-${type}`;
        const text = formatEventMessages(richEvent(type, c, eventId, paidOn) as BillsbyEvent).join('\n');
        const key = messageKey(text)!;
        expected.set(key, text);
        ids.set(key, eventId);
        events.push({ eventId, account: 0, startedAt: 0, body: body(type, c, eventId) });
      }
    }
    return { events, eventIdOf: (text: string) => ids.get(messageKey(text) ?? '') };
  };

  const thinPlan = plan('thin', thinEvent);
  const richPlan = plan('rich', (type, c, id) => richEvent(type, c, id, paidOn));
  const runThin = async () => {
    const logBefore = (await billsby.requestLog()).length;
    const timelineBefore = (await billsby.timeline())?.length ?? 0;
    const logAtStart: LogTimes = program.logTimes();
    log(`public: ${fmtInt(n)} thin webhooks, filled from Billsby`);
    const run = await measureDelivery(env, program, [thinAccount], thinPlan.events, {
      tag: 'public-thin',
      concurrency: opts.concurrency,
      rate: 0,
      eventIdOf: thinPlan.eventIdOf,
    });
    const requests = (await billsby.requestLog()).slice(logBefore);
    const served = (await billsby.timeline())?.slice(timelineBefore);
    return { run, requests, served, logCalls: logTimesSince(logAtStart, program.logTimes()) };
  };
  const runRich = async () => {
    const logAtStart: LogTimes = program.logTimes();
    log(`public: ${fmtInt(n)} rich events of the same types and data`);
    const run = await measureDelivery(env, program, [richAccount], richPlan.events, {
      tag: 'public-rich',
      concurrency: opts.concurrency,
      rate: 0,
      eventIdOf: richPlan.eventIdOf,
    });
    return { run, logCalls: logTimesSince(logAtStart, program.logTimes()) };
  };
  // Alternating which goes first: whatever the first run of a pair pays (a colder process, the
  // other's leftovers) falls on each kind in turn.
  let thinResult: Awaited<ReturnType<typeof runThin>>;
  let richResult: Awaited<ReturnType<typeof runRich>>;
  if (first === 'thin') {
    thinResult = await runThin();
    richResult = await runRich();
  } else {
    richResult = await runRich();
    thinResult = await runThin();
  }
  const { run: thin, requests, served } = thinResult;
  const rich = richResult.run;

  const byKind: Record<string, number> = {};
  for (const r of requests) byKind[readKind(r.path)] = (byKind[readKind(r.path)] ?? 0) + 1;
  const reads: PublicRound['reads'] = {
    total: requests.length,
    perEvent: requests.length / n,
    byKind,
    repeated: requests.length - new Set(requests.map((r) => r.path)).size,
    notOk: requests.filter((r) => r.status !== 200).length,
    ...(served && {
      served: {
        latency: percentiles(served.map((r) => r.answeredAt - r.arrivedAt)),
        maxInFlight: maxInFlight(served),
      },
    }),
  };
  const thinTexts = compareTexts(env.sim, thinAccount, expected, withoutPaidOn);
  const richTexts = compareTexts(env.sim, richAccount, expected, (t) => t);
  const texts = {
    thinSame: thinTexts.same,
    richSame: richTexts.same,
    ...((thinTexts.firstMismatch ?? richTexts.firstMismatch) && {
      firstMismatch: thinTexts.firstMismatch ?? richTexts.firstMismatch,
    }),
  };
  return {
    first,
    thin,
    rich,
    ratio: thin.deliveredPerS / rich.deliveredPerS,
    reads,
    texts,
    waits: { thin: waitsOf(thin, served), rich: waitsOf(rich) },
    logCalls: { thin: thinResult.logCalls, rich: richResult.logCalls },
    ok: thin.ok && rich.ok && reads.notOk === 0 && texts.thinSame === n && texts.richSame === n,
  };
}
