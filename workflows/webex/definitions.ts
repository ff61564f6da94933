import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IntegrationWorkflowView } from '../../domain/integration/status';
import type { RedeliverRequest, RedeliverResult } from '../../activities/webex/redeliver';

/** The integration workflow's messages. Client code (gateway, CLI) imports these definitions. */

// Shared with the engagement run, which wakes an integration for its digest (workflows/integration-wake.ts).
export { eventsAvailable, integrationWorkflowId } from '../integration-wake';
/** One batch delivery: the sequence numbers of the first and last event it was given. */
export const deliveryWorkflowId = (accountId: string, fromSeq: number, toSeq: number) =>
  `webex-delivery:${accountId}:${fromSeq}-${toSeq}`;

export interface BeginAuthorization {
  /** Random, unguessable, made by the gateway with a CSPRNG (workflow randomness is seeded). */
  stateNonce: string;
  codeVerifier: string;
  /** ISO time after which the state is refused. */
  expiresAt: string;
  /** Required to start an attempt on a connected integration (it may replace the Webex user). */
  replace?: boolean;
}

/** The ApplicationFailure type beginAuthorization's validator rejects a connected integration with. */
export const ALREADY_CONNECTED = 'AlreadyConnected';
export const beginAuthorization = defineUpdate<IntegrationWorkflowView, [BeginAuthorization]>(
  'beginAuthorization',
);

export interface CompleteAuthorization {
  stateNonce: string;
  code?: string;
  /** Webex's `error` (e.g. access_denied) when the user declined. */
  error?: string;
}
export type AuthorizationOutcome = { outcome: 'connected' | 'failed'; view: IntegrationWorkflowView };
/** Rejected (validator) for an unknown, used or expired state: nothing changes. */
export const completeAuthorization = defineUpdate<AuthorizationOutcome, [CompleteAuthorization]>(
  'completeAuthorization',
);

export const uninstall = defineUpdate<IntegrationWorkflowView, []>('uninstall');

export const getStatus = defineQuery<IntegrationWorkflowView>('status');

/**
 * Redeliver failed, dropped or (forced) delivered events: checks the room for their messages and,
 * unless a dry run, re-queues the rest after what is queued. Rejected (validator, nothing in
 * history) with {@link REDELIVER_NOT_CONNECTED} unless the integration is connected.
 */
export const redeliver = defineUpdate<RedeliverResult, [RedeliverRequest]>('redeliver');
/** ApplicationFailure types of the redeliver update. */
export const REDELIVER_NOT_CONNECTED = 'RedeliverNotConnected';
export const REDELIVER_UNAVAILABLE = 'RedeliverUnavailable';
