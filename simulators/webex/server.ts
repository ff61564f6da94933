/**
 * The Webex simulator: a real HTTP server on loopback. node:http rather than a framework
 * because faults need raw control over the socket (hang, drop, replace a response after
 * the handler has changed state).
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { routeAdmin } from './admin-routes';
import { routeApi } from './api-routes';
import { RequestLogEntry, WebexSimulatorControl, createControl } from './control';
import { FaultAction, FaultQueue, faultResponse } from './faults';
import { JSON_TYPE, SimRequest, SimResponse, nextTrackingId, webexError } from './http';
import { accessToken, authorize } from './oauth-routes';
import { SimConfig, SimState, UserInput } from './state';

export interface WebexSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Injectable clock (ms since epoch); control.advanceClock() adds an offset on top. */
  now?: () => number;
  /** Seed for ids and tokens (default 1). */
  seed?: number;
  /** Simulated Webex users; the first one authorizes by default. */
  users?: UserInput[];
  clientId?: string;
  clientSecret?: string;
  config?: Partial<SimConfig>;
  /** Max size of a request body (default 1 MiB). */
  maxBodyBytes?: number;
}

export interface WebexSimulator {
  /** e.g. http://127.0.0.1:PORT/v1 — also the base of /authorize and /access_token. */
  baseUrl: string;
  port: number;
  control: WebexSimulatorControl;
  close(): Promise<void>;
}

const DEFAULT_HANG_MS = 30_000;

export async function startWebexSimulator(opts: WebexSimulatorOptions = {}): Promise<WebexSimulator> {
  const config: Partial<SimConfig> = { ...opts.config };
  if (opts.clientId !== undefined) config.clientId = opts.clientId;
  if (opts.clientSecret !== undefined) config.clientSecret = opts.clientSecret;
  const state = new SimState(opts.now ?? Date.now, opts.seed ?? 1, config, opts.users ?? []);
  const faults = new FaultQueue();
  const log: RequestLogEntry[] = [];
  const control = createControl({ state, faults, log });
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const host = opts.host ?? '127.0.0.1';

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /** Returns true when the fault took over the connection (no normal response must follow). */
  async function applyFault(
    action: FaultAction,
    res: ServerResponse,
    entry: RequestLogEntry,
  ): Promise<boolean> {
    entry.fault = action.kind;
    if (action.kind === 'latency') {
      await sleep(action.ms);
      return false;
    }
    if (action.kind === 'drop') {
      res.socket?.destroy();
      return true;
    }
    if (action.kind === 'hang') {
      await sleep(action.ms ?? DEFAULT_HANG_MS);
      res.socket?.destroy();
      return true;
    }
    const response = faultResponse(action);
    if (response) {
      entry.status = response.status;
      write(res, response);
    }
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req, maxBodyBytes);
    if (rawBody === undefined) return write(res, webexError(413, 'Request entity too large'));
    const simReq: SimRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      origin: `http://${req.headers.host ?? `${host}:${port}`}`,
    };
    if (url.pathname.startsWith('/__admin/')) return write(res, routeAdmin(control, simReq));

    const entry: RequestLogEntry = {
      seq: log.length + 1,
      at: state.nowIso(),
      method,
      path: url.pathname,
      status: 0,
    };
    log.push(entry);
    if (state.config.latencyMs > 0) await sleep(state.config.latencyMs);
    const roomId = roomIdOf(simReq);
    const before = faults.take(method, url.pathname, 'before', roomId);
    if (before && (await applyFault(before.action, res, entry))) return;

    const response = route(simReq);
    if (response.status >= 200 && response.status < 300) {
      const after = faults.take(method, url.pathname, 'after', roomId);
      if (after && (await applyFault(after.action, res, entry))) return;
    }
    entry.status = response.status;
    write(res, response);
  }

  function route(req: SimRequest): SimResponse {
    if (req.path === '/v1/authorize' && req.method === 'GET') return authorize(state, req);
    if (req.path === '/v1/access_token' && req.method === 'POST') return accessToken(state, req);
    if (req.path.startsWith('/v1/')) return routeApi(state, req);
    return webexError(404, 'The requested resource could not be found.');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // A bug in the simulator must still answer, or the client would wait for its timeout.
      if (!res.headersSent && !res.destroyed) write(res, webexError(500, 'Simulator internal error'));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    baseUrl: `http://${host}:${port}/v1`,
    port,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function write(res: ServerResponse, r: SimResponse): void {
  if (res.destroyed || res.headersSent) return;
  // One tracking id per response, shared by header and error body, as Webex does.
  const bodyTracking =
    typeof r.body === 'object' && r.body !== null
      ? (r.body as { trackingId?: unknown }).trackingId
      : undefined;
  const headers: Record<string, string> = {
    trackingid: typeof bodyTracking === 'string' ? bodyTracking : nextTrackingId(),
    'cache-control': 'no-cache',
    ...lower(r.headers ?? {}),
  };
  let payload = '';
  if (typeof r.body === 'string') payload = r.body;
  else if (r.body !== undefined) payload = JSON.stringify(r.body);
  if (payload !== '' && !headers['content-type']) headers['content-type'] = JSON_TYPE;
  res.writeHead(r.status, headers);
  res.end(payload);
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The room a request is about, for faults scoped to one room (one account). */
function roomIdOf(req: SimRequest): string | undefined {
  const fromQuery = req.query.get('roomId');
  if (fromQuery) return fromQuery;
  if (!req.rawBody) return undefined;
  try {
    const body = JSON.parse(req.rawBody) as { roomId?: unknown };
    return typeof body.roomId === 'string' ? body.roomId : undefined;
  } catch {
    return undefined;
  }
}
