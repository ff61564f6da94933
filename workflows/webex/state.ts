import type { IntegrationStatusValue, IntegrationWorkflowView } from '../../domain/integration/status';

/**
 * Everything the integration carries across continue-as-new (and, partly, into a later
 * re-integration). Deliberately small: the events themselves, their order, dedupe and counts
 * live in the event log, so this never grows with the backlog.
 */
export interface IntegrationState {
  status: IntegrationStatusValue;
  room: { id: string; title: string } | null;
  connectedAs: { id: string; displayName: string } | null;
  tokens: WebexTokens | null;
  pendingAuth: PendingAuth | null;
  /** The last message we know we posted: the stop mark when checking whether a post landed. */
  lastMessageId: string | null;
  lastError: string | null;
  /** Set when several spaces could be the room (see roomNote). Absent in runs started before it existed. */
  roomNote?: string | null;
  /** A failed attempt that left the earlier connection in place. Absent in older runs. */
  lastAttempt?: { outcome: 'failed'; error: string; at: string } | null;
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

export function initialState(previous?: Partial<IntegrationState>): IntegrationState {
  return {
    status: 'awaiting_authorization',
    room: previous?.room ?? null,
    connectedAs: null,
    tokens: null,
    pendingAuth: null,
    lastMessageId: null,
    lastError: null,
    roomNote: null,
    lastAttempt: null,
  };
}

export function viewOf(accountId: string, s: IntegrationState): IntegrationWorkflowView {
  return {
    accountId,
    status: s.status,
    room: s.room,
    connectedAs: s.connectedAs,
    lastError: s.lastError,
    roomNote: s.roomNote ?? null,
    authorizationPending: s.pendingAuth !== null,
    lastAttempt: s.lastAttempt ?? null,
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

/** Said in the status when the user owns several candidate spaces (one is used; the others are not). */
export function roomNote(candidates: number): string | null {
  return candidates > 1
    ? `You created ${candidates} spaces titled "Billsby Data"; events go to the one shown here.`
    : null;
}
