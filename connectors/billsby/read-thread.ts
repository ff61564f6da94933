/**
 * Billsby clients whose requests run on a thread of their own (worker_threads): the HTTP exchange,
 * the JSON parse and the schema check of each read happen there, and only the checked object (or
 * the typed error's plain data) comes back. The worker's main thread is the one that posts to Webex
 * and records each delivery; a batch of public webhooks needs about one Billsby read per event, and
 * running those reads on the same event loop slowed every account's posting (bench/README.md,
 * `public`). Same interface and same errors as `createBillsbyClient`, which the thread runs.
 *
 * The thread starts on the first read, keeps the process alive only while a read is in flight, and
 * ends after IDLE_MS without one. If it dies, the reads in flight fail as `network` (retryable) and the
 * next read starts a new one.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BillsbyClient, BillsbyClientConfig, CallOptions } from './client';
import { BillsbyApiError } from './errors';
import type { ThreadAnswer, ThreadCall, ThreadOperation } from './read-thread-entry';
import type {
  BillsbyCustomer,
  BillsbyCustomerPage,
  BillsbyFeatureTags,
  BillsbyInvoice,
  BillsbySubscription,
} from './schemas';

/** A thread with nothing to read for this long ends (a new read starts another). */
const IDLE_MS = 30_000;

interface Pending {
  operation: ThreadOperation;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class BillsbyReadThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;

  /** A client whose reads run on this thread. `key` names the client's config (one per credentials). */
  client(key: string, config: Omit<BillsbyClientConfig, 'now'>): BillsbyClient {
    const send = <T>(operation: ThreadOperation, args: ThreadCall['args'], call?: CallOptions) =>
      this.send<T>({ key, config, operation, args }, call?.signal);
    return {
      listCustomers: (page, pageSize, call) =>
        send<BillsbyCustomerPage>('listCustomers', [page, pageSize], call),
      getCustomer: (id, call) => send<BillsbyCustomer>('getCustomer', [id], call),
      getSubscription: (id, call) => send<BillsbySubscription>('getSubscription', [id], call),
      getSubscriptionFeatureTags: (id, call) =>
        send<BillsbyFeatureTags>('getSubscriptionFeatureTags', [id], call),
      getInvoice: (number, call) => send<BillsbyInvoice>('getInvoice', [number], call),
    };
  }

  /** Ends the thread now (reads in flight fail as `network`). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker) await worker.terminate();
  }

  private send<T>(request: Omit<ThreadCall, 'type' | 'id'>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(canceled(request.operation));
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => worker.postMessage({ type: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        operation: request.operation,
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v as T);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      // A read in flight keeps the process alive, as a request on the main thread would.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ type: 'call', id, ...request } satisfies ThreadCall);
    });
  }

  private started(): Worker {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (this.worker) return this.worker;
    const entry = threadEntry();
    const worker = new Worker(entry.source, { eval: entry.eval });
    worker.on('message', (answer: ThreadAnswer) => this.answered(answer));
    // An error ends the thread: 'exit' follows and fails what is in flight, naming the error (a
    // script that cannot load, say; the reads' own errors are answers, never thrown here).
    let failure = '';
    worker.on('error', (err) => void (failure = `: ${String(err.message).slice(0, 200)}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(
          new BillsbyApiError({
            kind: 'network',
            operation: p.operation,
            message: `Billsby ${p.operation} failed: network: the read thread stopped${failure}`,
          }),
        );
      }
    });
    this.worker = worker;
    return worker;
  }

  private answered(answer: ThreadAnswer): void {
    const p = this.pending.get(answer.id);
    if (!p) return;
    this.pending.delete(answer.id);
    if (answer.ok) p.resolve(answer.data);
    else if (answer.error) p.reject(new BillsbyApiError(answer.error));
    else p.reject(new Error(answer.unexpected));
    if (this.pending.size === 0 && this.worker) {
      const worker = this.worker;
      worker.unref(); // an idle thread never keeps the process alive
      this.idleTimer = setTimeout(() => {
        if (this.pending.size > 0 || this.worker !== worker) return;
        this.worker = null; // the next read starts a new thread; this one has nothing in flight
        void worker.terminate();
      }, IDLE_MS);
      this.idleTimer.unref();
    }
  }
}

function canceled(operation: string): BillsbyApiError {
  return new BillsbyApiError({
    kind: 'network',
    operation,
    message: `Billsby ${operation} failed: network: request canceled`,
  });
}

/**
 * The thread's script: compiled JavaScript beside this file in a build; in the sources (tsx, jest)
 * the TypeScript file, through tsx's CommonJS hook (no ESM loader thread, which would keep the
 * process alive).
 */
function threadEntry(): { source: string; eval: boolean } {
  if (__filename.endsWith('.js'))
    return { source: path.join(__dirname, 'read-thread-entry.js'), eval: false };
  // Absolute paths: an eval'd script resolves modules from the working directory, not from here.
  const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
  const file = JSON.stringify(path.join(__dirname, 'read-thread-entry.ts'));
  return { source: `require(${tsx}).register(); require(${file});`, eval: true };
}
