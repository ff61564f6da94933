/**
 * The Billsby read thread (read-thread.ts starts it): runs each read it is sent with the ordinary
 * client and answers the checked object, or the typed error as plain data (never an axios error:
 * it would carry the API key). A `cancel` aborts that read, which then answers `network`.
 */
import { parentPort } from 'node:worker_threads';
import { createBillsbyClient, type BillsbyClient, type BillsbyClientConfig } from './client';
import { isBillsbyApiError, type BillsbyErrorData } from './errors';
import { TtlLruCache } from '../http/ttl-cache';

export type ThreadOperation = keyof BillsbyClient;

export interface ThreadCall {
  type: 'call';
  id: number;
  /** Names `config` (one per credentials): the thread keeps one client, and its connections, per key. */
  key: string;
  config: Omit<BillsbyClientConfig, 'now'>;
  operation: ThreadOperation;
  args: [string] | [number, number];
}

export type ThreadAnswer =
  | { id: number; ok: true; data: unknown }
  | { id: number; ok: false; error: BillsbyErrorData; unexpected?: undefined }
  | { id: number; ok: false; error?: undefined; unexpected: string };

type ThreadMessage = ThreadCall | { type: 'cancel'; id: number };

const clients = new TtlLruCache<string, BillsbyClient>(1_000, 10 * 60_000);
const inFlight = new Map<number, AbortController>();

async function run(call: ThreadCall): Promise<ThreadAnswer> {
  let client = clients.get(call.key);
  if (!client) {
    client = createBillsbyClient(call.config);
    clients.set(call.key, client);
  }
  const abort = new AbortController();
  inFlight.set(call.id, abort);
  try {
    const read = client[call.operation] as (...args: unknown[]) => Promise<unknown>;
    return { id: call.id, ok: true, data: await read(...call.args, { signal: abort.signal }) };
  } catch (err) {
    if (isBillsbyApiError(err)) return { id: call.id, ok: false, error: err.toJSON() };
    return { id: call.id, ok: false, unexpected: err instanceof Error ? err.message : String(err) };
  } finally {
    inFlight.delete(call.id);
  }
}

parentPort?.on('message', (message: ThreadMessage) => {
  if (message.type === 'cancel') {
    inFlight.get(message.id)?.abort();
    return;
  }
  void run(message).then((answer) => parentPort!.postMessage(answer));
});
