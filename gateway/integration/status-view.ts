import type { IntegrationView, IntegrationWorkflowView } from '../../domain/integration/status';
import type { EventLog } from '../../eventlog/types';
import { billsbyState, type BillsbyState } from '../../connectors/billsby/credentials';
import { integrationAlerts, undeliveredAgeSeconds, type IntegrationAlert } from './alerts';

/**
 * The integration's status as the gateway, CLI and demo see it: the workflow's view plus the
 * facts only the event log knows exactly (counts, newest failures, the queue head's age) and the
 * alerts they raise.
 */

/** How many of the newest failed events the status shows. */
const RECENT_FAILURES = 20;

export type StatusResult = IntegrationView & {
  webhookUrl: string;
  /** Seconds the oldest undelivered (queued) event has waited; null when none is queued. */
  oldestUndeliveredAgeSeconds: number | null;
  /** What needs an operator (gateway/integration/alerts.ts); empty when all is well. */
  alerts: IntegrationAlert[];
  /** The Billsby credentials filling public webhooks (§4.3.1): their state, never the key. */
  billsby: { state: BillsbyState; companyDomain: string | null };
};

/** The workflow's view plus the exact counts and newest failures from the event log. */
export async function withLogFacts(
  eventLog: EventLog,
  view: IntegrationWorkflowView,
  opts: { webhookUrl: string; undeliveredAlertSeconds: number; billsbyCompanyDomain?: string },
): Promise<StatusResult> {
  const [counts, failed, [head], billsbyRecord] = await Promise.all([
    eventLog.counts(view.accountId),
    eventLog.list(view.accountId, { state: 'failed', limit: RECENT_FAILURES }),
    // The queue head: the next to deliver, queued longest (updatedAt: accepted, or re-queued).
    eventLog.list(view.accountId, { state: 'queued', limit: 1 }),
    eventLog.getBillsbyAccount(view.accountId),
  ]);
  const oldestUndeliveredAgeSeconds = undeliveredAgeSeconds(head?.updatedAt);
  const billsby = billsbyState(billsbyRecord, opts.billsbyCompanyDomain);
  return {
    ...view,
    oldestUndeliveredAgeSeconds,
    alerts: integrationAlerts(
      view.status,
      oldestUndeliveredAgeSeconds,
      opts.undeliveredAlertSeconds,
      billsby.state,
    ),
    billsby,
    counts,
    recentFailures: failed.map((e) => ({
      eventId: e.eventId,
      eventType: e.type,
      reason: e.lastError ?? '',
      at: e.updatedAt,
    })),
    webhookUrl: opts.webhookUrl,
  };
}
