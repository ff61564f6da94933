import {
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  allHandlersFinished,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { IntegrationWorkflowView } from '../../domain/integration/status';
import { BillsbyAccountId, IntegrationStatus } from '../../temporal/search-attributes';
import { workflowNow } from '../clock';
import {
  ALREADY_CONNECTED,
  beginAuthorization,
  completeAuthorization,
  eventsAvailable,
  getStatus,
  uninstall,
  type AuthorizationOutcome,
  type CompleteAuthorization,
} from './definitions';
import { eventLogActivities, failureMessage, oauthActivities, setupActivities } from './webex-api';
import { deliverNextBatch, nextBatch } from './batches';
import { refreshTokens } from './tokens';
import { handleRedelivery } from './redeliver';
import { initialState, tokensFrom, viewOf, type IntegrationState } from './state';
import { formatDuration } from '../summaries';

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

/** Said in the status when the user owns several candidate spaces (one is used; the others are not). */
export function roomNote(candidates: number): string | null {
  return candidates > 1
    ? `You created ${candidates} spaces titled "Billsby Data"; events go to the one shown here.`
    : null;
}

export interface IntegrationResult {
  view: IntegrationWorkflowView;
  state: IntegrationState;
}

/** Patch id: a failed attempt on a connected integration no longer sets status `failed`. */
const KEEP_CONNECTION_ON_FAILED_ATTEMPT = 'keep-connection-on-failed-attempt';

interface AuthJob extends CompleteAuthorization {
  codeVerifier: string;
  outcome?: AuthorizationOutcome['outcome'];
}

/** Everything the loop's steps share: the state, and the requests the handlers recorded. */
export interface IntegrationRun {
  accountId: string;
  options: IntegrationOptions;
  s: IntegrationState;
  /** Epoch ms before which no refresh or delivery is tried (a failure asked us to wait). */
  retryAt: number | null;
  /** We already refreshed once because of a 401 and have delivered nothing since. */
  refreshedFor401: boolean;
  setStatus(next: IntegrationState['status'], lastError?: string | null): void;
  /** Something needs the loop more than the running batch: it is cancelled. */
  interrupted(): boolean;
}

/**
 * `webex-integration:<accountId>`: the entity workflow of one Billsby account's Webex
 * integration. It owns the OAuth tokens and the room, and drives delivery of the account's
 * events, which wait in the event log (not here): on a wake-up signal or a timer it reads the
 * next batch's ids and runs one child workflow that posts the batch in order. Handlers only record
 * requests; the main loop does all the IO, one thing at a time, so two refreshes never overlap.
 */
export async function webexIntegration(input: IntegrationInput): Promise<IntegrationResult> {
  const { accountId } = input;
  const options = input.options ?? {};
  const s: IntegrationState = input.carried ?? initialState(input.previous);
  const authJobs: AuthJob[] = [];
  let uninstallRequested = false;
  // A fresh run (or one continued as new) looks at the log once before waiting for a signal.
  let mayHaveEvents = true;
  let publishedStatus: string | undefined;

  const publishStatus = () => {
    // The Web UI's "current details" (dynamic, unlike the start's summary): status and last error.
    setCurrentDetails(currentDetails(accountId, s));
    if (publishedStatus === s.status) return;
    if (publishedStatus !== undefined)
      log.info('integration status', { accountId, status: s.status, previous: publishedStatus });
    publishedStatus = s.status;
    upsertSearchAttributes([
      { key: IntegrationStatus, value: s.status },
      { key: BillsbyAccountId, value: accountId },
    ]);
  };
  publishStatus();

  const run: IntegrationRun = {
    accountId,
    options,
    s,
    retryAt: null,
    refreshedFor401: false,
    setStatus(next, lastError) {
      s.status = next;
      if (lastError !== undefined) s.lastError = lastError;
      publishStatus();
    },
    interrupted: () => uninstallRequested || authJobs.length > 0 || continueAsNewDue(),
  };

  setHandler(eventsAvailable, () => {
    mayHaveEvents = true;
  });

  handleRedelivery(accountId, s, () => {
    mayHaveEvents = true;
  });

  setHandler(getStatus, () => viewOf(accountId, s));

  setHandler(
    beginAuthorization,
    (request) => {
      s.pendingAuth = {
        stateNonce: request.stateNonce,
        codeVerifier: request.codeVerifier,
        expiresAt: request.expiresAt,
      };
      if (s.status === 'failed') run.setStatus('awaiting_authorization');
      return viewOf(accountId, s);
    },
    {
      // Rejected before history: a connect without `replace` leaves a connected integration as it is.
      validator: (request) => {
        if (s.status === 'connected' && !request.replace) {
          throw ApplicationFailure.create({
            type: ALREADY_CONNECTED,
            message:
              'the integration is connected; connect again with {"replace": true} to replace its Webex user',
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    completeAuthorization,
    async (request) => {
      const pending = s.pendingAuth!;
      s.pendingAuth = null; // single use, whatever the outcome
      const job: AuthJob = { ...request, codeVerifier: pending.codeVerifier };
      authJobs.push(job);
      await condition(() => job.outcome !== undefined);
      return { outcome: job.outcome!, view: viewOf(accountId, s) };
    },
    {
      // Runs before anything is written to history: a forged, reused or expired state changes nothing.
      validator: (request) => {
        const pending = s.pendingAuth;
        if (!pending || pending.stateNonce !== request.stateNonce)
          throw new Error('unknown or already used state');
        if (Date.parse(pending.expiresAt) <= workflowNow()) throw new Error('expired state');
      },
    },
  );

  setHandler(uninstall, async () => {
    uninstallRequested = true;
    await condition(() => s.status === 'uninstalled');
    return viewOf(accountId, s);
  });

  /**
   * A new attempt failed. An integration that already works keeps its tokens, room and status (a
   * declined or forged attempt must not take it down); the failure is reported on the attempt.
   */
  function failAttempt(job: AuthJob, message: string) {
    job.outcome = 'failed';
    const hadConnection = s.status === 'connected' || s.status === 'reauthorization_required';
    if (patched(KEEP_CONNECTION_ON_FAILED_ATTEMPT) && hadConnection) {
      s.lastAttempt = { outcome: 'failed', error: message, at: new Date(workflowNow()).toISOString() };
      return;
    }
    run.setStatus('failed', message);
  }

  async function connect(job: AuthJob) {
    if (job.error || !job.code) {
      failAttempt(
        job,
        job.error === 'access_denied'
          ? 'The Webex authorization was declined. Click Integrate to try again.'
          : `Webex returned an error instead of an authorization code (${job.error ?? 'no code'}).`,
      );
      return;
    }
    try {
      const grant = await oauthActivities.exchangeWebexCode({
        code: job.code,
        codeVerifier: job.codeVerifier,
      });
      const tokens = tokensFrom(grant, workflowNow(), null);
      const me = await setupActivities.identifyWebexUser({ accessToken: tokens.accessToken });
      const room = await setupActivities.findOrCreateBillsbyRoom({
        accessToken: tokens.accessToken,
        personId: me.id,
        preferredRoomId: s.room?.id,
      });
      if (s.room?.id !== room.id) s.lastMessageId = null;
      Object.assign(s, { tokens, connectedAs: me, room: { id: room.id, title: room.title } });
      s.roomNote = roomNote(room.candidates);
      s.lastAttempt = null;
      run.retryAt = null;
      run.refreshedFor401 = false;
      mayHaveEvents = true; // events may have waited while we were not connected
      run.setStatus('connected', null);
      job.outcome = 'connected';
    } catch (err) {
      failAttempt(job, `Connecting to Webex failed: ${failureMessage(err)}`);
    }
  }

  const canDeliver = () => s.status === 'connected' && s.tokens !== null && s.room !== null;
  /** What the loop's timer waits for, in the Web UI's words. */
  const waitSummary = (wakeAt: number, waitMs: number) =>
    `Wait ${formatDuration(waitMs)}, then ${
      wakeAt === run.retryAt
        ? 'try again (the last Webex call failed)'
        : canDeliver() && wakeAt === s.tokens!.refreshAt
          ? 'refresh the Webex token (before it expires)'
          : 'look at the event log (unless a webhook wakes us first)'
    }`;
  const waiting = () => run.retryAt !== null && run.retryAt > workflowNow();
  const refreshDue = () => canDeliver() && s.tokens!.refreshAt <= workflowNow();
  const continueAsNewDue = () =>
    authJobs.length === 0 &&
    !uninstallRequested &&
    (workflowInfo().continueAsNewSuggested ||
      workflowInfo().historyLength > (options.continueAsNewAfter ?? 10_000));

  for (;;) {
    if (uninstallRequested) break;
    const job = authJobs.shift();
    if (job) {
      await connect(job);
      continue;
    }
    if (continueAsNewDue()) {
      // Handlers that wait for this loop (authorization, uninstall) must not deadlock the wait.
      await condition(() => allHandlersFinished() || authJobs.length > 0 || uninstallRequested);
      if (authJobs.length === 0 && !uninstallRequested) {
        await continueAsNew<typeof webexIntegration>({ accountId, carried: s, options });
      }
      continue;
    }
    if (!waiting() && refreshDue()) {
      await refreshTokens(run);
      continue;
    }
    if (!waiting() && canDeliver() && mayHaveEvents) {
      // Cleared before reading: a signal that arrives during the read asks for another look.
      mayHaveEvents = false;
      const batch = await nextBatch(run);
      if (batch.events.length > 0) {
        const delivered = await deliverNextBatch(run, batch.events);
        // Look again at once when more were queued, or the batch did not finish; events that
        // arrived meanwhile sent their own wake-up signal, which has set the flag again.
        if (batch.more || !delivered) mayHaveEvents = true;
      }
      continue;
    }
    const pollAt = canDeliver() ? workflowNow() + (options.idlePollMs ?? 60_000) : Infinity;
    const wakeAt = Math.min(run.retryAt ?? Infinity, canDeliver() ? s.tokens!.refreshAt : Infinity, pollAt);
    const ready = () =>
      uninstallRequested ||
      authJobs.length > 0 ||
      (!waiting() && canDeliver() && mayHaveEvents) ||
      continueAsNewDue();
    setCurrentDetails(currentDetails(accountId, s));
    const waitMs = Math.max(1, wakeAt - workflowNow());
    const woken =
      wakeAt === Infinity
        ? await condition(ready).then(() => true)
        : await condition(ready, waitMs, { summary: waitSummary(wakeAt, waitMs) });
    if (!woken && pollAt <= workflowNow()) mayHaveEvents = true;
  }

  for (const job of authJobs.splice(0)) job.outcome = 'failed';
  // Webhooks stop being accepted and what is still queued is kept in the log as `dropped`.
  await eventLogActivities.closeAccountEventLog({ accountId });
  s.tokens = null;
  s.pendingAuth = null;
  run.setStatus('uninstalled');
  await condition(allHandlersFinished);
  return { view: viewOf(accountId, s), state: s };
}

/** One line for the Web UI's current details: status, space, and what went wrong last. */
function currentDetails(accountId: string, s: IntegrationState): string {
  const room = s.room ? 'posting to the "Billsby Data" space' : 'no space yet';
  const error = s.lastError ? ` Last error: ${s.lastError}` : '';
  return `Billsby account **${accountId}**: ${s.status.replace(/_/g, ' ')}, ${room}.${error}`;
}
