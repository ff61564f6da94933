import type { IntegrationStatusValue } from '../../domain/integration/status';

/**
 * The status API's alerting hooks (additive fields of `GET /api/accounts/:accountId/webex`): what
 * an operator must act on for this integration. The same facts are metrics without the account
 * (billsby_pipeline_integrations{status="reauthorization_required"},
 * billsby_pipeline_events_oldest_undelivered_age_seconds), which deploy/prometheus/alerts.yml
 * alerts on. Messages name no person and no secret.
 */
export type IntegrationAlertCode =
  'reauthorization_required' | 'undelivered_events_waiting' | 'billsby_credentials_rejected';

export interface IntegrationAlert {
  code: IntegrationAlertCode;
  message: string;
}

/** Default of ALERT_UNDELIVERED_AGE_SECONDS. */
export const DEFAULT_UNDELIVERED_ALERT_SECONDS = 900;

/** Seconds the account's oldest queued event has waited (its queue head), or null when none is queued. */
export function undeliveredAgeSeconds(
  queuedSince: string | null | undefined,
  now = Date.now(),
): number | null {
  if (!queuedSince) return null;
  return Math.max(0, Math.floor((now - Date.parse(queuedSince)) / 1000));
}

export function integrationAlerts(
  status: IntegrationStatusValue,
  oldestUndeliveredAgeSeconds: number | null,
  thresholdSeconds: number,
  billsbyState?: 'ok' | 'rejected' | 'not_configured',
): IntegrationAlert[] {
  const alerts: IntegrationAlert[] = [];
  if (billsbyState === 'rejected') {
    alerts.push({
      code: 'billsby_credentials_rejected',
      message:
        'Billsby refuses this account’s API key; Billsby webhooks wait, in order, until new credentials are stored (PUT /api/accounts/:accountId/billsby, or the control page).',
    });
  }
  if (status === 'reauthorization_required') {
    alerts.push({
      code: 'reauthorization_required',
      message:
        'Webex no longer accepts this integration’s tokens; events wait in the log until the user connects again (Integrate on the control page).',
    });
  }
  if (oldestUndeliveredAgeSeconds !== null && oldestUndeliveredAgeSeconds > thresholdSeconds) {
    alerts.push({
      code: 'undelivered_events_waiting',
      message: `The oldest undelivered event has waited ${oldestUndeliveredAgeSeconds} s, more than ${thresholdSeconds} s.`,
    });
  }
  return alerts;
}
