import {
  allHandlersFinished,
  condition,
  log,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { BillsbyAccountId, IntegrationStatus } from '../../temporal/search-attributes';
import { REFRESH_REFUSED } from '../../temporal/failures';
import { workflowNow } from '../clock';
import { productMetrics } from '../metric-sinks';
import { integrationDetails, integrationWaitSummary } from '../summaries';
import { deliverNextBatch, nextBatch } from './batches';
import type { AuthorizationOutcome, BeginAuthorization, CompleteAuthorization } from './definitions';
import type { IntegrationInput, IntegrationOptions } from './integration';
import { initialState, roomNote, tokensFrom, viewOf, type IntegrationState } from './state';
import {
  eventLogActivities,
  failureMessage,
  failureType,
  isFailure,
  oauthActivities,
  refreshActivities,
  setupActivities,
} from './webex-api';

/** Patch id: a failed attempt on a connected integration no longer sets status `failed`. */
const KEEP_CONNECTION_ON_FAILED_ATTEMPT = 'keep-connection-on-failed-attempt';

interface AuthJob extends CompleteAuthorization {
  codeVerifier: string;
  outcome?: AuthorizationOutcome['outcome'];
}

/**
 * One Billsby account's Webex integration as a small state machine: the state that is carried
 * across continue-as-new (`s`), the requests the handlers recorded, and the steps the workflow's
 * loop runs one at a time (connect, refresh, deliver, wait, uninstall). Status changes only through
 * {@link setStatus}, which also publishes it (search attributes, the Web UI's current details);
 * a failure that asks us to wait goes through {@link retryLater}.
 */
export class IntegrationEntity {
  readonly accountId: string;
  readonly options: IntegrationOptions;
  readonly s: IntegrationState;
  /** Epoch ms before which no refresh or delivery is tried (a failure asked us to wait). */
  retryAt: number | null = null;
  /** We already refreshed once because of a 401 and have delivered nothing since. */
  refreshedFor401 = false;
  /** A fresh run (or one continued as new) looks at the log once before waiting for a signal. */
  mayHaveEvents = true;
  uninstallRequested = false;
  private readonly authJobs: AuthJob[] = [];
  private publishedStatus: string | undefined;

  constructor(input: IntegrationInput) {
    this.accountId = input.accountId;
    this.options = input.options ?? {};
    this.s = input.carried ?? initialState(input.previous);
    this.publish();
  }

  get view() {
    return viewOf(this.accountId, this.s);
  }

  /** The one way the status changes; `reason` (when given) becomes `lastError`. */
  setStatus(next: IntegrationState['status'], reason?: string | null): void {
    this.s.status = next;
    if (reason !== undefined) this.s.lastError = reason;
    this.publish();
  }

  /** A refresh or delivery failed for a reason other than Webex's word: try again later. */
  retryLater(reason: string): void {
    this.s.lastError = reason;
    this.retryAt = workflowNow() + (this.options.retryLaterMs ?? 60_000);
    setCurrentDetails(integrationDetails(this.accountId, this.s));
  }

  /** The grant is gone: tokens dropped, the user must connect again. Answers false (not refreshed). */
  reauthorize(reason: string): false {
    if (this.s.status !== 'reauthorization_required') productMetrics.reauthorizationRequired();
    this.s.tokens = null;
    this.setStatus('reauthorization_required', reason);
    return false;
  }

  private publish(): void {
    // The Web UI's "current details" (dynamic, unlike the start's summary): status and last error.
    setCurrentDetails(integrationDetails(this.accountId, this.s));
    if (this.publishedStatus === this.s.status) return;
    const previous = this.publishedStatus;
    if (previous !== undefined)
      log.info('integration status', { accountId: this.accountId, status: this.s.status, previous });
    this.publishedStatus = this.s.status;
    upsertSearchAttributes([
      { key: IntegrationStatus, value: this.s.status },
      { key: BillsbyAccountId, value: this.accountId },
    ]);
  }

  // ---- What the handlers record (they do no IO; the loop does) ----

  beginAuthorization(request: BeginAuthorization) {
    const { stateNonce, codeVerifier, expiresAt } = request;
    this.s.pendingAuth = { stateNonce, codeVerifier, expiresAt };
    if (this.s.status === 'failed') this.setStatus('awaiting_authorization');
    return this.view;
  }

  async completeAuthorization(request: CompleteAuthorization): Promise<AuthorizationOutcome> {
    const pending = this.s.pendingAuth!;
    this.s.pendingAuth = null; // single use, whatever the outcome
    const job: AuthJob = { ...request, codeVerifier: pending.codeVerifier };
    this.authJobs.push(job);
    await condition(() => job.outcome !== undefined);
    return { outcome: job.outcome!, view: this.view };
  }

  async requestUninstall() {
    this.uninstallRequested = true;
    await condition(() => this.s.status === 'uninstalled');
    return this.view;
  }

  nextAuthJob(): AuthJob | undefined {
    return this.authJobs.shift();
  }

  // ---- When each step is due ----

  canDeliver(): boolean {
    return this.s.status === 'connected' && this.s.tokens !== null && this.s.room !== null;
  }
  private waiting(): boolean {
    return this.retryAt !== null && this.retryAt > workflowNow();
  }
  refreshDue(): boolean {
    return !this.waiting() && this.canDeliver() && this.s.tokens!.refreshAt <= workflowNow();
  }
  deliveryDue(): boolean {
    return !this.waiting() && this.canDeliver() && this.mayHaveEvents;
  }
  continueAsNewDue(): boolean {
    const info = workflowInfo();
    return (
      this.authJobs.length === 0 &&
      !this.uninstallRequested &&
      (info.continueAsNewSuggested || info.historyLength > (this.options.continueAsNewAfter ?? 10_000))
    );
  }
  /** Something needs the loop more than the running batch: it is cancelled. */
  interrupted(): boolean {
    return this.uninstallRequested || this.authJobs.length > 0 || this.continueAsNewDue();
  }

  // ---- The steps ----

  /** Exchanges the code, identifies the user, finds (or creates) the room: connected, or the attempt failed. */
  async connect(job: AuthJob): Promise<void> {
    if (job.error || !job.code) {
      this.failAttempt(
        job,
        job.error === 'access_denied'
          ? 'The Webex authorization was declined. Click Integrate to try again.'
          : `Webex returned an error instead of an authorization code (${job.error ?? 'no code'}).`,
      );
      return;
    }
    const s = this.s;
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
      this.retryAt = null;
      this.refreshedFor401 = false;
      this.mayHaveEvents = true; // events may have waited while we were not connected
      this.setStatus('connected', null);
      job.outcome = 'connected';
    } catch (err) {
      this.failAttempt(job, `Connecting to Webex failed: ${failureMessage(err)}`);
    }
  }

  /**
   * A new attempt failed. An integration that already works keeps its tokens, room and status (a
   * declined or forged attempt must not take it down); the failure is reported on the attempt.
   */
  private failAttempt(job: AuthJob, message: string): void {
    job.outcome = 'failed';
    const hadConnection = this.s.status === 'connected' || this.s.status === 'reauthorization_required';
    if (patched(KEEP_CONNECTION_ON_FAILED_ATTEMPT) && hadConnection) {
      this.s.lastAttempt = { outcome: 'failed', error: message, at: new Date(workflowNow()).toISOString() };
      return;
    }
    this.setStatus('failed', message);
  }

  /**
   * Refreshes the Webex tokens. Answers false when they could not be refreshed: Webex refused the
   * refresh token (the integration then needs reauthorization; events keep waiting in the log), or
   * Webex is unwell (try again later, keeping the tokens).
   */
  async refreshTokens(): Promise<boolean> {
    const tokens = this.s.tokens!;
    if (!tokens.refreshToken)
      return this.reauthorize('Webex gave no refresh token and the access token expired.');
    try {
      const grant = await refreshActivities.refreshWebexToken({ refreshToken: tokens.refreshToken });
      this.s.tokens = tokensFrom(grant, workflowNow(), tokens.refreshToken);
      this.retryAt = null;
      log.info('Webex token refreshed', {
        accountId: this.accountId,
        expiresAt: new Date(this.s.tokens.expiresAt).toISOString(),
      });
      return true;
    } catch (err) {
      if (isFailure(err, ...REFRESH_REFUSED)) {
        const type = failureType(err);
        return this.reauthorize(
          `Webex refused the refresh token (${type}). Connect again to resume delivery.`,
        );
      }
      this.retryLater(`Token refresh failed, will retry: ${failureMessage(err)}`);
      return false;
    }
  }

  /** Reads the next batch and delivers it (workflows/webex/batches.ts). */
  async deliverQueued(): Promise<void> {
    // Cleared before reading: a signal that arrives during the read asks for another look.
    this.mayHaveEvents = false;
    const batch = await nextBatch(this);
    if (batch.events.length > 0) {
      const delivered = await deliverNextBatch(this, batch.events);
      // Look again at once when more were queued, or the batch did not finish; events that
      // arrived meanwhile sent their own wake-up signal, which has set the flag again.
      if (batch.more || !delivered) this.mayHaveEvents = true;
    }
  }

  /** Waits for a request, a wake-up, a retry, the refresh time, or the idle poll, whichever is first. */
  async waitForWork(): Promise<void> {
    const canDeliver = this.canDeliver();
    const pollAt = canDeliver ? workflowNow() + (this.options.idlePollMs ?? 60_000) : Infinity;
    const wakeAt = Math.min(
      this.retryAt ?? Infinity,
      canDeliver ? this.s.tokens!.refreshAt : Infinity,
      pollAt,
    );
    const ready = () =>
      this.uninstallRequested || this.authJobs.length > 0 || this.deliveryDue() || this.continueAsNewDue();
    setCurrentDetails(integrationDetails(this.accountId, this.s));
    const waitMs = Math.max(1, wakeAt - workflowNow());
    const woken =
      wakeAt === Infinity
        ? await condition(ready).then(() => true)
        : await condition(ready, waitMs, {
            summary: integrationWaitSummary(waitMs, this.wakeReason(wakeAt)),
          });
    if (!woken && pollAt <= workflowNow()) this.mayHaveEvents = true;
  }

  private wakeReason(wakeAt: number): 'retry' | 'refresh' | 'poll' {
    if (wakeAt === this.retryAt) return 'retry';
    return this.canDeliver() && wakeAt === this.s.tokens!.refreshAt ? 'refresh' : 'poll';
  }

  /** Waits until no handler waits for the loop; answers whether continue-as-new may go ahead. */
  async readyToContinueAsNew(): Promise<boolean> {
    // Handlers that wait for this loop (authorization, uninstall) must not deadlock the wait.
    await condition(() => allHandlersFinished() || this.authJobs.length > 0 || this.uninstallRequested);
    return this.authJobs.length === 0 && !this.uninstallRequested;
  }

  /** Uninstall: stop taking webhooks, keep what is queued as `dropped`, forget the tokens. */
  async finishUninstall(): Promise<void> {
    for (const job of this.authJobs.splice(0)) job.outcome = 'failed';
    // Webhooks stop being accepted and what is still queued is kept in the log as `dropped`.
    await eventLogActivities.closeAccountEventLog({ accountId: this.accountId });
    this.s.tokens = null;
    this.s.pendingAuth = null;
    this.setStatus('uninstalled');
  }
}
