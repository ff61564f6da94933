import { activityInfo, ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import {
  createWebexClient,
  exchangeCode,
  refreshAccessToken,
  type WebexOAuthConfig,
  type WebexTokenSet,
} from '../../connectors/webex';
import { BILLSBY_ROOM_TITLE } from '../../domain/integration/constants';
import type { QueuedRef } from '../../eventlog/types';
import { findOrCreateOwnedRoom } from './rooms';
import { deliverBatch, type DeliverBatchInput, type DeliverBatchResult } from './deliver-batch';
import {
  DEFAULT_REDELIVER_SCAN_LIMIT,
  redeliverEvents,
  type RedeliverInput,
  type RedeliverResult,
} from './redeliver';
import type { WebexActivityDeps } from './deps';
import { observeCall, observeClient } from '../observe-calls';
import { DEFAULT_BACKOFF, toBillsbyFailure, toWebexFailure } from './failures';
import { isBillsbyApiError } from '../../connectors/billsby';
import type { BillsbyFillDeps } from './billsby-fill/batch-filler';
import { DEFAULT_FILL_READS_PER_ACCOUNT, DEFAULT_FILL_READS_PER_PROCESS } from './billsby-fill/batch-filler';
import { FillShared } from './billsby-fill/shared';
import { Semaphore } from './billsby-fill/semaphore';
import { isFailure, REFRESH_REFUSED, type WebexFailure } from '../../temporal/failures';

export interface TokenGrant {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
  refreshTokenExpiresIn?: number;
}

export interface RoomRef {
  id: string;
  title: string;
}

const grant = (t: WebexTokenSet): TokenGrant => ({
  accessToken: t.accessToken,
  expiresIn: t.expiresIn,
  ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
  ...(t.refreshTokenExpiresIn !== undefined ? { refreshTokenExpiresIn: t.refreshTokenExpiresIn } : {}),
});

export function createWebexActivities(deps: WebexActivityDeps) {
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const metrics = deps.metrics ?? {};
  const client = observeClient(
    createWebexClient({
      baseUrl: deps.apiBaseUrl,
      timeoutMs: deps.timeoutMs,
      retryAfter: deps.retryAfter,
    }),
    metrics.webexCall,
  );

  const oauth = (): WebexOAuthConfig => {
    if (!deps.clientId || !deps.clientSecret) {
      throw ApplicationFailure.nonRetryable(
        'WEBEX_CLIENT_ID and WEBEX_CLIENT_SECRET must be configured on the worker',
        'Webex.not_configured' satisfies WebexFailure,
      );
    }
    return {
      baseUrl: deps.apiBaseUrl,
      clientId: deps.clientId,
      clientSecret: deps.clientSecret,
      timeoutMs: deps.timeoutMs,
      retryAfter: deps.retryAfter,
    };
  };

  const fill: BillsbyFillDeps | undefined = deps.billsby && {
    apiBaseUrl: deps.billsby.apiBaseUrl,
    defaultCredentials: deps.billsby.defaultCredentials,
    timeoutMs: deps.billsby.timeoutMs,
    shared: new FillShared(
      new Semaphore(deps.billsby.readsPerProcess ?? DEFAULT_FILL_READS_PER_PROCESS),
      deps.billsby.readsPerAccount ?? DEFAULT_FILL_READS_PER_ACCOUNT,
    ),
  };

  /** Runs a connector call, mapping its errors to Temporal failures with the right retry hints. */
  async function webex<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
      if (isBillsbyApiError(err)) throw toBillsbyFailure(err, activityInfo().attempt, backoff);
      throw toWebexFailure(err, activityInfo().attempt, backoff);
    }
  }

  return {
    async exchangeWebexCode(input: { code: string; codeVerifier: string }): Promise<TokenGrant> {
      const cfg = oauth();
      return grant(
        await webex(() =>
          observeCall(metrics.webexCall, 'exchangeCode', () =>
            exchangeCode(cfg, {
              code: input.code,
              codeVerifier: input.codeVerifier,
              redirectUri: deps.redirectUri,
            }),
          ),
        ),
      );
    },

    async refreshWebexToken(input: { refreshToken: string }): Promise<TokenGrant> {
      const cfg = oauth();
      try {
        const tokens = await webex(() =>
          observeCall(metrics.webexCall, 'refreshToken', () =>
            refreshAccessToken(cfg, { refreshToken: input.refreshToken }),
          ),
        );
        metrics.tokenRefresh?.('ok');
        return grant(tokens);
      } catch (err) {
        // The kinds the integration workflow treats as "reauthorize" (IntegrationEntity.refreshTokens, workflows/webex/integration-entity.ts).
        const refused = isFailure(err, ...REFRESH_REFUSED);
        metrics.tokenRefresh?.(refused ? 'refused' : 'error');
        throw err;
      }
    },

    async identifyWebexUser(input: { accessToken: string }) {
      const me = await webex(() => client.getMe(input.accessToken));
      return { id: me.id, displayName: me.displayName };
    },

    /**
     * Finds the integration's room, or creates it: a `group` space titled exactly "Billsby Data"
     * that the connected user created (the ownership rule of rooms.ts); several candidates are
     * reported.
     */
    async findOrCreateBillsbyRoom(input: {
      accessToken: string;
      personId: string;
      preferredRoomId?: string | null;
    }): Promise<RoomRef & { created: boolean; candidates: number }> {
      return webex(() => findOrCreateOwnedRoom(client, { ...input, title: BILLSBY_ROOM_TITLE }));
    },

    /** Posts a batch of queued events from the event log, in order (see deliver-batch.ts). */
    async deliverQueuedEvents(input: DeliverBatchInput): Promise<DeliverBatchResult> {
      return webex(() =>
        deliverBatch(deps.eventLog, client, input, deps.recentMessagesWindow ?? 50, metrics, fill),
      );
    },

    /**
     * Redelivery (the integration's `redeliver` update): checks the room for the events' messages
     * and, unless a dry run, re-queues the rest (see redeliver.ts). Ids only in its result.
     */
    async redeliverEvents(input: RedeliverInput): Promise<RedeliverResult> {
      return webex(() =>
        redeliverEvents(
          deps.eventLog,
          client,
          input,
          deps.redeliverScanLimit ?? DEFAULT_REDELIVER_SCAN_LIMIT,
        ),
      );
    },

    /** The next batch's ids and types (no payloads, so nothing personal reaches history). */
    async peekQueuedEvents(input: { accountId: string; limit: number }): Promise<QueuedRef[]> {
      return deps.eventLog.peekQueued(input.accountId, input.limit);
    },

    /** Uninstall: stop accepting webhooks and mark what is still queued `dropped` (kept in the log). */
    async closeAccountEventLog(input: { accountId: string }): Promise<{ dropped: number }> {
      const dropped = await deps.eventLog.closeAccount(input.accountId);
      if (dropped > 0) metrics.eventsDropped?.(dropped);
      return { dropped };
    },
  };
}

export type WebexActivities = ReturnType<typeof createWebexActivities>;
