/** What the benchmark prints: one block per run as it finishes, and the summary with the targets. */
import type { BacklogRun } from './backlog';
import type { PostCheck, LogCheck } from './checks';
import type { DeliveryRun } from './delivery';
import type { IngestRun } from './ingest';
import { IDLE_TASKS_PER_ACCOUNT_HOUR, type ManyRun } from './many';
import type { Shape } from './options';
import type { PublicRun } from './public';
import { engineLabel } from './product';
import { fmtInt, fmtMs, fmtPct, fmtRate, fmtRatio, fmtS } from './stats';

/** Issue 20's targets: the product against the minimal program in the same run. */
export const TARGETS = {
  ratioAB: 2,
  shapeCRate: 8,
  ingestRate: 1_000,
  ingestP99Ms: 50,
  /** Paced: product p50 ≤ this × the minimal program's p50, p99 ≤ that × its p99. */
  pacedP50Ratio: 2,
  pacedP99Ratio: 3,
  backlogRatio: 1.2,
  idleTasksPerAccountHour: IDLE_TASKS_PER_ACCOUNT_HOUR,
  /** Issue 21 item 5: public webhooks filled from Billsby (+50 ms) ≥ this × the rich events' delivered/s. */
  publicRatio: 0.8,
};

export interface ShapeResult {
  shape: Shape;
  product?: DeliveryRun;
  minimal?: DeliveryRun;
}

export interface Results {
  shapes: ShapeResult[];
  ingest: (IngestRun | { engine: string; skipped: string })[];
  paced: { rate: number; seconds: number; accounts: number; product?: DeliveryRun; minimal?: DeliveryRun };
  backlog?: BacklogRun;
  many?: ManyRun;
  public?: PublicRun;
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const okText = (ok: boolean) => (ok ? 'OK' : 'FAIL');

export function describeShape(shape: Shape): string {
  const size =
    shape.accounts === 1
      ? `1 account × ${fmtInt(shape.events)} events`
      : `${shape.accounts} accounts × ${fmtInt(shape.events / shape.accounts)} events`;
  return `(${shape.key}) ${size}${shape.latencyMs ? `, Webex +${shape.latencyMs} ms` : ''}`;
}

export function postCheckText(c: PostCheck, extra: { rejected: number; failed?: number; complete: boolean }) {
  const once = c.missing === 0 && c.duplicates === 0 && c.foreign === 0;
  return (
    `exactly once ${okText(once && extra.complete)} (${c.missing} missing, ${c.duplicates} duplicate posts, ` +
    `${c.foreign} unexpected messages, ${extra.rejected} webhooks not 202` +
    `${extra.failed ? `, ${extra.failed} marked failed` : ''}); ` +
    `in order per account ${okText(c.orderViolations === 0)} (${c.orderViolations} posted before an event accepted earlier)`
  );
}

export function printDeliveryRun(title: string, run: DeliveryRun) {
  console.log(`
── ${title}: ${run.label}
accepted      ${fmtInt(run.accepted)}/${fmtInt(run.events)} → ${fmtRate(run.acceptedPerS)} accepted/s (first request → last 202)
delivered     ${fmtInt(run.check.posted)} posted in ${fmtS(run.deliverMs)} → ${fmtRate(run.deliveredPerS)} delivered/s (first 202 → last post)
latency       webhook request → message created: ${fmtPct(run.latency)}
checks        ${postCheckText(run.check, run)}`);
}

export function logCheckText(c: LogCheck, rejected: number) {
  return (
    `in the log once ${okText(c.missing === 0 && c.duplicates === 0 && c.foreign === 0 && rejected === 0)} ` +
    `(${fmtInt(c.stored)} stored, ${c.missing} missing, ${c.duplicates} duplicates, ${c.foreign} unexpected, ${rejected} not 202); ` +
    `in order per account ${okText(c.orderViolations === 0)} (${c.orderViolations} sequenced before an event accepted earlier)`
  );
}

export function printIngestRun(run: IngestRun) {
  const { peak, atRate } = run;
  console.log(`
── ingest, ${engineLabel(run.engine)}: one gateway process, worker stopped, ${run.accounts} accounts, after ${fmtInt(run.warmup)} untimed
peak          ${fmtInt(peak.accepted)}/${fmtInt(peak.events)} accepted, ${run.concurrency} in flight → ${fmtRate(peak.acceptedPerS)} accepted/s
  latency     webhook request → 202: ${fmtPct(peak.latency)}
  above p99   ${peak.slowAt.length} requests, started at ${slowRanges(peak.slowAt)} after the first request
at ${fmtInt(atRate.rate)}/s     ${fmtInt(atRate.accepted)}/${fmtInt(atRate.events)} accepted over ${atRate.seconds} s, open loop, ${atRate.settleSeconds} s after the peak → ${fmtRate(atRate.acceptedPerS)} accepted/s
  latency     due → 202: ${fmtPct(atRate.latency)}
  above p99   ${atRate.slowAt.length} requests, started at ${slowRanges(atRate.slowAt)} after the first request
checks        ${logCheckText(run.check, run.rejected)}`);
}

/** The ingest target: the peak reaches the rate, and at that rate p99 stays within the bound. */
export function ingestTargetMet(run: IngestRun): boolean {
  return (
    run.peak.acceptedPerS >= TARGETS.ingestRate &&
    run.atRate.rate >= TARGETS.ingestRate &&
    run.atRate.acceptedPerS >= TARGETS.ingestRate * 0.98 &&
    run.atRate.latency.p99 <= TARGETS.ingestP99Ms
  );
}

/** `0.0–0.4 s, 12.1 s` : where the slowest requests started, as clusters. */
function slowRanges(at: number[]): string {
  const sorted = [...at].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const t of sorted) {
    const last = ranges.at(-1);
    if (last && t - last[1] <= 0.5) last[1] = t;
    else ranges.push([t, t]);
  }
  const text = ranges.map(([a, b]) =>
    b - a < 0.05 ? `${a.toFixed(1)} s` : `${a.toFixed(1)}–${b.toFixed(1)} s`,
  );
  return text.length > 6 ? `${text.slice(0, 6).join(', ')}, …` : text.join(', ') || 'n/a';
}

export function printBacklogRun(run: BacklogRun) {
  console.log(`
── backlog drain: ${run.label}
outage        ${fmtInt(run.accepted)}/${fmtInt(run.events)} accepted while POST /messages answered 503 (${fmtInt(run.faultsServed)} served, ${run.postedDuringOutage} posted)
drain         fault cleared → last post ${fmtS(run.drainMs)} (first post after ${fmtS(run.firstPostMs)}: the retry backoff the outage built up)
expected      backlog ÷ steady rate ${fmtRate(run.steadyRate)}/s = ${fmtS(run.expectedMs)} → drain ratio ${fmtRatio(run.ratio)}
checks        ${postCheckText(run.check, run)}`);
}

const causesText = (causes: Record<string, number>) =>
  Object.entries(causes)
    .sort((a, b) => b[1] - a[1])
    .map(([cause, n]) => `${cause}: ${fmtInt(n)}`)
    .join(', ') || 'none';

export function printManyRun(run: ManyRun) {
  const { idle } = run;
  const total = fmtInt(run.accounts * run.eventsPerAccount);
  console.log(`
── many accounts: ${fmtInt(run.accounts)} connected through OAuth in ${fmtS(run.connectMs)} (${run.connectConcurrency} at once), then ${run.settleSeconds} s to settle
idle          ${idle.minutes.toFixed(1)} min = ${idle.accountHours.toFixed(1)} account-hours: ${fmtInt(idle.tasks)} workflow tasks (${causesText(idle.causes)}) → ${idle.perAccountHour.toFixed(3)} per account-hour; besides, ${fmtInt(idle.refreshTasks)} for token refreshes
              ${fmtInt(idle.accountsWithTasks)} integrations had any, ${idle.newRuns} continued as new, ${idle.unreadable} unreadable; the wake sweep signalled ${idle.sweepSignals}
${manyLoadLines(`${fmtInt(run.accounts)} accounts`, run.many, total, run.seconds)}
  workflow    ${fmtInt(run.loadTasks.tasks)} tasks over the ${fmtInt(run.accounts)} integrations = ${(run.loadTasks.tasks / run.many.accepted).toFixed(2)} per event (${causesText(run.loadTasks.causes)})
${manyLoadLines(`${run.fewAccounts} accounts`, run.few, total, run.seconds)}
              the wake sweep signalled ${run.sweepSignalsDuringLoad} accounts during the load`);
}

function manyLoadLines(title: string, run: DeliveryRun, total: string, seconds: number) {
  return `${title.padEnd(15)}${fmtInt(run.accepted)}/${total} accepted (at random times over ${seconds} s), ${fmtInt(run.check.posted)} posted
  latency     webhook request → message created: ${fmtPct(run.latency)}
  checks      ${postCheckText(run.check, run)}`;
}

/** The summary; returns whether every exactly-once and order check passed. */
export function printSummary(r: Results, header: string[]): boolean {
  let ok = true;
  const lines: string[] = ['', '══ Summary ' + '═'.repeat(90), ...header];
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (s: string, n: number) => s.padStart(n);

  if (r.shapes.length > 0) {
    lines.push(
      '',
      'Delivery: product vs the minimal Temporal program, one after the other on the same dev server',
    );
    lines.push(
      `  ${pad('shape', 50)}${pad('program', 9)}${num('accepted/s', 11)}${num('delivered/s', 13)}   ${pad('latency p50 / p99', 22)}checks`,
    );
    for (const { shape, product, minimal } of r.shapes) {
      let first = true;
      for (const run of [product, minimal]) {
        if (!run) continue;
        ok &&= run.ok;
        lines.push(
          `  ${pad(first ? describeShape(shape) : '', 50)}${pad(run.program, 9)}${num(fmtRate(run.acceptedPerS), 11)}` +
            `${num(fmtRate(run.deliveredPerS), 13)}   ${pad(`${fmtMs(run.latency.p50)} / ${fmtMs(run.latency.p99)}`, 22)}${okText(run.ok)}`,
        );
        first = false;
      }
      const ratio = product && minimal ? product.deliveredPerS / minimal.deliveredPerS : NaN;
      const targets: string[] = [];
      if (shape.key !== 'c')
        targets.push(`target ≥ ${TARGETS.ratioAB}× minimal: ${verdict(ratio >= TARGETS.ratioAB)}`);
      else if (product) {
        targets.push(
          `target ≥ ${TARGETS.shapeCRate}/s: ${verdict(product.deliveredPerS >= TARGETS.shapeCRate)}`,
        );
      }
      lines.push(
        `  ${pad('', 50)}ratio product/minimal delivered/s ${fmtRatio(ratio)}; ${targets.join('; ')}`,
      );
    }
  }

  if (r.ingest.length > 0) {
    lines.push('', 'Ingest: one product gateway process, worker stopped (webhook → commit → 202)');
    for (const run of r.ingest) {
      if ('skipped' in run) {
        lines.push(`  ${pad(run.engine, 18)}skipped: ${run.skipped}`);
        continue;
      }
      ok &&= run.ok;
      lines.push(
        `  ${pad(engineLabel(run.engine), 28)}peak ${num(fmtRate(run.peak.acceptedPerS), 6)} accepted/s (p50 ${fmtMs(run.peak.latency.p50)} · p99 ${fmtMs(run.peak.latency.p99)}); ` +
          `at ${fmtInt(run.atRate.rate)}/s: p50 ${fmtMs(run.atRate.latency.p50)} · p99 ${fmtMs(run.atRate.latency.p99)}   checks ${okText(run.ok)}` +
          (run.engine === 'postgres'
            ? `   target ≥ ${fmtInt(TARGETS.ingestRate)}/s with p99 ≤ ${TARGETS.ingestP99Ms} ms: ${verdict(ingestTargetMet(run))}`
            : ''),
      );
    }
  }

  const { paced } = r;
  if (paced.product || paced.minimal) {
    lines.push(
      '',
      `Paced: ${paced.rate} events/s over ${paced.accounts} accounts for ${paced.seconds} s — webhook request → message created`,
    );
    for (const run of [paced.product, paced.minimal]) {
      if (!run) continue;
      ok &&= run.ok;
      const minimal = paced.minimal;
      const target =
        run.program === 'product' && minimal
          ? `   p50 ${fmtRatio(run.latency.p50 / minimal.latency.p50)}, p99 ${fmtRatio(run.latency.p99 / minimal.latency.p99)} the minimal program's; ` +
            `target ≤ ${TARGETS.pacedP50Ratio}× and ≤ ${TARGETS.pacedP99Ratio}×: ${verdict(
              run.latency.p50 <= TARGETS.pacedP50Ratio * minimal.latency.p50 &&
                run.latency.p99 <= TARGETS.pacedP99Ratio * minimal.latency.p99,
            )}`
          : '';
      lines.push(`  ${pad(run.program, 9)}${fmtPct(run.latency)}   checks ${okText(run.ok)}${target}`);
    }
  }

  if (r.backlog) {
    const b = r.backlog;
    ok &&= b.ok;
    lines.push(
      '',
      `Backlog drain: ${fmtInt(b.accepted)} events for one account queued during a 503 outage (${b.label})`,
      `  drain ${fmtS(b.drainMs)} (first post after ${fmtS(b.firstPostMs)}) vs backlog ÷ steady rate ${fmtS(b.expectedMs)} ` +
        `= ${fmtRatio(b.ratio)}   checks ${okText(b.ok)}   target ≤ ${TARGETS.backlogRatio}×: ${verdict(b.ratio <= TARGETS.backlogRatio)}`,
    );
  }
  if (r.many) {
    const m = r.many;
    ok &&= m.ok;
    lines.push(
      '',
      `Many accounts: ${fmtInt(m.accounts)} connected (in ${fmtS(m.connectMs)}), idle ${m.idle.minutes.toFixed(1)} min, then ` +
        `${fmtInt(m.accounts * m.eventsPerAccount)} events at random over ${m.seconds} s`,
      `  idle          ${fmtInt(m.idle.tasks)} workflow tasks = ${m.idle.perAccountHour.toFixed(3)} per account-hour ` +
        `(besides ${fmtInt(m.idle.refreshTasks)} for token refreshes)   target ≤ ${TARGETS.idleTasksPerAccountHour}: ` +
        `${verdict(m.idle.unreadable === 0 && m.idle.perAccountHour <= TARGETS.idleTasksPerAccountHour)}`,
    );
    for (const [title, run] of [
      [`${fmtInt(m.accounts)} accounts`, m.many],
      [`${m.fewAccounts} accounts`, m.few],
    ] as const) {
      lines.push(
        `  ${pad(title, 15)}webhook request → message created p50 ${fmtMs(run.latency.p50)} · p99 ${fmtMs(run.latency.p99)}   checks ${okText(run.ok)}`,
      );
    }
  }
  if (r.public) {
    const p = r.public;
    ok &&= p.ok;
    const events = fmtInt(p.rounds[0]?.thin.events ?? 0);
    const verdictText = `target ≥ ${TARGETS.publicRatio}: ${p.ratio >= TARGETS.publicRatio ? 'PASS' : 'BELOW'}`;
    lines.push(
      '',
      `Public Billsby webhooks: 1 account × ${events} thin, filled from Billsby (+${p.latencyMs} ms a read; reads ${p.readsPerAccount} per account, ${p.readsPerProcess} per process), vs as many rich; medians of ${p.rounds.length} round(s)`,
      `  thin ${fmtRate(p.thinPerS)} delivered/s (${p.readsPerEvent.toFixed(2)} reads per event) · rich ${fmtRate(p.richPerS)} delivered/s` +
        ` → ratio ${fmtRatio(p.ratio)} (rounds: ${p.rounds.map((x) => fmtRatio(x.ratio)).join(', ')})   checks ${okText(p.ok)}   ${verdictText}`,
    );
  }
  lines.push(
    '',
    `exactly-once and order checks: ${ok ? 'all OK' : 'FAILED'} (targets do not affect the exit code)`,
  );
  console.log(lines.join('\n'));
  return ok;
}
