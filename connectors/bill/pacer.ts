/**
 * Paces one devKey's BILL requests evenly across the hour, so an engagement run takes a fair share
 * of the 20,000 requests per hour the partner's production application also needs.
 *
 * Two rules, both on the pacer's clock:
 * - even spacing: successive requests start at least 3,600,000 / maxPerHour ms apart (no burst and
 *   no catching up after a quiet spell, so no minute ever runs hot);
 * - a hard cap per clock hour (BILL's window): a request counts against every hour it is in flight
 *   in, so one sent at 10:59:59.9 and answered at 11:00:00.1 counts against 11:00 too, and BILL's
 *   counter for an hour can never pass maxPerHour.
 * This pacer is one process's; workers with the event log share one budget per devKey through it
 * (activities/bill/shared-pacer.ts, the same rules kept in the database).
 */

export interface Clock {
  now(): number;
  /** Resolves once the clock has reached `now() + ms`. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Call once the request's answer has arrived; `at` is when the request was let go (pacer's clock). */
export type PacerRelease = (() => void) & { at: number };

export interface RequestPacer {
  readonly maxPerHour: number;
  /** Waits for this request's turn; call the returned function once its answer has arrived. */
  acquire(): Promise<PacerRelease>;
}

const HOUR = 3_600_000;
const hourOf = (ms: number) => Math.floor(ms / HOUR);

export function createRequestPacer(maxPerHour: number, clock: Clock = systemClock): RequestPacer {
  if (!Number.isInteger(maxPerHour) || maxPerHour < 1)
    throw new Error('maxPerHour must be a positive integer');
  const spacing = HOUR / maxPerHour;
  const charged = new Map<number, number>();
  const inFlight = new Set<{ chargedThrough: number }>();
  let nextSlot = -Infinity;
  let queue: Promise<void> = Promise.resolve();

  const charge = (hour: number) => charged.set(hour, (charged.get(hour) ?? 0) + 1);
  /** Requests still in flight also count against every hour they reach. */
  function chargeInFlightThrough(hour: number): void {
    for (const r of inFlight) {
      for (let h = r.chargedThrough + 1; h <= hour; h++) charge(h);
      r.chargedThrough = Math.max(r.chargedThrough, hour);
    }
  }
  function forget(before: number): void {
    for (const h of charged.keys()) if (h < before) charged.delete(h);
  }

  async function turn(): Promise<{ chargedThrough: number; at: number }> {
    for (;;) {
      const now = clock.now();
      if (now < nextSlot) {
        await clock.sleep(nextSlot - now);
        continue;
      }
      const hour = hourOf(now);
      chargeInFlightThrough(hour);
      forget(hour - 1);
      if ((charged.get(hour) ?? 0) >= maxPerHour) {
        await clock.sleep((hour + 1) * HOUR - now);
        continue;
      }
      charge(hour);
      nextSlot = now + spacing;
      const request = { chargedThrough: hour, at: now };
      inFlight.add(request);
      return request;
    }
  }

  return {
    maxPerHour,
    async acquire() {
      // One caller at a time decides its slot, so slots are handed out in arrival order.
      const mine = queue.then(turn);
      queue = mine.then(
        () => undefined,
        () => undefined,
      );
      const request = await mine;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        chargeInFlightThrough(hourOf(clock.now()));
        inFlight.delete(request);
      };
      return Object.assign(release, { at: request.at });
    },
  };
}
