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

/** Kinds after which the lines are left empty and the message posts. */
const EMPTY_LINES = new Set(['not_found', 'bad_request', 'invalid_response']);

/**
 * Reads started and reads answered, by object. A batch has its own; the reads a batch starts ahead
 * for the next one (prefetch.ts) are handed over to it as its store.
 */
export class ReadStore {
  readonly started = new Map<string, Promise<unknown>>();
  readonly done = new Map<string, unknown>();
}

export class BatchReads implements FillReads {
  /**
   * @param client null: no credentials, every read is null.
   * @param store the reads already started for these events (a prefetch), else a fresh one.
   */
  constructor(
    private readonly client: BillsbyClient | null,
    private readonly bounds: { account: Semaphore; process: Semaphore },
    private readonly signal: AbortSignal | undefined,
    private readonly store = new ReadStore(),
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
    const { started, done } = this.store;
    let pending = started.get(key);
    if (!pending) {
      const client = this.client!;
      const call = this.signal ? { signal: this.signal } : {};
      pending = this.bounds.account
        .run(() => this.bounds.process.run(() => READ[kind](client, id, call)))
        .catch((err: unknown) => {
          if (isBillsbyApiError(err) && EMPTY_LINES.has(err.kind)) return null;
          // Not kept: whoever needs the object next (a retry, the next batch) reads it again.
          started.delete(key);
          throw err;
        })
        .then((value) => {
          done.set(key, value);
          return value;
        });
      started.set(key, pending);
    }
    return pending;
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
