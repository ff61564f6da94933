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
  /** Queued in the event log, including those being delivered. */
  pending: number;
  /** Rejected by Webex for good (e.g. 400): counted and listed, the queue moved on. */
  failed: number;
  /** Still queued when the integration was uninstalled. */
  dropped: number;
  /** Billsby webhooks with no message (§4.3.1), kept by id without their payload; not in `received`. */
  ignored: number;
}

export interface FailedEvent {
  eventId: string;
  eventType: string;
  reason: string;
  at: string;
}

/** What the integration workflow knows: lifecycle, room, user. Counts live in the event log. */
export interface IntegrationWorkflowView {
  accountId: string;
  status: IntegrationStatusValue;
  room: { id: string; title: string } | null;
  connectedAs: { id: string; displayName: string } | null;
  lastError: string | null;
  /** A warning about the room choice (several candidate spaces), or null. */
  roomNote: string | null;
  /** True while an OAuth attempt is open (an authorize URL was handed out and not yet used). */
  authorizationPending: boolean;
  /**
   * The newest authorization attempt that failed (declined, Webex error, setup failure) while the
   * integration kept its earlier connection; null when the newest attempt succeeded or none failed.
   */
  lastAttempt: { outcome: 'failed'; error: string; at: string } | null;
}

/** What the status API answers: the workflow's view plus exact counts from the event log. */
export interface IntegrationView extends IntegrationWorkflowView {
  counts: DeliveryCounts;
  /** The newest events Webex refused for good, from the log. */
  recentFailures: FailedEvent[];
}
