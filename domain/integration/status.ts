/** Integration statuses (DESIGN.md §4.2), also the `IntegrationStatus` search attribute. */
export const INTEGRATION_STATUSES = [
  'awaiting_authorization',
  'connected',
  'reauthorization_required',
  'uninstalled',
  'failed',
] as const;
export type IntegrationStatusValue = (typeof INTEGRATION_STATUSES)[number];

export interface DeliveryCounts {
  /** Distinct events accepted (duplicates not included). */
  received: number;
  delivered: number;
  duplicates: number;
  /** Waiting in the queue, including the one being delivered. */
  pending: number;
  /** Rejected by Webex for good (e.g. 400): counted and listed, the queue moved on. */
  failed: number;
  /** Still queued when the integration was uninstalled. */
  dropped: number;
}

export interface FailedEvent {
  eventId: string;
  eventType: string;
  reason: string;
  at: string;
}

/** What the status query answers; the gateway adds the webhook URL. */
export interface IntegrationView {
  accountId: string;
  status: IntegrationStatusValue;
  room: { id: string; title: string } | null;
  connectedAs: { id: string; displayName: string } | null;
  counts: DeliveryCounts;
  lastError: string | null;
  recentFailures: FailedEvent[];
  /** True while an OAuth attempt is open (an authorize URL was handed out and not yet used). */
  authorizationPending: boolean;
}
