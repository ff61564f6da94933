import {
  condition,
  continueAsNew,
  isCancellation,
  setHandler,
  allHandlersFinished,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { SeenIds } from '../../domain/integration/seen-ids';
import type { IntegrationView } from '../../domain/integration/status';
import { BillsbyAccountId, IntegrationStatus } from '../../temporal/search-attributes';
import { workflowNow, workflowNowIso } from '../clock';
import {
  beginAuthorization,
  completeAuthorization,
  eventReceived,
  getStatus,
  uninstall,
  type AuthorizationOutcome,
  type CompleteAuthorization,
} from './definitions';
import {
  failureMessage,
  failureType,
  oauthActivities,
  refreshActivities,
  setupActivities,
} from './webex-api';
import { runDeliveryChild } from './run-delivery';
import {
  initialState,
  MAX_RECENT_FAILURES,
  queueBytes,
  tokensFrom,
  viewOf,
  type IntegrationState,
} from './state';

export interface IntegrationInput {
  accountId: string;
  /** State from the previous run (continue-as-new) or from an uninstalled integration. */
  carried?: IntegrationState;
  /** A later re-integration passes the earlier run's final state: counts, dedupe window, room. */
  previous?: Partial<IntegrationState>;
  options?: IntegrationOptions;
}

export interface IntegrationOptions {
  /** Continue-as-new once history passes this many events (the server's suggestion also counts). */
  continueAsNewAfter?: number;
  /** Wait before retrying a refresh or delivery that failed for a reason other than Webex's word. */
  retryLaterMs?: number;
}

export interface IntegrationResult {
  view: IntegrationView;
  state: IntegrationState;
}

interface AuthJob extends CompleteAuthorization {
  codeVerifier: string;
  outcome?: AuthorizationOutcome['outcome'];
}

/** Skew allowed between our clock and Webex's `created` when looking for a post that landed. */
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_CONTINUE_AS_NEW_QUEUE_BYTES = 512 * 1024;

/**
 * `webex-integration:<accountId>`: the entity workflow of one Billsby account's Webex integration.
 * It owns the OAuth tokens, the room and the ordered event queue. Handlers only record requests;
 * the main loop does all the IO, one thing at a time, so two refreshes can never overlap.
 */
export async function webexIntegration(input: IntegrationInput): Promise<IntegrationResult> {
  const { accountId } = input;
  const options = input.options ?? {};
  const s: IntegrationState = input.carried ?? initialState(input.previous);
  const seen = new SeenIds(s.seen);
  let queuedBytes = queueBytes(s.queue);
  const authJobs: AuthJob[] = [];
  let uninstallRequested = false;
  let retryAt: number | null = null;
  let publishedStatus: string | undefined;

  const publishStatus = () => {
    if (publishedStatus === s.status) return;
    publishedStatus = s.status;
    upsertSearchAttributes([
      { key: IntegrationStatus, value: s.status },
      { key: BillsbyAccountId, value: accountId },
    ]);
  };
  publishStatus();

  setHandler(eventReceived, (event) => {
    if (seen.has(event.Id)) {
      s.counts.duplicates++;
      return;
    }
    seen.add(event.Id);
    s.queue.push(event);
    queuedBytes += queueBytes([event]);
    s.counts.received++;
  });

  setHandler(getStatus, () => viewOf(accountId, s));

  setHandler(beginAuthorization, (request) => {
    s.pendingAuth = { ...request };
    if (s.status === 'failed') s.status = 'awaiting_authorization';
    publishStatus();
    return viewOf(accountId, s);
  });

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

  const fail = (reason: string) => {
    s.status = 'failed';
    s.lastError = reason;
    publishStatus();
  };

  async function connect(job: AuthJob) {
    if (job.error || !job.code) {
      fail(
        job.error === 'access_denied'
          ? 'The Webex authorization was declined. Click Integrate to try again.'
          : `Webex returned an error instead of an authorization code (${job.error ?? 'no code'}).`,
      );
      job.outcome = 'failed';
      return;
    }
    try {
      const grant = await oauthActivities.exchangeWebexCode({
        code: job.code,
        codeVerifier: job.codeVerifier,
      });
      const tokens = tokensFrom(grant, workflowNow(), null);
      const me = await setupActivities.identifyWebexUser({ accessToken: tokens.accessToken });
      const room = await setupActivities.findOrCreateBillsbyRoom({ accessToken: tokens.accessToken });
      if (s.room?.id !== room.id) s.lastMessageId = null;
      Object.assign(s, {
        tokens,
        connectedAs: me,
        room: { id: room.id, title: room.title },
        status: 'connected',
        lastError: null,
      });
      retryAt = null;
      if (s.head) s.head.refreshedFor401 = false;
      publishStatus();
      job.outcome = 'connected';
    } catch (err) {
      fail(`Connecting to Webex failed: ${failureMessage(err)}`);
      job.outcome = 'failed';
    }
  }

  /** Returns false when the refresh token is no longer accepted. */
  async function refresh(): Promise<boolean> {
    const tokens = s.tokens!;
    if (!tokens.refreshToken) return reauthorize('Webex gave no refresh token and the access token expired.');
    try {
      const grant = await refreshActivities.refreshWebexToken({ refreshToken: tokens.refreshToken });
      s.tokens = tokensFrom(grant, workflowNow(), tokens.refreshToken);
      retryAt = null;
      return true;
    } catch (err) {
      const type = failureType(err);
      if (type === 'Webex.invalid_grant' || type === 'Webex.unauthorized' || type === 'Webex.bad_request') {
        return reauthorize(`Webex refused the refresh token (${type}). Connect again to resume delivery.`);
      }
      // Webex is unwell: keep the tokens, try again later; events keep queueing meanwhile.
      s.lastError = `Token refresh failed, will retry: ${failureMessage(err)}`;
      retryAt = workflowNow() + (options.retryLaterMs ?? 60_000);
      return false;
    }
  }

  function reauthorize(reason: string): false {
    s.tokens = null;
    s.status = 'reauthorization_required';
    s.lastError = reason;
    publishStatus();
    return false;
  }

  async function deliverHead() {
    const event = s.queue[0]!;
    if (s.head?.eventId !== event.Id) {
      s.head = { eventId: event.Id, partsDone: 0, firstAttemptAt: workflowNowIso(), attempted: false };
    }
    const head = s.head;
    const verifyFirst = head.attempted;
    head.attempted = true;
    try {
      const result = await runDeliveryChild(
        {
          accountId,
          event,
          accessToken: s.tokens!.accessToken,
          roomId: s.room!.id,
          personId: s.connectedAs!.id,
          startPart: head.partsDone,
          afterMessageId: s.lastMessageId,
          notBefore: new Date(Date.parse(head.firstAttemptAt) - CLOCK_SKEW_MS).toISOString(),
          verifyFirst,
        },
        () => uninstallRequested || authJobs.length > 0 || continueAsNewDue(),
      );
      if (!result) return; // interrupted: the loop decides what comes next
      s.lastMessageId = result.lastMessageId;
      if (result.outcome === 'delivered') {
        dequeueHead();
        s.head = null;
        s.counts.delivered++;
        s.lastError = null;
        return;
      }
      head.partsDone = result.partsDone;
      head.attempted = false; // the child told us exactly what it posted
      if (result.outcome === 'unauthorized') {
        // One refresh; if Webex still says 401 right after, the grant is gone for good.
        if (head.refreshedFor401) reauthorize('Webex rejected a freshly refreshed token. Connect again.');
        else if (await refresh()) head.refreshedFor401 = true;
        return;
      }
      const room = await setupActivities.findOrCreateBillsbyRoom({ accessToken: s.tokens!.accessToken });
      s.room = { id: room.id, title: room.title };
      s.lastMessageId = null;
    } catch (err) {
      if (isCancellation(err)) return; // uninstall or a new authorization interrupted it; the loop decides
      const type = failureType(err);
      if (type === 'Webex.bad_request') {
        dequeueHead();
        s.head = null;
        s.counts.failed++;
        s.recentFailures = [
          ...s.recentFailures,
          { eventId: event.Id, eventType: event.Type, reason: failureMessage(err), at: workflowNowIso() },
        ].slice(-MAX_RECENT_FAILURES);
        return;
      }
      if (type === 'Webex.unauthorized') {
        await refresh();
        return;
      }
      s.lastError = `Delivery of event ${event.Id} failed, will retry: ${failureMessage(err)}`;
      retryAt = workflowNow() + (options.retryLaterMs ?? 60_000);
    }
  }

  function dequeueHead() {
    const event = s.queue.shift();
    if (event) queuedBytes -= queueBytes([event]);
  }

  const canDeliver = () => s.status === 'connected' && s.tokens !== null && s.room !== null;
  const waiting = () => retryAt !== null && retryAt > workflowNow();
  const refreshDue = () => canDeliver() && s.tokens!.refreshAt <= workflowNow();
  const continueAsNewDue = () =>
    authJobs.length === 0 &&
    !uninstallRequested &&
    queuedBytes < MAX_CONTINUE_AS_NEW_QUEUE_BYTES &&
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
        s.seen = seen.toJSON();
        await continueAsNew<typeof webexIntegration>({ accountId, carried: s, options });
      }
      continue;
    }
    if (!waiting() && refreshDue()) {
      await refresh();
      continue;
    }
    if (!waiting() && canDeliver() && s.queue.length > 0) {
      await deliverHead();
      continue;
    }
    const wakeAt = Math.min(retryAt ?? Infinity, canDeliver() ? s.tokens!.refreshAt : Infinity);
    const ready = () =>
      uninstallRequested ||
      authJobs.length > 0 ||
      (!waiting() && canDeliver() && s.queue.length > 0) ||
      continueAsNewDue();
    if (wakeAt === Infinity) await condition(ready);
    else await condition(ready, Math.max(1, wakeAt - workflowNow()));
  }

  for (const job of authJobs.splice(0)) job.outcome = 'failed';
  s.counts.dropped += s.queue.length;
  s.queue = [];
  s.head = null;
  s.tokens = null;
  s.pendingAuth = null;
  s.status = 'uninstalled';
  s.seen = seen.toJSON();
  publishStatus();
  await condition(allHandlersFinished);
  return { view: viewOf(accountId, s), state: s };
}
