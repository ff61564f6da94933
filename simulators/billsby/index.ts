/**
 * startBillsbySimulator: Billsby's REST read endpoints under `/api/v1/rest` on loopback, with an
 * `ApiKey` check, injectable 429/5xx/raw responses, latency and a request log. Billsby documents no
 * error body; the simulator answers `{ message }`.
 */
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import { billsbySeed, BillsbyDataset, SimCustomer, SimInvoice, SimSubscription } from './seed';

export interface BillsbySimulatorOptions {
  port?: number;
  host?: string;
  dataset?: BillsbyDataset;
  latencyMs?: number;
}

export interface BillsbyFault {
  status: number;
  /** Sent verbatim as the Retry-After header (seconds, an HTTP date, or junk). */
  retryAfter?: string;
  /** Raw body; a string is sent as text/html, anything else as JSON. */
  body?: unknown;
  path?: string;
}

export interface BillsbyRequestLogEntry {
  seq: number;
  method: string;
  path: string;
  status: number;
  authorized: boolean;
}

export interface BillsbySimulatorControl {
  readonly dataset: BillsbyDataset;
  addCustomer(c: SimCustomer): void;
  addSubscription(s: SimSubscription): void;
  addInvoice(i: SimInvoice): void;
  /** The next `count` matching requests get this response instead of the real one. */
  failNext(count: number, fault: BillsbyFault): void;
  setLatency(ms: number): void;
  requestLog(): BillsbyRequestLogEntry[];
  clearFaults(): void;
}

export interface BillsbySimulator {
  /** Base URL for the client, including `/api/v1/rest`. */
  baseUrl: string;
  /** Origin of the server, where `/__admin` lives. */
  origin: string;
  port: number;
  control: BillsbySimulatorControl;
  close(): Promise<void>;
}

export async function startBillsbySimulator(opts: BillsbySimulatorOptions = {}): Promise<BillsbySimulator> {
  const data = opts.dataset ?? billsbySeed();
  const faults: Array<BillsbyFault & { remaining: number }> = [];
  const log: BillsbyRequestLogEntry[] = [];
  let latency = opts.latencyMs ?? 0;
  let seq = 0;

  const control: BillsbySimulatorControl = {
    dataset: data,
    addCustomer: (c) => void data.customers.push(c),
    addSubscription: (s) => void data.subscriptions.push(s),
    addInvoice: (i) => void data.invoices.push(i),
    failNext: (count, fault) => void faults.push({ ...fault, remaining: count }),
    setLatency: (ms) => void (latency = ms),
    requestLog: () => log.map((e) => ({ ...e })),
    clearFaults: () => void (faults.length = 0),
  };

  const app = Fastify({ logger: false });
  type Params = { cd?: string; id: string };
  const route = (url: string, find: (p: Params) => unknown, wantsDomain = true) =>
    app.get(url, async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0];
      const key = req.headers['apikey'];
      const authorized = key === data.apiKey;
      const entry = { seq: ++seq, method: req.method, path, status: 0, authorized };
      log.push(entry);
      const send = (status: number, body: unknown) => (
        (entry.status = status),
        reply.code(status).send(body)
      );
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const i = faults.findIndex((f) => !f.path || path.includes(f.path));
      if (i >= 0) {
        const f = faults[i];
        if (--f.remaining <= 0) faults.splice(i, 1);
        if (f.retryAfter !== undefined) reply.header('retry-after', f.retryAfter);
        const raw = typeof f.body === 'string';
        reply.header('content-type', raw ? 'text/html' : 'application/json');
        return send(f.status, raw ? f.body : JSON.stringify(f.body ?? { message: 'Injected failure' }));
      }
      if (!authorized) return send(401, { message: 'Unauthorized' });
      const p = req.params as Params;
      if (wantsDomain && p.cd !== data.companyDomain) return send(404, { message: 'Company not found' });
      const found = find(p);
      return found === undefined ? send(404, { message: 'Not found' }) : send(200, found);
    });

  const sub = (id: string) => data.subscriptions.find((s) => s.subscriptionUniqueId === id);
  const subBody = (s: SimSubscription) => {
    const { planFeatureTags: _p, subscriptionFeatureTags: _s, ...rest } = s;
    return rest;
  };
  const prefix = '/api/v1/rest/core';
  route(`${prefix}/:cd/customers/:id`, (p) => data.customers.find((c) => c.customerUniqueId === p.id));
  route(`${prefix}/:cd/subscriptions/:id`, (p) => {
    const s = sub(p.id);
    return s && subBody(s);
  });
  route(`${prefix}/:cd/subscriptions/:id/tags`, (p) => {
    const s = sub(p.id);
    return s && [...s.planFeatureTags, ...s.subscriptionFeatureTags];
  });
  route(`${prefix}/:cd/subscriptions/:id/tags/split`, (p) => {
    const s = sub(p.id);
    return s && { planFeatureTags: s.planFeatureTags, subscriptionFeatureTags: s.subscriptionFeatureTags };
  });
  route(`${prefix}/invoices/:id`, (p) => data.invoices.find((i) => i.invoiceNumber === p.id), false);

  app.register(
    async (admin) => {
      admin.post('/customers', async (req) => (control.addCustomer(req.body as SimCustomer), { ok: true }));
      admin.post(
        '/subscriptions',
        async (req) => (control.addSubscription(req.body as SimSubscription), { ok: true }),
      );
      admin.post('/invoices', async (req) => (control.addInvoice(req.body as SimInvoice), { ok: true }));
      admin.post('/faults', async (req) => {
        const { count = 1, ...fault } = (req.body ?? {}) as BillsbyFault & { count?: number };
        control.failNext(count, fault);
        return { ok: true };
      });
      admin.post('/faults/clear', async () => (control.clearFaults(), { ok: true }));
      admin.post(
        '/latency',
        async (req) => (control.setLatency(Number((req.body as { ms?: number })?.ms ?? 0)), { ok: true }),
      );
      admin.get('/requests', async () => control.requestLog());
    },
    { prefix: '/__admin' },
  );

  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const origin = `http://${host}:${port}`;
  return { baseUrl: `${origin}/api/v1/rest`, origin, port, control, close: () => app.close() };
}

export { billsbySeed } from './seed';
export type { BillsbyDataset, SimCustomer, SimInvoice, SimSubscription } from './seed';
