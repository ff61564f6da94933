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
  redeliver,
  uninstall,
} from './definitions';
import { IntegrationLoop } from './integration-loop';
import { handleRedeliveryInHandler } from './legacy/redeliver-in-handler';
import { refuseRedeliveryUnlessConnected } from './redelivery';
import type { IntegrationState } from './state';
import type { RedeliverRequest } from '../../activities/webex/redeliver';

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
  /** Continue-as-new once the run is this old, even while idle or waiting (default 7 days). */
  maxRunAgeMs?: number;
  /** Wait before retrying a refresh or delivery that failed for a reason other than Webex's word. */
  retryLaterMs?: number;
  /** Most events in one batch (one delivery activity). */
  batchSize?: number;
  /**
   * LEGACY runs only (begun before the delivery loop): how often they looked at the log with
   * nothing queued. Runs on the loop wait for a wake-up signal; the worker's wake sweep
   * (workers/wake-sweep.ts) stands in for a signal that never came.
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
 * integration. It owns the OAuth tokens and the room, and delivers the account's events, which
 * wait in the event log (not here): woken by a signal, it reads the next batch's ids and posts the
 * batch in order with one activity. Handlers only record requests; the loop does all the IO, so
 * two refreshes never overlap. The state and the steps are the {@link IntegrationLoop}'s; this
 * wires handlers and runs the loop.
 */
export async function webexIntegration(input: IntegrationInput): Promise<IntegrationResult> {
  const entity = new IntegrationLoop(input);
  wireHandlers(entity);

  for (;;) {
    if (entity.uninstallRequested) break;
    const job = entity.nextAuthJob();
    if (job) {
      await entity.connect(job);
    } else if (entity.legacyRunRetiring() || entity.continueAsNewDue()) {
      if (await entity.readyToContinueAsNew()) {
        await continueAsNew<typeof webexIntegration>({
          accountId: entity.accountId,
          carried: entity.s,
          options: entity.options,
        });
      }
    } else if (entity.redeliveryDue()) {
      await entity.runRedeliveries();
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
function wireHandlers(entity: IntegrationLoop): void {
  setHandler(eventsAvailable, () => {
    entity.mayHaveEvents = true;
  });
  if (entity.legacy) {
    handleRedeliveryInHandler(entity.accountId, entity.s, () => {
      entity.mayHaveEvents = true;
    });
  } else {
    setHandler(redeliver, (request) => entity.requestRedelivery(request), {
      // Runs before anything is written to history: nothing is checked or changed when rejected.
      validator: (_request: RedeliverRequest) => refuseRedeliveryUnlessConnected(entity.s),
    });
  }
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
