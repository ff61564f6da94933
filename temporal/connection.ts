import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { explainTlsFailure, type TemporalSecurity } from './security';

export const EMBEDDED_ADDRESS = '127.0.0.1:7233';

/** Where Temporal is: TEMPORAL_ADDRESS, or the embedded dev server's fixed address. */
export function temporalAddress(configured: string | undefined): string {
  return configured ?? EMBEDDED_ADDRESS;
}

/** A TLS handshake refused for a certificate does not get better by waiting. */
const isCertificateProblem = (err: unknown) =>
  /certificate|issuer|self.signed|CERT_|handshake|UnknownIssuer|BadSignature/i.test(
    (err as Error)?.message ?? '',
  );

async function retryUntil<T>(
  what: string,
  timeoutMs: number,
  security: TemporalSecurity,
  attempt: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() >= deadline || (security.tls && isCertificateProblem(err))) {
        throw new Error(
          `Could not reach Temporal at ${what} within ${timeoutMs} ms: ${explainTlsFailure(err, security)}`,
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
  security?: TemporalSecurity;
  waitMs?: number;
}): Promise<Client> {
  const security = opts.security ?? {};
  const connection = await retryUntil(opts.address, opts.waitMs ?? 30_000, security, () =>
    Connection.connect({ address: opts.address, connectTimeout: 2_000, ...security }),
  );
  return new Client({ connection, namespace: opts.namespace, dataConverter: opts.dataConverter });
}

export async function connectWorker(opts: {
  address: string;
  security?: TemporalSecurity;
  waitMs?: number;
}): Promise<NativeConnection> {
  const security = opts.security ?? {};
  return retryUntil(opts.address, opts.waitMs ?? 30_000, security, () =>
    NativeConnection.connect({ address: opts.address, ...security }),
  );
}
