/**
 * Fills a batch's public webhooks before they are posted (DESIGN §4.3.1): the reads of every public
 * event start at once (bounded, see reads.ts) and overlap the posting of the events before; each
 * event is assembled in delivery order (a CustomerUpdated's OldDetails are what the message before
 * it about that customer showed) and stored, filled, in the event log BEFORE its first post, so a
 * retry or another worker posts exactly that text even if Billsby's data changes meanwhile.
 *
 * Billsby refusing the credentials (401/403) marks the account `rejected` and answers 'rejected':
 * the batch stops at that event, in order, until the credentials change. Other failures (429, 5xx,
 * timeouts) reject, after the events before have been posted; the activity's retry waits.
 */
import { setMaxListeners } from 'node:events';
import { isBillsbyApiError, type BillsbyClient } from '../../../connectors/billsby';
import type { BillsbyEvent, CustomerDetails } from '../../../domain/billsby/event-schema';
import { isPublicEvent, type PublicBillsbyEvent } from '../../../domain/billsby/public-event';
import type { PostableEvent } from '../../../domain/integration/digest-event';
import type { EventLog, FilledEvent, QueuedEvent } from '../../../eventlog/types';
import { assembleFilled } from './assemble';
import {
  credentialsFingerprint,
  credentialsInUse,
  type BillsbyCredentials,
} from '../../../connectors/billsby/credentials';
import { BatchReads, type ReadStore } from './reads';
import type { Semaphore } from './semaphore';
import type { FillShared } from './shared';

export interface BillsbyFillDeps {
  /** None: Billsby's API is not configured; public webhooks post with their own values only. */
  apiBaseUrl?: string;
  /** BILLSBY_COMPANY_DOMAIN + BILLSBY_API_KEY: for accounts without their own. */
  defaultCredentials?: BillsbyCredentials;
  timeoutMs?: number;
  /** The worker process's clients, read bounds and reads started ahead (shared.ts). */
  shared: FillShared;
}

/**
 * Reads in flight per account (across its batches) and per worker process. Billsby documents no
 * rate limit; a 429 is honoured (Retry-After) and these are configurable (BillsbyDeps).
 */
export const DEFAULT_FILL_READS_PER_ACCOUNT = 64;
export const DEFAULT_FILL_READS_PER_PROCESS = 128;
const DEFAULT_BILLSBY_TIMEOUT_MS = 10_000;
/** A batch's worth of events at least (the integration's default batch size). */
const READ_AHEAD_EVENTS = 200;
/**
 * How many batches' worth past its own a batch starts reads for. Two: the reads for the batch
 * after next are already queued behind the next one's, so the account's reads never stand idle
 * between batches and keep ahead of posting within the same bound on reads in flight.
 */
const READ_AHEAD_BATCHES = 2;

type Prepared = { state: 'pending' } | { state: 'ready' } | { state: 'failed'; error: unknown };

export class BatchFiller {
  private readonly prepared: Prepared[];
  private readonly waits: Array<Promise<void> | null>;
  private readonly lastKnown = new Map<string, CustomerDetails>();
  /** The refusal mark of credentials no longer in use: cleared once Billsby answers the new ones. */
  private clearMark: boolean;

  private constructor(
    private readonly log: EventLog,
    private readonly accountId: string,
    private readonly events: QueuedEvent[],
    private readonly reads: BatchReads,
    private readonly abort: AbortController,
    private readonly fingerprint: string | null,
    private rejectedFingerprint: string | null,
  ) {
    this.prepared = events.map(() => ({ state: 'pending' }));
    this.waits = events.map(() => null);
    this.clearMark = rejectedFingerprint !== null && rejectedFingerprint !== fingerprint;
  }

  /**
   * A filler for these events, with their reads started; null when none of them is a public
   * webhook still to fill (the rich contract costs nothing here).
   */
  static async start(
    log: EventLog,
    accountId: string,
    events: QueuedEvent[],
    deps: BillsbyFillDeps,
    cancel: AbortSignal,
  ): Promise<BatchFiller | null> {
    if (!events.some((e) => isPublicEvent(e.payload))) return null;
    const record = deps.apiBaseUrl ? await log.getBillsbyAccount(accountId) : null;
    const credentials = deps.apiBaseUrl ? credentialsInUse(record, deps.defaultCredentials) : null;
    const fingerprint = credentials ? credentialsFingerprint(credentials) : null;
    const client =
      credentials && fingerprint
        ? deps.shared.client(
            deps.apiBaseUrl!,
            credentials,
            fingerprint,
            deps.timeoutMs ?? DEFAULT_BILLSBY_TIMEOUT_MS,
          )
        : null;
    const bounds = { account: deps.shared.accountBound(accountId), process: deps.shared.perProcess };
    const abort = new AbortController();
    const signal = AbortSignal.any([cancel, abort.signal]);
    // Every read in flight listens to it: more than Node's default of 10 is expected here.
    setMaxListeners(0, signal);
    const scope = `${accountId}\0${fingerprint}`;
    const reads = new BatchReads(client, bounds, signal, deps.shared.takeAhead(scope));
    const filler = new BatchFiller(
      log,
      accountId,
      events,
      reads,
      abort,
      fingerprint,
      record?.rejectedFingerprint ?? null,
    );
    const updates = events
      .filter((e) => isPublicEvent(e.payload) && e.payload.Type === 'CustomerUpdated')
      .map((e) => (e.payload as { CustomerUniqueId: string }).CustomerUniqueId);
    if (updates.length > 0) {
      for (const [id, details] of await log.lastKnownDetails(accountId, [...new Set(updates)])) {
        filler.lastKnown.set(id, details);
      }
    }
    // Credentials Billsby refused already: nothing is read until they change.
    if (!filler.blocked()) {
      filler.startReads();
      if (client) void readAhead(log, accountId, events, client, bounds, deps.shared, scope, reads.reads);
    }
    return filler;
  }

  /** Stops reads still in flight (the batch ended). */
  close(): void {
    this.abort.abort();
  }

  /**
   * The event at `index` ready to post: its payload as stored (filled when it was public), or
   * 'rejected' when Billsby refuses the credentials (the event stays queued, unfilled).
   */
  async payloadFor(index: number): Promise<PostableEvent | 'rejected'> {
    const event = this.events[index]!;
    if (!isPublicEvent(event.payload)) return event.payload;
    if (this.blocked()) return 'rejected';
    await this.waits[index];
    const prepared = this.prepared[index]!;
    if (prepared.state === 'failed') {
      const err = prepared.error;
      if (isBillsbyApiError(err) && (err.kind === 'unauthorized' || err.kind === 'forbidden')) {
        await this.log.markBillsbyRejected(this.accountId, this.fingerprint!, new Date().toISOString());
        this.rejectedFingerprint = this.fingerprint;
        this.abort.abort();
        return 'rejected';
      }
      throw err;
    }
    await this.fixFrom(index);
    return this.events[index]!.payload as BillsbyEvent;
  }

  private blocked(): boolean {
    return this.fingerprint !== null && this.rejectedFingerprint === this.fingerprint;
  }

  private startReads(): void {
    this.events.forEach((event, i) => {
      if (!isPublicEvent(event.payload)) return;
      const wait = this.reads.prepare(event.payload).then(
        () => void (this.prepared[i] = { state: 'ready' }),
        (error: unknown) => void (this.prepared[i] = { state: 'failed', error }),
      );
      this.waits[i] = wait;
    });
  }

  /**
   * Assembles and stores, in ONE write, the event at `index` and every following public event
   * whose reads are already in (stopping at the first still pending): fewer commits per batch.
   */
  private async fixFrom(index: number): Promise<void> {
    const filled: FilledEvent[] = [];
    for (let i = index; i < this.events.length; i++) {
      const event = this.events[i]!;
      if (!isPublicEvent(event.payload)) continue;
      if (this.prepared[i]!.state !== 'ready') break;
      const result = assembleFilled(event.payload as PublicBillsbyEvent, this.reads, (id) =>
        this.lastKnown.get(id),
      );
      if (result.lastKnown) this.lastKnown.set(result.lastKnown.customerUniqueId, result.lastKnown.details);
      filled.push({
        seq: event.seq,
        event: result.event,
        ...(result.lastKnown ? { lastKnown: result.lastKnown } : {}),
      });
      event.payload = result.event;
    }
    await this.log.storeFilled(this.accountId, filled, new Date().toISOString());
    if (this.clearMark && this.reads.answered > 0) {
      // The credentials in use now were accepted: a refusal of earlier ones no longer applies.
      this.clearMark = false;
      await this.log.clearBillsbyRejected(this.accountId);
    }
  }
}

/**
 * Starts the reads of the events queued right after this batch (READ_AHEAD_BATCHES batches'
 * worth), for the batches that will follow: they run behind this batch's own reads (the bounds are
 * FIFO) while it posts, so the next batch starts posting without waiting for Billsby. Reads this
 * batch already has, or a batch before it started ahead, are taken over, not repeated; the store
 * handed on holds only what the events ahead need. Best effort: a failure here only means the next
 * batch reads for itself.
 */
async function readAhead(
  log: EventLog,
  accountId: string,
  events: QueuedEvent[],
  client: BillsbyClient,
  bounds: { account: Semaphore; process: Semaphore },
  shared: FillShared,
  scope: string,
  current: ReadStore,
): Promise<void> {
  try {
    const last = events[events.length - 1]!.seq;
    // A short batch (the first of a burst) still looks full batches ahead.
    const span = READ_AHEAD_BATCHES * Math.max(events.length, READ_AHEAD_EVENTS);
    const next = await log.readQueued(accountId, last + 1, last + span);
    const ahead = new BatchReads(client, bounds, undefined, undefined, current);
    let any = false;
    for (const event of next) {
      if (!isPublicEvent(event.payload)) continue;
      any = true;
      ahead.prepare(event.payload).catch(() => undefined);
    }
    if (any) shared.putAhead(scope, ahead.reads);
  } catch {
    // The next batch reads what it needs itself.
  }
}
