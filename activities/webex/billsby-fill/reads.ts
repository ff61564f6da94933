/**
 * The Billsby reads of one batch: each object read at most once (however many events name it),
 * every read through two bounds (this account's batch, and the worker process), started early so
 * reads overlap the posting of the events before. A read that finds nothing is null: Billsby no
 * longer has it (404), or answered something unusable (400, a body we cannot read); its lines stay
 * empty (§4.3.1 rule 4). Refusal (401/403) and trouble worth retrying (429, 5xx, timeouts) reject.
 */
import {
  isBillsbyApiError,
  type BillsbyClient,
  type BillsbyCustomer,
  type BillsbyFeatureTags,
  type BillsbyInvoice,
  type BillsbySubscription,
} from '../../../connectors/billsby';
import type { PublicBillsbyEvent } from '../../../domain/billsby/public-event';
import { invoiceLacksCustomerNames, type FillReads } from './assemble';
import type { Semaphore } from './semaphore';

/**
 * Reads started ahead are used by a batch that starts within this long, else read again; an answer
 * handed on from batch to batch is used while it is younger than this.
 */
export const PREFETCH_TTL_MS = 30_000;

/** Kinds after which the lines are left empty and the message posts. */
const EMPTY_LINES = new Set(['not_found', 'bad_request', 'invalid_response']);

/**
 * Reads started and reads answered, by object. A batch has its own; the reads a batch starts ahead
 * for the batches after it (batch-filler.ts) are handed over to the next one as its store.
 */
export class ReadStore {
  readonly started = new Map<string, Promise<unknown>>();
  readonly done = new Map<string, unknown>();
  /** Reads started without the batch's abort signal (read ahead): safe to hand on while in flight. */
  readonly detached = new Set<string>();
  /** When each object's read started (kept when it is handed on). */
  readonly readAt = new Map<string, number>();
}

export class BatchReads implements FillReads {
  /**
   * @param client null: no credentials, every read is null.
   * @param store the reads already started for these events (a prefetch), else a fresh one.
   * @param from reads to take over rather than start again: those answered, and those in flight
   *   that no batch's end can cancel (a read ahead hands the next one what the batch after needs).
   */
  constructor(
    private readonly client: BillsbyClient | null,
    private readonly bounds: { account: Semaphore; process: Semaphore },
    private readonly signal: AbortSignal | undefined,
    private readonly store = new ReadStore(),
    private readonly from?: ReadStore,
  ) {}

  get reads(): ReadStore {
    return this.store;
  }

  /** Reads what `event` needs; resolves once they are all in (or rejects with the first failure). */
  async prepare(event: PublicBillsbyEvent): Promise<void> {
    if (!this.client) return;
    switch (event.Type) {
      case 'CustomerCreated':
      case 'CustomerUpdated':
        await this.read('customer', event.CustomerUniqueId);
        return;
      case 'SubscriptionCreated':
        await this.read('subscription', event.SubscriptionUniqueId);
        return;
      case 'SubscriptionUpdated':
        await Promise.all([
          this.read('subscription', event.SubscriptionUniqueId),
          this.read('tags', event.SubscriptionUniqueId),
        ]);
        return;
      case 'InvoiceUpdated': {
        const invoice = (await this.read('invoice', event.InvoiceNumber)) as BillsbyInvoice | null;
        if (!invoice) return;
        const reads: Promise<unknown>[] = [];
        if (invoice.customerUniqueId && invoiceLacksCustomerNames(invoice)) {
          reads.push(this.read('customer', invoice.customerUniqueId));
        }
        for (const line of invoice.subscriptions ?? []) {
          if (line.subscriptionUniqueId) reads.push(this.read('subscription', line.subscriptionUniqueId));
        }
        await Promise.all(reads);
        return;
      }
    }
  }

  customer = (id: string) => this.get<BillsbyCustomer>('customer', id);
  subscription = (id: string) => this.get<BillsbySubscription>('subscription', id);
  tags = (id: string) => this.get<BillsbyFeatureTags>('tags', id);
  invoice = (number: string) => this.get<BillsbyInvoice>('invoice', number);

  /** How many objects Billsby answered for this batch (each read once). */
  get answered(): number {
    return this.store.done.size;
  }

  private get<T>(kind: ReadKind, id: string): T | null {
    return (this.store.done.get(`${kind}\0${id}`) as T | undefined) ?? null;
  }

  private read(kind: ReadKind, id: string): Promise<unknown> {
    const key = `${kind}\0${id}`;
    const { started, done, detached, readAt } = this.store;
    let pending = started.get(key);
    if (!pending) {
      const taken = this.takeOver(key);
      const at = taken?.at ?? Date.now();
      pending = (taken?.read ?? this.fetch(kind, id)).then(
        (value) => {
          done.set(key, value);
          return value;
        },
        (err: unknown) => {
          // Not kept: whoever needs the object next (a retry, the next batch) reads it again.
          started.delete(key);
          detached.delete(key);
          readAt.delete(key);
          throw err;
        },
      );
      started.set(key, pending);
      readAt.set(key, at);
      if (!this.signal) detached.add(key);
    }
    return pending;
  }

  private takeOver(key: string): { read: Promise<unknown>; at: number } | undefined {
    const from = this.from;
    if (!from) return undefined;
    const at = from.readAt.get(key);
    if (from.done.has(key) && at !== undefined) {
      return Date.now() - at < PREFETCH_TTL_MS
        ? { read: Promise.resolve(from.done.get(key)), at }
        : undefined;
    }
    const read = from.detached.has(key) ? from.started.get(key) : undefined;
    return read && at !== undefined ? { read, at } : undefined;
  }

  /** One read through both bounds; what finds nothing is null (its lines stay empty). */
  private fetch(kind: ReadKind, id: string): Promise<unknown> {
    const client = this.client!;
    const call = this.signal ? { signal: this.signal } : {};
    return this.bounds.account
      .run(() => this.bounds.process.run(() => READ[kind](client, id, call)))
      .catch((err: unknown) => {
        if (isBillsbyApiError(err) && EMPTY_LINES.has(err.kind)) return null;
        throw err;
      });
  }
}

type ReadKind = 'customer' | 'subscription' | 'tags' | 'invoice';
type Call = { signal?: AbortSignal };
const READ: Record<ReadKind, (client: BillsbyClient, id: string, call: Call) => Promise<unknown>> = {
  customer: (c, id, call) => c.getCustomer(id, call),
  subscription: (c, id, call) => c.getSubscription(id, call),
  tags: (c, id, call) => c.getSubscriptionFeatureTags(id, call),
  invoice: (c, id, call) => c.getInvoice(id, call),
};
