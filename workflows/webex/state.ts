import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type {
  DeliveryCounts,
  FailedEvent,
  IntegrationStatusValue,
  IntegrationView,
} from '../../domain/integration/status';

/** Everything the integration carries across continue-as-new (and into a later re-integration). */
export interface IntegrationState {
  status: IntegrationStatusValue;
  room: { id: string; title: string } | null;
  connectedAs: { id: string; displayName: string } | null;
  tokens: WebexTokens | null;
  pendingAuth: PendingAuth | null;
  /** Accepted events not yet delivered, in arrival order. */
  queue: BillsbyEvent[];
  /** Progress on the head of the queue, so a retried delivery resumes where it stopped. */
  head: HeadProgress | null;
  /** The last message we know we posted: the stop mark when checking whether a post landed. */
  lastMessageId: string | null;
  seen: string[];
  counts: Omit<DeliveryCounts, 'pending'>;
  lastError: string | null;
  recentFailures: FailedEvent[];
}

export interface WebexTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch ms at which to refresh (ahead of expiry). */
  refreshAt: number;
  expiresAt: number;
}

export interface PendingAuth {
  stateNonce: string;
  codeVerifier: string;
  expiresAt: string;
}

export interface HeadProgress {
  eventId: string;
  partsDone: number;
  firstAttemptAt: string;
  /** A delivery for this event was started before, so a post may have landed unseen. */
  attempted: boolean;
  /** We already refreshed once because of a 401 on this event. */
  refreshedFor401?: boolean;
}

export const MAX_RECENT_FAILURES = 20;

export function initialState(previous?: Partial<IntegrationState>): IntegrationState {
  return {
    status: 'awaiting_authorization',
    room: previous?.room ?? null,
    connectedAs: null,
    tokens: null,
    pendingAuth: null,
    queue: [],
    head: null,
    lastMessageId: null,
    seen: previous?.seen ?? [],
    counts: previous?.counts ?? { received: 0, delivered: 0, duplicates: 0, failed: 0, dropped: 0 },
    lastError: null,
    recentFailures: previous?.recentFailures ?? [],
  };
}

export function viewOf(accountId: string, s: IntegrationState): IntegrationView {
  return {
    accountId,
    status: s.status,
    room: s.room,
    connectedAs: s.connectedAs,
    counts: { ...s.counts, pending: s.queue.length },
    lastError: s.lastError,
    recentFailures: s.recentFailures,
    authorizationPending: s.pendingAuth !== null,
  };
}

/** Refresh when 80 % of the lifetime has passed, but never earlier than 10 minutes before expiry. */
export function refreshTimeFor(now: number, expiresInSeconds: number): number {
  const lifetime = expiresInSeconds * 1000;
  return now + lifetime - Math.min(10 * 60_000, lifetime * 0.2);
}

/** Tokens from a grant; Webex may omit the refresh token on refresh, so the old one is kept. */
export function tokensFrom(
  grant: { accessToken: string; expiresIn: number; refreshToken?: string },
  now: number,
  previousRefreshToken: string | null,
): WebexTokens {
  return {
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken ?? previousRefreshToken,
    expiresAt: now + grant.expiresIn * 1000,
    refreshAt: refreshTimeFor(now, grant.expiresIn),
  };
}

/** Rough JSON size of the queue, to keep continue-as-new payloads far below Temporal's 2 MB limit. */
export function queueBytes(queue: BillsbyEvent[]): number {
  let total = 0;
  for (const event of queue) total += JSON.stringify(event).length;
  return total;
}
