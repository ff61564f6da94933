import { Connection } from '@temporalio/client';

/**
 * Polls a Temporal server that is starting until `probe` answers, the process is gone (`running`
 * false) or `timeoutMs` has passed; the caller words the error. Each try opens and closes its own
 * connection, so nothing is left open whatever the outcome.
 */
export async function waitForTemporal(
  address: string,
  opts: { timeoutMs: number; running: () => boolean; probe: (connection: Connection) => Promise<unknown> },
): Promise<{ ready: boolean; lastError?: unknown }> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && opts.running()) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await opts.probe(connection);
      return { ready: true };
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  return { ready: false, lastError };
}
