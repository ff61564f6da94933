import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setHandler,
} from '@temporalio/workflow';
import { workflowNow } from '../clock';
import {
  ALREADY_CONNECTED,
  beginAuthorization,
  completeAuthorization,
  eventsAvailable,
  getStatus,
  redeliver,
  uninstall,
} from './definitions';
import type { IntegrationInput, IntegrationResult } from './integration-input';
import { IntegrationLoop } from './integration-loop';
import { handleRedeliveryInHandler } from './legacy/redeliver-in-handler';
import { refuseRedeliveryUnlessConnected } from './redelivery';
import type { RedeliverRequest } from '../../activities/webex/redeliver';

export { roomNote } from './state';

export type { IntegrationInput, IntegrationOptions, IntegrationResult } from './integration-input';

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
