import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * A metrics listener: `GET /metrics` in Prometheus' text format, nothing else. Its own port
 * (METRICS_PORT for the gateway, WORKER_METRICS_PORT for the worker), loopback by default
 * (METRICS_HOST). The metrics name no account and carry no secret or personal data.
 */
export interface RunningMetricsServer {
  /** Where this machine reaches it (a wildcard host becomes loopback). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(opts: {
  registry: Registry;
  host: string;
  port: number;
  /** Names the listener in an error (e.g. "gateway metrics", "METRICS_PORT"). */
  what: string;
  variable: string;
}): Promise<RunningMetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    opts.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': opts.registry.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        console.error(`[metrics] ${opts.what}: ${(err as Error)?.name ?? 'error'} while collecting`);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `${opts.what} port ${opts.port} on ${opts.host} is already in use; choose another with ${opts.variable} (0 picks a free one)`,
      );
    }
    throw err;
  }
  const port = (server.address() as { port: number }).port;
  const reachable =
    opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host === '::' || opts.host === '[::]' ? '::1' : opts.host;
  const bracketed = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return {
    url: `http://${bracketed}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
