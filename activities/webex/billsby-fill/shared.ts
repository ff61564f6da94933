/**
 * What the filling of every batch in one worker process shares: Billsby clients (reading on a
 * thread of their own; their keep-alive connections outlive a batch), each account's bound on reads in flight (held across its batches),
 * and the reads a batch starts for the batch after it (so the next batch's first post does not
 * wait for its reads: they ran while this batch was posting).
 */
import type { BillsbyClient } from '../../../connectors/billsby';
import { BillsbyReadThread } from '../../../connectors/billsby/read-thread';
import { TtlLruCache } from '../../../connectors/http/ttl-cache';
import type { BillsbyCredentials } from '../../../connectors/billsby/credentials';
import { PREFETCH_TTL_MS, ReadStore } from './reads';
import { Semaphore } from './semaphore';

export class FillShared {
  private readonly clients = new TtlLruCache<string, BillsbyClient>(1_000, 10 * 60_000);
  private readonly accountBounds = new TtlLruCache<string, Semaphore>(10_000, 10 * 60_000);
  private readonly ahead = new TtlLruCache<string, ReadStore>(10_000, PREFETCH_TTL_MS);
  /** The reads run off the main thread, which posts to Webex (connectors/billsby/read-thread.ts). */
  private readonly thread = new BillsbyReadThread();

  constructor(
    readonly perProcess: Semaphore,
    private readonly perAccount: number,
  ) {}

  client(baseUrl: string, credentials: BillsbyCredentials, fingerprint: string, timeoutMs: number) {
    const key = `${baseUrl}\0${fingerprint}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.thread.client(key, { baseUrl, ...credentials, timeoutMs });
      this.clients.set(key, client);
    }
    return client;
  }

  accountBound(accountId: string): Semaphore {
    let bound = this.accountBounds.get(accountId);
    if (!bound) {
      bound = new Semaphore(this.perAccount);
      this.accountBounds.set(accountId, bound);
    }
    return bound;
  }

  /** The reads started ahead for this account and credentials, handed over once. */
  takeAhead(scope: string): ReadStore | undefined {
    const store = this.ahead.get(scope);
    this.ahead.delete(scope);
    return store;
  }

  putAhead(scope: string, store: ReadStore): void {
    this.ahead.set(scope, store);
  }
}
