import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type { IntegrationView } from '../../domain/integration/status';

/** The integration workflow's messages. Client code (gateway, CLI) imports these definitions. */

export const integrationWorkflowId = (accountId: string) => `webex-integration:${accountId}`;
export const deliveryWorkflowId = (accountId: string, eventId: string) =>
  `webex-delivery:${accountId}:${eventId}`;

/** A Billsby event, already authenticated and validated by the gateway. */
export const eventReceived = defineSignal<[BillsbyEvent]>('eventReceived');

export interface BeginAuthorization {
  /** Random, unguessable, made by the gateway with a CSPRNG (workflow randomness is seeded). */
  stateNonce: string;
  codeVerifier: string;
  /** ISO time after which the state is refused. */
  expiresAt: string;
}
export const beginAuthorization = defineUpdate<IntegrationView, [BeginAuthorization]>('beginAuthorization');

export interface CompleteAuthorization {
  stateNonce: string;
  code?: string;
  /** Webex's `error` (e.g. access_denied) when the user declined. */
  error?: string;
}
export type AuthorizationOutcome = { outcome: 'connected' | 'failed'; view: IntegrationView };
/** Rejected (validator) for an unknown, used or expired state: nothing changes. */
export const completeAuthorization = defineUpdate<AuthorizationOutcome, [CompleteAuthorization]>(
  'completeAuthorization',
);

export const uninstall = defineUpdate<IntegrationView, []>('uninstall');

export const getStatus = defineQuery<IntegrationView>('status');
