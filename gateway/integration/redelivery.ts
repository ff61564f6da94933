import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RedeliverRequest, RedeliverResult } from '../../activities/webex/redeliver';
import type { EventLog, ForgetOutcome } from '../../eventlog/types';
import {
  integrationWorkflowId,
  redeliver,
  REDELIVER_NOT_CONNECTED,
  REDELIVER_UNAVAILABLE,
} from '../../workflows/webex/definitions';
import { isDeadlineExceeded } from './deadline';

/**
 * Redelivery and erasure as the gateway (and through it the CLI) asks for them (issue 15).
 *
 * Redelivery goes through the integration workflow's `redeliver` update: only the workflow holds
 * the Webex token, the room and the connected user that the "already in the room" check needs,
 * and the update's activity changes the log in the same step, so the dry run and the real run
 * use one code path and the workflow wakes its own delivery loop when it re-queued something.
 * Erasure by customer needs no Temporal at all: the log does it (a privacy request must not wait
 * for a worker).
 */

export type RedeliveryErrorKind = 'unknown_account' | 'unknown_event' | 'not_active' | 'unavailable';

export class RedeliveryError extends Error {
  constructor(
    readonly kind: RedeliveryErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'RedeliveryError';
  }
}

export interface RedeliveryServiceOptions {
  /** How long the gateway waits for the worker's answer (the room check reads up to 1000 messages). */
  timeoutMs?: number;
}

export class RedeliveryService {
  constructor(
    private readonly client: Client,
    private readonly eventLog: EventLog,
    private readonly opts: RedeliveryServiceOptions = {},
  ) {}

  async redeliver(accountId: string, request: RedeliverRequest): Promise<RedeliverResult> {
    if (!(await this.eventLog.isAccountActive(accountId))) {
      if (!(await this.integrationExists(accountId))) {
        throw new RedeliveryError('unknown_account', `account ${accountId} has never integrated Webex`);
      }
      throw new RedeliveryError(
        'not_active',
        `account ${accountId} is uninstalled: its events stay in the log, but nothing can be redelivered ` +
          'until Webex is connected again',
      );
    }
    if (request.eventId !== undefined && !(await this.eventLog.get(accountId, request.eventId))) {
      throw new RedeliveryError('unknown_event', `no event ${request.eventId} for account ${accountId}`);
    }
    const handle = this.client.workflow.getHandle(integrationWorkflowId(accountId));
    try {
      return await this.client.connection.withDeadline(Date.now() + (this.opts.timeoutMs ?? 60_000), () =>
        handle.executeUpdate(redeliver, { args: [request] }),
      );
    } catch (err) {
      throw this.explain(err, request);
    }
  }

  /** Erases every stored payload of the customer's events in the account (see EventLog.forgetCustomer). */
  async forgetCustomer(accountId: string, customerUniqueId: string): Promise<ForgetOutcome> {
    const outcome = await this.eventLog.forgetCustomer(accountId, customerUniqueId, new Date().toISOString());
    if (!outcome)
      throw new RedeliveryError('unknown_account', `account ${accountId} has never integrated Webex`);
    return outcome;
  }

  private async integrationExists(accountId: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(integrationWorkflowId(accountId)).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  private explain(err: unknown, request: RedeliverRequest): Error {
    if (err instanceof WorkflowNotFoundError) {
      return new RedeliveryError(
        'not_active',
        'the integration is not running: connect Webex again, then redeliver',
      );
    }
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as { type?: string; message?: string } | undefined;
      const message = cause?.message ?? err.message;
      if (cause?.type === REDELIVER_NOT_CONNECTED) return new RedeliveryError('not_active', message);
      if (cause?.type === REDELIVER_UNAVAILABLE) return new RedeliveryError('unavailable', message);
      return new RedeliveryError('unavailable', `redelivery failed: ${message}`);
    }
    if (isDeadlineExceeded(err)) {
      return new RedeliveryError(
        'unavailable',
        'no worker answered in time; is the worker running?' +
          (request.dryRun
            ? ''
            : ' The redelivery may still complete: check the events before running it again.'),
      );
    }
    return err as Error;
  }
}
