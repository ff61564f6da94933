import os from 'node:os';

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

/** Smallest and largest of many numbers (no spread: arrays can be long). */
export const minOf = (values: number[]) => values.reduce((a, b) => Math.min(a, b), Infinity);
export const maxOf = (values: number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);

/** n per second over `ms`; NaN when the span is empty. */
export const perSecond = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : NaN);

export const fmtRate = (r: number) => (Number.isFinite(r) ? r.toFixed(r >= 100 ? 0 : 1) : 'n/a');
export const fmtMs = (ms: number) =>
  Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : 'n/a';
export const fmtS = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
export const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a');
export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const fmtPct = (p: Percentiles) =>
  `p50 ${fmtMs(p.p50)} · p95 ${fmtMs(p.p95)} · p99 ${fmtMs(p.p99)} · max ${fmtMs(p.max)}`;

export function machineLoad(): string {
  const [one, five, fifteen] = os.loadavg().map((l) => l.toFixed(2));
  return `load average ${one} ${five} ${fifteen} on ${os.availableParallelism()} cores (nproc)`;
}
