import { condition, log, patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { BillsbyAccountId, IntegrationStatus } from '../../temporal/search-attributes';
import { REFRESH_REFUSED } from '../../temporal/failures';
import { workflowNow } from '../clock';
import { productMetrics } from '../metric-sinks';
import { integrationDetails } from '../summaries';
import { connectWebex, type AuthJob } from './connect';
import type { AuthorizationOutcome, BeginAuthorization, CompleteAuthorization } from './definitions';
import type { IntegrationInput, IntegrationOptions } from './integration-input';
import { DELIVERY_LOOP_PATCH, KEEP_CONNECTION_ON_FAILED_ATTEMPT } from './patches';
import { initialState, roomNote, tokensFrom, viewOf, type IntegrationState } from './state';
import { failureMessage, failureType, isFailure, refreshActivities } from './webex-api';

/**
 * One Billsby account's Webex integration as a small state machine, its lifecycle half: the state
 * that is carried across continue-as-new (`s`), the authorization requests the handlers recorded,
 * and the connect and token steps. Status changes only through {@link setStatus}, which also
 * publishes it (search attributes, the Web UI's current details); a failure that asks us to wait
 * goes through {@link retryLater}. Delivery is the loop's half (integration-loop.ts).
 */
export class IntegrationEntity {
  readonly accountId: string;
  readonly options: IntegrationOptions;
  readonly s: IntegrationState;
  /**
   * This run began before the delivery loop (its history has no `delivery-loop-v2` marker): it
   * replays the child-per-batch code it was written with, then continues as new into the loop.
   */
  readonly legacy: boolean;
  /** Epoch ms before which no refresh or delivery is tried (a failure asked us to wait). */
  retryAt: number | null = null;
  /** We already refreshed once because of a 401 and have delivered nothing since. */
  refreshedFor401 = false;
  /** A fresh run (or one continued as new) looks at the log once before waiting for a signal. */
  mayHaveEvents = true;
  uninstallRequested = false;
  protected readonly authJobs: AuthJob[] = [];
  private publishedStatus: string | undefined;

  constructor(input: IntegrationInput) {
    this.accountId = input.accountId;
    this.options = input.options ?? {};
    this.s = input.carried ?? initialState(input.previous);
    // First thing in a run, before any command: a new run records the marker, an old one has none.
    this.legacy = !patched(DELIVERY_LOOP_PATCH);
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
  waiting(): boolean {
    return this.retryAt !== null && this.retryAt > workflowNow();
  }
  refreshDue(): boolean {
    return !this.waiting() && this.canDeliver() && this.s.tokens!.refreshAt <= workflowNow();
  }
  // ---- The steps ----

  /** Exchanges the code, identifies the user, finds (or creates) the room: connected, or the attempt failed. */
  async connect(job: AuthJob): Promise<void> {
    const outcome = await connectWebex(job, this.s.room?.id);
    if ('failed' in outcome) return this.failAttempt(job, outcome.failed);
    const { tokens, connectedAs, room, candidates } = outcome.connected;
    const s = this.s;
    if (s.room?.id !== room.id) s.lastMessageId = null;
    Object.assign(s, { tokens, connectedAs, room });
    s.roomNote = roomNote(candidates);
    s.lastAttempt = null;
    this.retryAt = null;
    this.refreshedFor401 = false;
    this.mayHaveEvents = true; // events may have waited while we were not connected
    this.setStatus('connected', null);
    job.outcome = 'connected';
  }

  /**
   * A new attempt failed. An integration that already works keeps its tokens, room and status (a
   * declined or forged attempt must not take it down); the failure is reported on the attempt.
   */
  private failAttempt(job: AuthJob, message: string): void {
    job.outcome = 'failed';
    const hadConnection = this.s.status === 'connected' || this.s.status === 'reauthorization_required';
    // Runs on the loop always keep it; a legacy run decides as its history did.
    const keep = this.legacy ? patched(KEEP_CONNECTION_ON_FAILED_ATTEMPT) : true;
    if (keep && hadConnection) {
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
}
