import { defineSignal } from '@temporalio/workflow';

/**
 * What any workflow may know of an integration to wake it: its id and the signal. Its own module so
 * the engagement run (which queues a digest in an account's log) does not bundle the integration's
 * workflow code; workflows/webex/definitions.ts re-exports both.
 */

export const integrationWorkflowId = (accountId: string) => `webex-integration:${accountId}`;

/**
 * New events are in the account's event log. Carries nothing: the log is the record, and the
 * gateway coalesces a burst of webhooks into a few of these.
 */
export const eventsAvailable = defineSignal<[]>('eventsAvailable');
