import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createPkcePair } from '../../connectors/webex/oauth';
import { BillsbyAccountId, IntegrationStatus } from '../../temporal/search-attributes';
import {
  ALREADY_CONNECTED,
  beginAuthorization,
  integrationWorkflowId,
} from '../../workflows/webex/definitions';
import type { IntegrationOptions, webexIntegration } from '../../workflows/webex/integration';
import { integrationSummary } from '../../workflows/summaries';
import { isDeadlineExceeded } from './deadline';
import { AlreadyConnectedError, NotConfiguredError } from './errors';
import { newStateNonce } from './oauth-state';

/**
 * Connect's Temporal half: one update-with-start that starts the integration workflow when it
 * does not run yet and opens a fresh OAuth attempt in it (state nonce, PKCE verifier, expiry),
 * with the workflow's refusals and a missing worker mapped to the service's errors.
 */

export interface AttemptOptions {
  taskQueue: string;
  workflowOptions?: IntegrationOptions;
  /** How long an authorize URL stays usable (default 10 minutes). */
  authorizationTtlMs?: number;
  /** How long to wait for a worker to open the attempt (default 20 s). */
  connectTimeoutMs?: number;
}

export interface OpenedAttempt {
  workflowId: string;
  stateNonce: string;
  codeChallenge: string;
  expiresAt: string;
}

type IntegrationInput = Parameters<typeof webexIntegration>[0];

export async function openAuthorizationAttempt(
  client: Client,
  opts: AttemptOptions,
  attempt: { accountId: string; previous: IntegrationInput['previous']; replace: boolean },
): Promise<OpenedAttempt> {
  const { accountId, previous } = attempt;
  const workflowId = integrationWorkflowId(accountId);
  const nonce = newStateNonce();
  const pkce = createPkcePair();
  const expiresAt = new Date(Date.now() + (opts.authorizationTtlMs ?? 10 * 60_000)).toISOString();
  const start = new WithStartWorkflowOperation<typeof webexIntegration>('webexIntegration', {
    workflowId,
    taskQueue: opts.taskQueue,
    args: [{ accountId, previous, options: opts.workflowOptions }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: BillsbyAccountId, value: accountId },
      { key: IntegrationStatus, value: 'awaiting_authorization' },
    ],
    // The Web UI's line for it; its current details (set by the workflow) say the status.
    staticSummary: integrationSummary(accountId),
  });
  try {
    // The update needs a worker; without one, say so rather than hold the browser forever.
    await client.connection.withDeadline(Date.now() + (opts.connectTimeoutMs ?? 20_000), () =>
      client.workflow.executeUpdateWithStart(beginAuthorization, {
        args: [{ stateNonce: nonce, codeVerifier: pkce.verifier, expiresAt, replace: attempt.replace }],
        startWorkflowOperation: start,
      }),
    );
  } catch (err) {
    if (
      err instanceof WorkflowUpdateFailedError &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === ALREADY_CONNECTED
    ) {
      throw new AlreadyConnectedError(err.cause.message);
    }
    if (isDeadlineExceeded(err)) {
      throw new NotConfiguredError('no worker answered in time; is the worker running? Try again shortly');
    }
    throw err;
  }
  return { workflowId, stateNonce: nonce, codeChallenge: pkce.challenge, expiresAt };
}
