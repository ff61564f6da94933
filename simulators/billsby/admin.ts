/** The simulator's `/__admin` HTTP endpoints: the control API over HTTP (README.md lists them). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimCustomer, SimInvoice, SimSubscription } from './seed';
import {
  UnknownRecordError,
  type BillsbyFault,
  type BillsbySimulatorControl,
  type BillsbyWebhookBody,
  type CustomerInput,
  type InvoiceInput,
  type SubscriptionInput,
  type WebhookTarget,
} from './types';

type Body = Record<string, unknown>;
const body = (req: { body?: unknown }): Body =>
  typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Body) : {};

/** Runs an operation: its delivery as the answer, 404 for an unknown record, 400 otherwise. */
async function run(reply: FastifyReply, op: () => Promise<unknown>) {
  try {
    return await op();
  } catch (err) {
    const status = err instanceof UnknownRecordError ? 404 : 400;
    return reply.code(status).send({ message: (err as Error).message });
  }
}

export function registerAdmin(app: FastifyInstance, control: BillsbySimulatorControl): void {
  app.register(
    async (admin) => {
      type Id = { Params: { id: string } };

      // Seeding (no webhook).
      admin.post('/customers', async (req) => (control.addCustomer(req.body as SimCustomer), { ok: true }));
      admin.post(
        '/subscriptions',
        async (req) => (control.addSubscription(req.body as SimSubscription), { ok: true }),
      );
      admin.post('/invoices', async (req) => (control.addInvoice(req.body as SimInvoice), { ok: true }));

      // Changes announced by a public webhook: each answers the WebhookDelivery.
      admin.post('/ops/customers', (req, reply) =>
        run(reply, () => control.createCustomer(body(req) as unknown as CustomerInput)),
      );
      admin.patch<Id>('/ops/customers/:id', (req, reply) =>
        run(reply, () => control.updateCustomer(req.params.id, body(req))),
      );
      admin.delete<Id>('/ops/customers/:id', (req, reply) =>
        run(reply, () => control.deleteCustomer(req.params.id)),
      );
      admin.post('/ops/subscriptions', (req, reply) =>
        run(reply, () => control.createSubscription(body(req) as unknown as SubscriptionInput)),
      );
      admin.patch<Id>('/ops/subscriptions/:id', (req, reply) =>
        run(reply, () => control.updateSubscription(req.params.id, body(req))),
      );
      admin.post('/ops/invoices', (req, reply) =>
        run(reply, () => control.createInvoice(body(req) as unknown as InvoiceInput)),
      );
      admin.patch<Id>('/ops/invoices/:id', (req, reply) =>
        run(reply, () => control.updateInvoice(req.params.id, body(req))),
      );
      admin.post<Id>('/ops/invoices/:id/pay', (req, reply) =>
        run(reply, () => control.payInvoice(req.params.id)),
      );

      // Webhook target and re-sends.
      admin.post('/webhook', async (req, reply) => {
        const b = body(req);
        if (b.url === null) return (control.setWebhook(null), { ok: true, url: null });
        if (typeof b.url !== 'string' || (b.secret !== undefined && typeof b.secret !== 'string'))
          return reply.code(400).send({ message: 'expected {url: string|null, secret?: string}' });
        control.setWebhook(b as unknown as WebhookTarget);
        return { ok: true, url: b.url };
      });
      admin.post('/webhook/resend-last', (_req, reply) => run(reply, () => control.resendLast()));
      admin.post('/webhook/resend', async (req, reply) => {
        const b = body(req);
        if (typeof b.Type !== 'string' || typeof b.Id !== 'string')
          return reply.code(400).send({ message: 'expected a webhook body with Type and Id' });
        return run(reply, () => control.resend(b as BillsbyWebhookBody));
      });
      admin.get('/webhooks', async () => control.webhookLog());

      // Credentials: only this key is accepted from now on.
      admin.post('/api-key', async (req, reply) => {
        const { apiKey } = body(req);
        if (typeof apiKey !== 'string' || apiKey === '')
          return reply.code(400).send({ message: 'expected {apiKey: string}' });
        control.setApiKey(apiKey);
        return { ok: true };
      });

      // Faults, latency, request log.
      admin.post('/faults', async (req) => {
        const { count = 1, ...fault } = body(req) as unknown as BillsbyFault & { count?: number };
        control.failNext(count, fault);
        return { ok: true };
      });
      admin.post('/faults/clear', async () => (control.clearFaults(), { ok: true }));
      admin.post('/latency', async (req) => (control.setLatency(Number(body(req).ms ?? 0)), { ok: true }));
      admin.get('/requests', async () => control.requestLog());
      admin.get('/requests/counts', async () => control.requestCounts());
      admin.post('/requests/clear', async () => (control.clearRequestLog(), { ok: true }));
    },
    { prefix: '/__admin' },
  );
}
