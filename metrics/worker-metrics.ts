import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InjectedSinks } from '@temporalio/worker';
import type { CallObserver } from '../activities/observe-calls';
import type { WebexActivityMetrics } from '../activities/webex/deps';
import { DELIVERY_STATES, type DeliverySummary, type EventLog } from '../eventlog/types';
import type { ProductMetricSinks } from '../workflows/metric-sinks';
import { billAnswerCode, webexAnswerClass } from './answer-labels';
import { countRunning, RUNNING_INTEGRATION_STATUSES, type VisibilitySource } from './integration-counts';
import { METRIC } from './names';

export { billAnswerCode, webexAnswerClass } from './answer-labels';
export { RUNNING_INTEGRATION_STATUSES, type VisibilitySource } from './integration-counts';

/** Seconds from queued to posted: sub-second when all is well, hours when Webex or a token is down. */
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600];
/** Webex asks for seconds to minutes; the policy caps at an hour. */
const RETRY_AFTER_BUCKETS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * The worker's own metrics (prom-client), served by its metrics listener (metrics/server.ts);
 * the Temporal SDK's metrics are on the runtime's exporter (workers/runtime.ts). Hooks go into the
 * activities (`webexActivity`, `billActivity`) and the workflows' sinks (`sinks`); gauges that
 * describe shared state (the event log, integrations) are read when scraped.
 */
export class WorkerMetrics {
  readonly registry: Registry;
  private readonly events: Counter<'outcome'>;
  private readonly latency: Histogram;
  private readonly webexResponses: Counter<'class' | 'operation'>;
  private readonly retryAfter: Histogram;
  private readonly tokenRefreshes: Counter<'outcome'>;
  private readonly reauthorizations: Counter;
  private readonly organizations: Counter<'outcome'>;
  private readonly billRequests: Counter<'code'>;
  private readonly sourceErrors: Counter<'source'>;
  private eventLog?: EventLog;
  private visibility?: VisibilitySource;
  private summary?: Promise<DeliverySummary | undefined>;
  private integrationCounts?: { at: number; value: Promise<Map<string, number> | undefined> };

  constructor(opts: { registry?: Registry; defaultMetrics?: boolean; integrationsCacheMs?: number } = {}) {
    const registry = (this.registry = opts.registry ?? new Registry());
    const registers = [registry];
    if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
    this.events = new Counter({
      name: METRIC.events,
      help: 'Events by outcome: delivered, failed (refused by Webex for good) or dropped (uninstall), on this worker',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['delivered', 'failed', 'dropped']) this.events.inc({ outcome }, 0);
    this.latency = new Histogram({
      name: METRIC.deliveryLatency,
      help: "Seconds from an event entering its account's queue (accepted, or re-queued) to its message's last post",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.webexResponses = new Counter({
      name: METRIC.webexResponses,
      help: 'Webex client calls by answer class (2xx, 401, 404, 429, 4xx, 5xx, timeout, network, other) and operation',
      labelNames: ['class', 'operation'],
      registers,
    });
    this.retryAfter = new Histogram({
      name: METRIC.webexRetryAfter,
      help: 'Seconds a Webex 429/423 (or a 5xx carrying Retry-After) asked to wait, as honoured',
      buckets: RETRY_AFTER_BUCKETS,
      registers,
    });
    this.tokenRefreshes = new Counter({
      name: METRIC.tokenRefreshes,
      help: 'Webex token refreshes: ok, refused (for good: reauthorization needed) or error (retried later)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['ok', 'refused', 'error']) this.tokenRefreshes.inc({ outcome }, 0);
    this.reauthorizations = new Counter({
      name: METRIC.reauthorizations,
      help: 'Integrations that moved to reauthorization_required (their events wait until the user connects again)',
      registers,
    });
    this.organizations = new Counter({
      name: METRIC.engagementOrganizations,
      help: 'BILL engagement organizations done, by outcome: classified, or failed (recorded in the report)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['classified', 'failed']) this.organizations.inc({ outcome }, 0);
    this.billRequests = new Counter({
      name: METRIC.billRequests,
      help: "BILL client calls by answer: OK, BILL's error code (BDC_nnnn), HTTP_nnn without one, timeout, network or other",
      labelNames: ['code'],
      registers,
    });
    this.sourceErrors = new Counter({
      name: METRIC.scrapeErrors,
      help: 'Scrape-time reads that failed (event_log, temporal); the gauges they feed keep their last value',
      labelNames: ['source'],
      registers,
    });

    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const metrics = this;
    const summaryGauge = (name: string, help: string, read: (s: DeliverySummary) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect: async function collect(this: Gauge) {
          const summary = await metrics.deliverySummary();
          if (summary) this.set(read(summary));
        },
      });
    summaryGauge(
      METRIC.undelivered,
      'Events queued (accepted, not yet delivered) over every account',
      (s) => s.byState.queued,
    );
    summaryGauge(
      METRIC.oldestUndeliveredAge,
      'Seconds the longest-waiting queued event has waited (0 when none is queued)',
      (s) => (s.oldestQueuedAt ? Math.max(0, (Date.now() - Date.parse(s.oldestQueuedAt)) / 1000) : 0),
    );
    summaryGauge(
      METRIC.accountsWithUndelivered,
      'Accounts with at least one queued event',
      (s) => s.accountsWithQueued,
    );
    new Gauge({
      name: METRIC.eventLogEvents,
      help: "The event log's events by state, over every account",
      labelNames: ['state'],
      registers,
      collect: async function collect(this: Gauge<'state'>) {
        const summary = await metrics.deliverySummary();
        if (summary) for (const state of DELIVERY_STATES) this.set({ state }, summary.byState[state]);
      },
    });
    new Gauge({
      name: METRIC.billsbyRejected,
      help: 'Accounts whose Billsby credentials Billsby refuses (their Billsby webhooks wait, in order)',
      registers,
      collect: async function collect(this: Gauge) {
        const log = metrics.eventLog;
        if (!log) return;
        try {
          this.set(await log.countBillsbyRejected());
        } catch {
          metrics.sourceErrors.inc({ source: 'event_log' });
        }
      },
    });
    const cacheMs = opts.integrationsCacheMs ?? 10_000;
    new Gauge({
      name: METRIC.integrations,
      help: 'Running Webex integrations by status (Temporal visibility, IntegrationStatus; cached a few seconds)',
      labelNames: ['status'],
      registers,
      collect: async function collect(this: Gauge<'status'>) {
        const counts = await metrics.countIntegrations(cacheMs);
        if (counts) for (const [status, n] of counts) this.set({ status }, n);
      },
    });
  }

  /** Scrape-time gauges of undelivered events read this log. */
  watchEventLog(log: EventLog): this {
    this.eventLog = log;
    return this;
  }

  /** Scrape-time integration counts come from this namespace's visibility. */
  watchIntegrations(source: VisibilitySource): this {
    this.visibility = source;
    return this;
  }

  /** The Webex activities' hooks (activities/webex/deps.ts). */
  readonly webexActivity: WebexActivityMetrics = {
    webexCall: (call) => {
      this.webexResponses.inc({ class: webexAnswerClass(call), operation: call.operation });
      if (call.retryAfterSeconds !== undefined) this.retryAfter.observe(call.retryAfterSeconds);
    },
    tokenRefresh: (outcome) => this.tokenRefreshes.inc({ outcome }),
    eventDelivered: (seconds) => {
      this.events.inc({ outcome: 'delivered' });
      this.latency.observe(seconds);
    },
    eventFailed: () => this.events.inc({ outcome: 'failed' }),
    eventsDropped: (count) => this.events.inc({ outcome: 'dropped' }, count),
  };

  /** The BILL activities' hook (activities/bill). */
  readonly billActivity: { billCall: CallObserver } = {
    billCall: (call) => this.billRequests.inc({ code: billAnswerCode(call) }),
  };

  /** The workflows' metric sinks (workflows/metric-sinks.ts), for the worker's `sinks` option. */
  get sinks(): InjectedSinks<ProductMetricSinks> {
    return productMetricSinks(this);
  }

  /** Counted by the workflows' sinks. */
  reauthorizationRequired(): void {
    this.reauthorizations.inc();
  }

  organizationDone(outcome: 'classified' | 'failed'): void {
    this.organizations.inc({ outcome });
  }

  /** One read of the log per scrape: the gauges collect together and share the read in flight. */
  private deliverySummary(): Promise<DeliverySummary | undefined> {
    const log = this.eventLog;
    if (!log) return Promise.resolve(undefined);
    if (!this.summary) {
      const read = log.deliverySummary().catch(() => {
        this.sourceErrors.inc({ source: 'event_log' });
        return undefined;
      });
      this.summary = read;
      void read.finally(() => {
        if (this.summary === read) this.summary = undefined;
      });
    }
    return this.summary;
  }

  private countIntegrations(cacheMs: number): Promise<Map<string, number> | undefined> {
    const source = this.visibility;
    if (!source) return Promise.resolve(undefined);
    const now = Date.now();
    if (!this.integrationCounts || now - this.integrationCounts.at > cacheMs) {
      this.integrationCounts = {
        at: now,
        value: Promise.all(
          RUNNING_INTEGRATION_STATUSES.map(
            async (status) => [status, await countRunning(source, status)] as const,
          ),
        )
          .then((pairs) => new Map<string, number>(pairs))
          .catch(() => {
            this.sourceErrors.inc({ source: 'temporal' });
            this.integrationCounts = undefined; // try again at the next scrape
            return undefined;
          }),
      };
    }
    return this.integrationCounts.value;
  }
}

/**
 * The worker side of workflows/metric-sinks.ts. Without metrics the calls go nowhere (every worker
 * registers the sinks, so no workflow ever calls an unregistered one). Never called on replay.
 */
export function productMetricSinks(metrics?: WorkerMetrics): InjectedSinks<ProductMetricSinks> {
  return {
    productMetrics: {
      reauthorizationRequired: { fn: () => metrics?.reauthorizationRequired(), callDuringReplay: false },
      organizationDone: {
        fn: (_info, outcome) => metrics?.organizationDone(outcome),
        callDuringReplay: false,
      },
    },
  };
}
