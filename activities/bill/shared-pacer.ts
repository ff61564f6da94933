import { createHash, randomUUID } from 'node:crypto';
import type { Clock, PacerRelease, RequestPacer } from '../../connectors/bill';
import type { BillPacingStore } from '../../eventlog/types';

/**
 * BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR for the whole deployment (issue 22): every worker using
 * the same devKey takes its requests' slots from one budget in the event log's database
 * (eventlog/bill-pacing.ts), so three workers spend the budget once, not three times, and BILL's
 * hourly limit (BDC_1144) is never met. Same rules as the per-process pacer (connectors/bill/pacer.ts):
 * evenly spaced, capped per clock hour, a request counted in every hour it is in flight in.
 *
 * A worker that dies with requests in flight leaves permits behind; they are dropped when their
 * lease runs out (`leaseMs`, 2 minutes by default: longer than any BILL request may take) and
 * until then only count against an hour that begins while they are held, as a request BILL may
 * still be answering should. They never hold other workers' requests back.
 */
const HOUR = 3_600_000;
export const DEFAULT_PERMIT_LEASE_MS = 120_000;
/** A waiting request asks again at least this often (another worker may have released an hour's slot). */
const MAX_WAIT_MS = 60_000;

/** The budget's key: a hash of the API and the devKey, so the database never holds the key. */
export function budgetKeyOf(apiBaseUrl: string, devKey: string | undefined): string {
  return createHash('sha256')
    .update(`${apiBaseUrl}\n${devKey ?? ''}`)
    .digest('base64url')
    .slice(0, 32);
}

export function createSharedRequestPacer(opts: {
  store: BillPacingStore;
  budgetKey: string;
  maxPerHour: number;
  clock: Clock;
  leaseMs?: number;
  /** Where a failed release is told (the lease drops the permit anyway). */
  log?: (line: string) => void;
}): RequestPacer {
  const { store, budgetKey, maxPerHour, clock } = opts;
  if (!Number.isInteger(maxPerHour) || maxPerHour < 1)
    throw new Error('maxPerHour must be a positive integer');
  const spacingMs = HOUR / maxPerHour;
  const leaseMs = opts.leaseMs ?? DEFAULT_PERMIT_LEASE_MS;
  return {
    maxPerHour,
    async acquire(): Promise<PacerRelease> {
      const permitId = randomUUID();
      for (;;) {
        const at = clock.now();
        const slot = await store.takeBillSlot({
          budgetKey,
          permitId,
          nowMs: at,
          spacingMs,
          maxPerHour,
          leaseMs,
        });
        if (slot.granted) {
          let released = false;
          const release = () => {
            if (released) return;
            released = true;
            store.releaseBillSlot({ budgetKey, permitId, nowMs: clock.now() }).catch((err: Error) => {
              opts.log?.(`[bill pacing] a release failed (its lease frees it): ${err.message.slice(0, 200)}`);
            });
          };
          return Object.assign(release, { at });
        }
        await clock.sleep(Math.min(slot.waitMs, MAX_WAIT_MS));
      }
    },
  };
}
