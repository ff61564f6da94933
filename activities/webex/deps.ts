import type { RetryAfterPolicy } from '../../connectors/webex';
import type { EventLog } from '../../eventlog/types';
import type { BackoffPolicy } from './failures';

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
}
