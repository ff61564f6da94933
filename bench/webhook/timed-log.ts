/**
 * The worker's event log with the time of each call added up per method: instrumentation on the
 * benchmark's side (the product's code is unchanged), so a section can say how much of a run the
 * worker spent in the log, e.g. storing filled public webhooks. Wall time from the call to its
 * promise settling; with the embedded SQLite engine that is the synchronous work itself.
 */
import { performance } from 'node:perf_hooks';
import type { EventLog } from '../../eventlog/types';

export type LogTimes = Record<string, { calls: number; ms: number }>;

export function timedEventLog(log: EventLog): { log: EventLog; times(): LogTimes } {
  const times: LogTimes = {};
  const add = (method: string, started: number) => {
    const entry = (times[method] ??= { calls: 0, ms: 0 });
    entry.calls++;
    entry.ms += performance.now() - started;
  };
  const timed = new Proxy(log, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) return result.finally(() => add(prop, started));
        add(prop, started);
        return result;
      };
    },
  });
  return { log: timed, times: () => structuredClone(times) };
}

/** What `after` added to `before`, largest first. */
export function logTimesSince(before: LogTimes, after: LogTimes): [string, { calls: number; ms: number }][] {
  return Object.entries(after)
    .map(([method, t]) => {
      const b = before[method] ?? { calls: 0, ms: 0 };
      return [method, { calls: t.calls - b.calls, ms: t.ms - b.ms }] as [
        string,
        { calls: number; ms: number },
      ];
    })
    .filter(([, t]) => t.calls > 0)
    .sort((x, y) => y[1].ms - x[1].ms);
}
