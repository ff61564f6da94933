import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC } from './names';

/** Why the webhook answered as it did; a small fixed set (a metric label). */
export type WebhookReason =
  | 'accepted'
  | 'duplicate'
  /** A Billsby webhook with no message (§4.3.1), kept as ignored. */
  | 'ignored'
  | 'invalid_account_id'
  | 'bad_secret'
  | 'invalid_body'
  | 'no_integration'
  | 'backlog_full'
  | 'log_unavailable'
  | 'too_large'
  | 'rate_limited'
  | 'error';

export const WEBHOOK_ROUTE = '/webhooks/billsby/:accountId';

const reasons = new WeakMap<FastifyRequest, WebhookReason>();

/** The webhook route says why it answered; the onResponse hook counts it with the status. */
export function noteWebhookReason(request: FastifyRequest, reason: WebhookReason): void {
  reasons.set(request, reason);
}

/** Answers given before the route's own code ran (body limit, rate limit) or by the error handler. */
function reasonFromStatus(status: number): WebhookReason {
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limited';
  if (status === 400) return 'invalid_body';
  return 'error';
}

/** The gateway's own metrics (prom-client), served on its metrics listener, never the gateway port. */
export class GatewayMetrics {
  readonly registry: Registry;
  private readonly webhookResponses: Counter<'status' | 'reason'>;
  private readonly events: Counter<'outcome'>;

  constructor(opts: { registry?: Registry; defaultMetrics?: boolean } = {}) {
    const registry = (this.registry = opts.registry ?? new Registry());
    const registers = [registry];
    if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
    this.webhookResponses = new Counter({
      name: METRIC.webhookResponses,
      help: 'Answers of POST /webhooks/billsby/:accountId by HTTP status and reason',
      labelNames: ['status', 'reason'],
      registers,
    });
    this.events = new Counter({
      name: METRIC.events,
      help: 'Events by outcome: accepted (committed to the event log) or duplicate (an Id already logged), on this gateway',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['accepted', 'duplicate']) this.events.inc({ outcome }, 0);
  }

  webhookAnswered(status: number, reason: WebhookReason): void {
    this.webhookResponses.inc({ status: String(status), reason });
    if (reason === 'accepted' || reason === 'duplicate') this.events.inc({ outcome: reason });
  }

  /** Counts every answer of the webhook route, whoever gave it (route, body limit, rate limit, error handler). */
  register(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url !== WEBHOOK_ROUTE) return;
      this.webhookAnswered(reply.statusCode, reasons.get(request) ?? reasonFromStatus(reply.statusCode));
    });
  }
}
