/**
 * The product's own metric names (Prometheus). One prefix for all of them; deploy/prometheus and
 * deploy/grafana use exactly these (test/unit/metrics-deploy.test.ts checks it).
 *
 * Label rule: no metric is labelled by account, event, organization, user or room. Those are
 * unbounded and some are personal; per-account facts are in the status API
 * (`GET /api/accounts/:accountId/webex`: counts, oldestUndeliveredAgeSeconds, alerts). Every label
 * below takes a small, fixed set of values.
 */
export const METRIC_PREFIX = 'billsby_pipeline_';

export const METRIC = {
  // Gateway
  /** Counter {status, reason}: every answer of POST /webhooks/billsby/:accountId. */
  webhookResponses: `${METRIC_PREFIX}webhook_responses_total`,
  // Gateway (accepted, duplicate) and worker (delivered, failed, dropped)
  /** Counter {outcome}: events accepted / duplicate (gateway), delivered / failed / dropped (worker). */
  events: `${METRIC_PREFIX}events_total`,
  // Worker
  /** Histogram: seconds from an event entering the queue (accepted, or re-queued) to its last post. */
  deliveryLatency: `${METRIC_PREFIX}event_queued_to_posted_seconds`,
  /** Counter {class, operation}: Webex client calls by answer (2xx, 401, 404, 429, 4xx, 5xx, timeout, network, other). */
  webexResponses: `${METRIC_PREFIX}webex_responses_total`,
  /** Histogram: the wait a Webex 429/423 (or a 5xx with Retry-After) asked for, as honoured. */
  webexRetryAfter: `${METRIC_PREFIX}webex_retry_after_seconds`,
  /** Counter {outcome}: token refreshes ok / refused (for good) / error (will retry). */
  tokenRefreshes: `${METRIC_PREFIX}webex_token_refreshes_total`,
  /** Counter: integrations that moved to reauthorization_required. */
  reauthorizations: `${METRIC_PREFIX}webex_reauthorizations_total`,
  /** Counter {outcome}: engagement organizations done, classified or failed. */
  engagementOrganizations: `${METRIC_PREFIX}engagement_organizations_total`,
  /** Counter {code}: BILL client calls by answer (OK, BDC_nnnn, HTTP_nnn, timeout, network, other). */
  billRequests: `${METRIC_PREFIX}bill_requests_total`,
  // Worker, read on scrape from the event log and Temporal visibility
  /** Gauge: events queued in every account's log. */
  undelivered: `${METRIC_PREFIX}events_undelivered`,
  /** Gauge: age of the longest-waiting queued event (0 when none). */
  oldestUndeliveredAge: `${METRIC_PREFIX}events_oldest_undelivered_age_seconds`,
  /** Gauge: accounts with at least one queued event. */
  accountsWithUndelivered: `${METRIC_PREFIX}accounts_with_undelivered_events`,
  /** Gauge {state}: the event log's events by state, over every account. */
  eventLogEvents: `${METRIC_PREFIX}event_log_events`,
  /** Gauge: accounts whose Billsby credentials Billsby refuses (their Billsby webhooks wait). */
  billsbyRejected: `${METRIC_PREFIX}billsby_credentials_rejected_accounts`,
  /** Gauge {status}: running integration workflows by IntegrationStatus. */
  integrations: `${METRIC_PREFIX}integrations`,
  /** Counter {source}: scrape-time reads that failed (event_log, temporal); the gauges keep their last value. */
  scrapeErrors: `${METRIC_PREFIX}metrics_source_errors_total`,
} as const;
