import http from 'node:http';

/**
 * How long the gateway waits for a caller (issue 23): Fastify's defaults disable Node's request
 * timeout, so a client sending its body a byte a minute held a connection forever. The server is
 * made here (Fastify's `serverFactory`) because Node checks these deadlines every
 * `connectionsCheckingInterval` (30 s by default), which Fastify does not expose.
 */
export interface ConnectionLimits {
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic at all is closed after this. */
  idleSocketTimeoutMs: number;
  /** How often Node looks for requests past their deadlines. */
  checkIntervalMs: number;
  /** Request line and headers together, in bytes (Node's default). */
  maxHeaderBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 72_000,
  idleSocketTimeoutMs: 120_000,
  checkIntervalMs: 2_000,
  maxHeaderBytes: 16 * 1024,
};

/** Fastify options that make its server with these limits. */
export function serverWithLimits(limits: ConnectionLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleSocketTimeoutMs,
    serverFactory: (handler: http.RequestListener) =>
      http.createServer(
        {
          requestTimeout: limits.requestTimeoutMs,
          headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          connectionsCheckingInterval: limits.checkIntervalMs,
          maxHeaderSize: limits.maxHeaderBytes,
        },
        handler,
      ),
  };
}
