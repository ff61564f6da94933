import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setHandler,
} from '@temporalio/workflow';
import { workflowNow } from '../clock';
import type { IntegrationWorkflowView } from '../../domain/integration/status';
import {
  ALREADY_CONNECTED,
  beginAuthorization,
  completeAuthorization,
  eventsAvailable,
  getStatus,
  uninstall,
} from './definitions';
import { IntegrationEntity } from './integration-entity';
import { handleRedelivery } from './redeliver';
import type { IntegrationState } from './state';

export { roomNote } from './state';

export interface IntegrationInput {
  accountId: string;
  /** State from the previous run (continue-as-new) or from an uninstalled integration. */
  carried?: IntegrationState;
  /** A later re-integration passes the earlier run's final state: the room. */
  previous?: Partial<IntegrationState>;
  options?: IntegrationOptions;
}

export interface IntegrationOptions {
  /** Continue-as-new once history passes this many events (the server's suggestion also counts). */
  continueAsNewAfter?: number;
  /** Wait before retrying a refresh or delivery that failed for a reason other than Webex's word. */
  retryLaterMs?: number;
  /** Most events in one batch delivery (its ids must also fit one search attribute value). */
  batchSize?: number;
  /**
   * With nothing queued, look at the log this often anyway: the backstop for a wake-up signal
   * that never came (the gateway could not reach Temporal, or crashed right after the commit).
   */
  idlePollMs?: number;
  /** How soon a dead worker's batch is taken up again (the delivery activity's heartbeat timeout). */
  heartbeatTimeoutMs?: number;
}

export interface IntegrationResult {
  view: IntegrationWorkflowView;
  state: IntegrationState;
}

/**
 * `webex-integration:<accountId>`: the entity workflow of one Billsby account's Webex
 * integration. It owns the OAuth tokens and the room, and drives delivery of the account's
 * events, which wait in the event log (not here): on a wake-up signal or a timer it reads the
 * next batch's ids and runs one child workflow that posts the batch in order. Handlers only record
 * requests; the main loop does all the IO, one thing at a time, so two refreshes never overlap.
 * The state and the steps are the {@link IntegrationEntity}'s; this wires handlers and runs the loop.
 */
export async function webexIntegration(input: IntegrationInput): Promise<IntegrationResult> {
  const entity = new IntegrationEntity(input);
  wireHandlers(entity);

  for (;;) {
    if (entity.uninstallRequested) break;
    const job = entity.nextAuthJob();
    if (job) {
      await entity.connect(job);
    } else if (entity.continueAsNewDue()) {
      if (await entity.readyToContinueAsNew()) {
        await continueAsNew<typeof webexIntegration>({
          accountId: entity.accountId,
          carried: entity.s,
          options: entity.options,
        });
      }
    } else if (entity.refreshDue()) {
      await entity.refreshTokens();
    } else if (entity.deliveryDue()) {
      await entity.deliverQueued();
    } else {
      await entity.waitForWork();
    }
  }

  await entity.finishUninstall();
  await condition(allHandlersFinished);
  return { view: entity.view, state: entity.s };
}

/** Handlers only record requests on the entity; the loop acts on them. */
function wireHandlers(entity: IntegrationEntity): void {
  setHandler(eventsAvailable, () => {
    entity.mayHaveEvents = true;
  });
  handleRedelivery(entity.accountId, entity.s, () => {
    entity.mayHaveEvents = true;
  });
  setHandler(getStatus, () => entity.view);
  setHandler(beginAuthorization, (request) => entity.beginAuthorization(request), {
    // Rejected before history: a connect without `replace` leaves a connected integration as it is.
    validator: (request) => {
      if (entity.s.status === 'connected' && !request.replace) {
        throw ApplicationFailure.create({
          type: ALREADY_CONNECTED,
          message:
            'the integration is connected; connect again with {"replace": true} to replace its Webex user',
          nonRetryable: true,
        });
      }
    },
  });
  setHandler(completeAuthorization, (request) => entity.completeAuthorization(request), {
    // Runs before anything is written to history: a forged, reused or expired state changes nothing.
    validator: (request) => {
      const pending = entity.s.pendingAuth;
      if (!pending || pending.stateNonce !== request.stateNonce)
        throw new Error('unknown or already used state');
      if (Date.parse(pending.expiresAt) <= workflowNow()) throw new Error('expired state');
    },
  });
  setHandler(uninstall, () => entity.requestUninstall());
}
