/**
 * A simulated clock for pacing tests and the benchmark: time only moves when someone sleeps, and
 * then jumps straight to the end of the sleep. Shared by the BILL simulator (session idling, its
 * hourly counter, request log times) and the activities' pacer, an hour of even pacing passes in
 * however long the requests themselves take, with no real waiting.
 */
import type { Clock } from '../../connectors/bill';

export interface SimulatedClock extends Clock {
  /** Moves time forward by hand (e.g. to let sessions idle out). */
  advance(ms: number): void;
}

export function createSimulatedClock(startMs: number): SimulatedClock {
  let now = startMs;
  return {
    now: () => now,
    sleep: async (ms) => {
      now = Math.max(now, now + Math.max(0, ms));
      // Yield so other callers interleave as they would while a real timer runs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    advance: (ms) => void (now += Math.max(0, ms)),
  };
}
