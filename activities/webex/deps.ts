import type { RetryAfterPolicy } from '../../connectors/webex';
import type { CallObserver } from '../observe-calls';
import type { EventLog } from '../../eventlog/types';
import type { BackoffPolicy } from './failures';

/**
 * What the Webex activities tell the worker's metrics (metrics/worker-metrics.ts); every hook is
 * optional and must not throw. Nothing here names an account, an event or a token.
 */
export interface WebexActivityMetrics {
  /** Every Webex client call (API calls and the token endpoint), with its answer. */
  webexCall?: CallObserver;
  /** A token refresh: `refused` is Webex saying no for good (the integration needs reauthorization). */
  tokenRefresh?(outcome: 'ok' | 'refused' | 'error'): void;
  /** An event's whole message is in the room: seconds from entering the queue to the last post. */
  eventDelivered?(queuedToPostedSeconds: number): void;
  /** Webex refused an event's message for good (400): recorded failed. */
  eventFailed?(): void;
  /** Queued events dropped by an uninstall. */
  eventsDropped?(count: number): void;
}

/** What the Webex activities need from the worker's configuration. */
export interface WebexActivityDeps {
  /** The event log: the delivery activities read queued events from it and record outcomes. */
  eventLog: EventLog;
  apiBaseUrl: string;
  clientId?: string;
  clientSecret?: string;
  /** The gateway's OAuth callback URL; must equal the one in the authorize request. */
  redirectUri: string;
  timeoutMs?: number;
  retryAfter?: Partial<RetryAfterPolicy>;
  backoff?: BackoffPolicy;
  /** How many recent messages to read when checking whether an ambiguous post landed. */
  recentMessagesWindow?: number;
  /** How many of the room's newest messages redelivery reads back (default 1000). */
  redeliverScanLimit?: number;
  /** The worker's metrics; none: nothing is measured. */
  metrics?: WebexActivityMetrics;
  /** Billsby's REST API, for filling public webhooks (§4.3.1); none: they post with the webhook's values only. */
  billsby?: BillsbyDeps;
}

export interface BillsbyDeps {
  /** BILLSBY_API_BASE_URL */
  apiBaseUrl: string;
  /** BILLSBY_COMPANY_DOMAIN + BILLSBY_API_KEY, for accounts that have none of their own. */
  defaultCredentials?: { companyDomain: string; apiKey: string };
  timeoutMs?: number;
  /** Reads in flight for one account's batch. */
  readsPerAccount?: number;
  /** Reads in flight in this worker process, over every account. */
  readsPerProcess?: number;
}
