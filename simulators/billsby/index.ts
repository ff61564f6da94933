/**
 * startBillsbySimulator: Billsby's REST read endpoints under `/api/v1/rest` on loopback, with an
 * `ApiKey` check (rotatable at runtime), injectable 429/5xx/raw responses, latency and a request
 * log; and, when given a webhook URL, Billsby's public webhooks for the changes made through its
 * control API (operations.ts, webhooks.ts). Billsby documents no error body; the simulator answers
 * `{ message }`.
 */
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import { registerAdmin } from './admin';
import { createOperations, type WebhookState } from './operations';
import { billsbySeed, SimCustomer, SimInvoice, SimSubscription } from './seed';
import type {
  BillsbyFault,
  BillsbyRequestLogEntry,
  BillsbySimulator,
  BillsbySimulatorControl,
  BillsbySimulatorOptions,
} from './types';

/** Billsby's documented maximum page size for list endpoints. */
export const MAX_PAGE_SIZE = 100;

/** A route's answer other than 200 or 404. */
class Refusal {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

export async function startBillsbySimulator(opts: BillsbySimulatorOptions = {}): Promise<BillsbySimulator> {
  const data = opts.dataset ?? billsbySeed();
  if (opts.apiKey !== undefined) data.apiKey = opts.apiKey;
  if (opts.companyDomain !== undefined) data.companyDomain = opts.companyDomain;
  const faults: Array<BillsbyFault & { remaining: number }> = [];
  let log: BillsbyRequestLogEntry[] = [];
  let latency = opts.latencyMs ?? 0;
  let seq = 0;
  const webhooks: WebhookState = {
    target: opts.webhook ?? null,
    timeoutMs: opts.webhookTimeoutMs ?? 10_000,
    log: [],
  };

  const control: BillsbySimulatorControl = {
    dataset: data,
    addCustomer: (c) => void data.customers.push(c),
    addSubscription: (s) => void data.subscriptions.push(s),
    addInvoice: (i) => void data.invoices.push(i),
    ...createOperations(data, webhooks),
    setWebhook: (target) => void (webhooks.target = target ? { ...target } : null),
    setApiKey: (apiKey) => void (data.apiKey = apiKey),
    failNext: (count, fault) => void faults.push({ ...fault, remaining: count }),
    clearFaults: () => void (faults.length = 0),
    setLatency: (ms) => void (latency = ms),
    requestLog: () => log.map((e) => ({ ...e })),
    requestCounts: () => {
      const counts: Record<string, number> = {};
      for (const e of log) counts[e.path] = (counts[e.path] ?? 0) + 1;
      return counts;
    },
    clearRequestLog: () => void (log = []),
  };

  const app = Fastify({ logger: false });
  type Params = { cd?: string; id: string };
  const route = (
    url: string,
    find: (p: Params, query: Record<string, string | undefined>) => unknown,
    wantsDomain = true,
  ) =>
    app.get(url, async (req: FastifyRequest, reply: FastifyReply) => {
      const [path, query = ''] = req.url.split('?');
      const authorized = req.headers['apikey'] === data.apiKey;
      const entry: BillsbyRequestLogEntry = {
        seq: ++seq,
        method: req.method,
        path,
        query,
        status: 0,
        authorized,
        arrivedAt: Date.now(),
        answeredAt: 0,
      };
      log.push(entry);
      const send = (status: number, body: unknown) => (
        (entry.status = status),
        (entry.answeredAt = Date.now()),
        reply.code(status).send(body)
      );
      // Unref'd: a read its client gave up on never keeps a closed simulator's process alive.
      if (latency > 0) await new Promise((r) => setTimeout(r, latency).unref());
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
      const found = find(p, req.query as Record<string, string | undefined>);
      if (found === undefined) return send(404, { message: 'Not found' });
      if (found instanceof Refusal) return send(found.status, { message: found.message });
      return send(200, found);
    });

  const sub = (id: string) => data.subscriptions.find((s) => s.subscriptionUniqueId === id);
  const prefix = '/api/v1/rest/core';
  route(`${prefix}/:cd/customers`, (_p, q) => customerPage(data.customers, q));
  route(`${prefix}/:cd/customers/:id`, (p) => data.customers.find((c) => c.customerUniqueId === p.id));
  route(`${prefix}/:cd/subscriptions/:id`, (p) => {
    const s = sub(p.id);
    return s && subscriptionBody(s);
  });
  route(`${prefix}/:cd/subscriptions/:id/tags`, (p) => {
    const s = sub(p.id);
    return s && [...s.planFeatureTags, ...s.subscriptionFeatureTags];
  });
  route(`${prefix}/:cd/subscriptions/:id/tags/split`, (p) => {
    const s = sub(p.id);
    return s && { planFeatureTags: s.planFeatureTags, subscriptionFeatureTags: s.subscriptionFeatureTags };
  });
  route(
    `${prefix}/invoices/:id`,
    (p) => {
      const i = data.invoices.find((x) => x.invoiceNumber === p.id);
      return i && invoiceBody(i);
    },
    false,
  );
  registerAdmin(app, control);

  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const origin = `http://${host}:${port}`;
  return { baseUrl: `${origin}/api/v1/rest`, origin, port, control, close: () => app.close() };
}

/**
 * `GET /core/{cd}/customers?page&pageSize`: both required, pageSize 1–100. Pages count from 1, and
 * page 0 (where Billsby's own example starts) is the first page too. Rows are shaped like Billsby's
 * list example, which names the dial-code country `phoneNumberDialCodeCountry`.
 */
function customerPage(customers: SimCustomer[], q: Record<string, string | undefined>) {
  const page = Number(q.page);
  const pageSize = Number(q.pageSize);
  if (
    !/^\d+$/.test(q.page ?? '') ||
    !/^\d+$/.test(q.pageSize ?? '') ||
    pageSize < 1 ||
    pageSize > MAX_PAGE_SIZE
  )
    return new Refusal(400, `page and pageSize (1-${MAX_PAGE_SIZE}) are required`);
  const start = Math.max(page - 1, 0) * pageSize;
  const results = customers.slice(start, start + pageSize).map((c) => {
    const { phoneNumberDialCountry, ...rest } = c;
    return { ...rest, phoneNumberDialCodeCountry: phoneNumberDialCountry ?? null };
  });
  return {
    currentPage: page,
    pageCount: Math.ceil(customers.length / pageSize),
    pageSize,
    rowCount: customers.length,
    results,
  };
}

function subscriptionBody(s: SimSubscription) {
  const { planFeatureTags: _p, subscriptionFeatureTags: _s, ...rest } = s;
  return { ...rest, planIdNext: s.planIdNext ?? null, cycleIdNext: s.cycleIdNext ?? null };
}

function invoiceBody(i: SimInvoice) {
  return {
    ...i,
    customerFirstName: i.customerFirstName ?? null,
    customerLastName: i.customerLastName ?? null,
  };
}

export { billsbySeed } from './seed';
export { offsetLessUtc } from './webhooks';
export { UnknownRecordError } from './types';
export type { BillsbyDataset, SimCustomer, SimInvoice, SimSubscription } from './seed';
export type {
  BillsbyFault,
  BillsbyRequestLogEntry,
  BillsbySimulator,
  BillsbySimulatorControl,
  BillsbySimulatorOptions,
  BillsbyWebhookBody,
  CustomerInput,
  CustomerPatch,
  InvoiceInput,
  InvoicePatch,
  SubscriptionInput,
  SubscriptionPatch,
  WebhookDelivery,
  WebhookTarget,
} from './types';
