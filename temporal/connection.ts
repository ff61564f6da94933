import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';

export const EMBEDDED_ADDRESS = '127.0.0.1:7233';

/** Where Temporal is: TEMPORAL_ADDRESS, or the embedded dev server's fixed address. */
export function temporalAddress(configured: string | undefined): string {
  return configured ?? EMBEDDED_ADDRESS;
}

async function retryUntil<T>(what: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() >= deadline) {
        throw new Error(
          `Could not reach Temporal at ${what} within ${timeoutMs} ms: ${(err as Error).message}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export async function connectClient(opts: {
  address: string;
  namespace: string;
  dataConverter: DataConverter;
  waitMs?: number;
}): Promise<Client> {
  const connection = await retryUntil(opts.address, opts.waitMs ?? 30_000, () =>
    Connection.connect({ address: opts.address, connectTimeout: 2_000 }),
  );
  return new Client({ connection, namespace: opts.namespace, dataConverter: opts.dataConverter });
}

export async function connectWorker(opts: { address: string; waitMs?: number }): Promise<NativeConnection> {
  return retryUntil(opts.address, opts.waitMs ?? 30_000, () =>
    NativeConnection.connect({ address: opts.address }),
  );
}
