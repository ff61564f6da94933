import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  isCancellation,
  patched,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import type { RedeliverRequest, RedeliverResult } from '../../activities/webex/redeliver';
import type { QueuedRef } from '../../eventlog/types';
import { workflowNow } from '../clock';
import { batchActivitySummary, integrationDetails } from '../summaries';
import type { DeliveryResult } from './batch-result';
import { DEFAULT_BATCH_SIZE, peekNextBatch, runInterruptibly } from './batches';
import { REDELIVER_NOT_CONNECTED } from './definitions';
import { IntegrationEntity } from './integration-entity';
import { legacyDeliverBatch, legacyNextBatch, type LegacyDeliveryHost } from './legacy/child-batches';
import type { DeliveryInput } from './legacy/delivery-workflow';
import { RETIRE_LEGACY_RUN_PATCH } from './patches';
import { checkAndRequeue } from './redelivery';
import { roomNote } from './state';
import { Alarm, legacyWaitForWork } from './wait-for-work';
import { eventLogActivities, failureMessage, loopDeliveryActivities, setupActivities } from './webex-api';

/** A run continues as new at this age even when idle, so its history and markers never stay forever. */
export const DEFAULT_MAX_RUN_AGE_MS = 7 * 24 * 3_600_000;

interface RedeliveryJob {
  request: RedeliverRequest;
  outcome?: { value: RedeliverResult } | { error: unknown };
}

/**
 * The integration's delivery loop on top of its lifecycle ({@link IntegrationEntity}): when each
 * step is due, one batch at a time posted by one activity, redelivery requests, the wait for work
 * (a signal, never a poll), continue-as-new, and uninstall. A legacy run (begun before the loop)
 * replays its child-per-batch steps and then continues as new into this loop.
 */
export class IntegrationLoop extends IntegrationEntity {
  private readonly redeliveries: RedeliveryJob[] = [];
  /** The last batch stopped because Billsby refused the account's credentials. */
  private heldByBillsby = false;
  private readonly alarms = {
    retry: new Alarm('retry'),
    refresh: new Alarm('refresh'),
    renew: new Alarm('renew'),
  };

  /** The `redeliver` update on the loop: recorded here, run by the loop (also during a batch). */
  async requestRedelivery(request: RedeliverRequest): Promise<RedeliverResult> {
    const job: RedeliveryJob = { request };
    this.redeliveries.push(job);
    await condition(() => job.outcome !== undefined);
    if ('error' in job.outcome!) throw job.outcome.error;
    return job.outcome!.value;
  }

  deliveryDue(): boolean {
    return !this.waiting() && this.canDeliver() && this.mayHaveEvents;
  }
  redeliveryDue(): boolean {
    return this.redeliveries.length > 0;
  }
  /** When this run continues as new even if nothing else happens (never for a legacy run). */
  renewAt(): number {
    if (this.legacy) return Infinity;
    return workflowInfo().runStartTime.getTime() + (this.options.maxRunAgeMs ?? DEFAULT_MAX_RUN_AGE_MS);
  }
  continueAsNewDue(): boolean {
    const info = workflowInfo();
    return (
      this.authJobs.length === 0 &&
      this.redeliveries.length === 0 &&
      !this.uninstallRequested &&
      (info.continueAsNewSuggested ||
        info.historyLength > (this.options.continueAsNewAfter ?? 10_000) ||
        this.renewAt() <= workflowNow())
    );
  }
  /**
   * A run begun before the delivery loop, now past the history it was written with: it continues
   * as new into the loop at its first step between batches (the marker makes this replay).
   */
  legacyRunRetiring(): boolean {
    return (
      this.legacy &&
      this.authJobs.length === 0 &&
      !this.uninstallRequested &&
      patched(RETIRE_LEGACY_RUN_PATCH)
    );
  }
  /** Something needs the loop more than the running batch: it is cancelled. */
  interrupted(): boolean {
    return this.uninstallRequested || this.authJobs.length > 0 || this.continueAsNewDue();
  }

  /**
   * Reads the next batch's ids from the log and posts it with one activity (see batches.ts). An
   * interruption (uninstall, a new authorization, continue-as-new) cancels it between posts.
   */
  async deliverQueued(): Promise<void> {
    // Cleared before reading: a signal that arrives during the read asks for another look.
    this.mayHaveEvents = false;
    if (this.legacy) return this.legacyDeliverQueued();
    const limit = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    const batch = await peekNextBatch(this.accountId, limit);
    if (batch.length === 0) return;
    // The child's extra field (its heartbeat timeout) is the activity's option here, not its input.
    const { heartbeatTimeoutMs: _childOnly, ...input } = this.batchInput(batch);
    const delivery = loopDeliveryActivities(this.options.heartbeatTimeoutMs ?? 30_000);
    const finished = await this.settleBatch(() =>
      runInterruptibly(
        () =>
          delivery.deliverQueuedEvents.executeWithOptions({ summary: batchActivitySummary(batch) }, [input]),
        () => this.interrupted(),
        { pending: () => this.redeliveryDue(), run: () => this.runRedeliveries() },
      ),
    );
    // Look again at once when the batch was full or did not finish; events that arrived
    // meanwhile sent their own wake-up signal, which has set the flag again. Not while Billsby
    // refuses the credentials: the queue waits for a wake-up (new credentials, a new event, the sweep).
    if ((batch.length === limit || !finished) && !this.heldByBillsby) this.mayHaveEvents = true;
  }

  private batchInput(batch: QueuedRef[], pipelinedAfter?: number): DeliveryInput {
    const { s } = this;
    return {
      accountId: this.accountId,
      fromSeq: batch[0]!.seq,
      toSeq: batch[batch.length - 1]!.seq,
      accessToken: s.tokens!.accessToken,
      roomId: s.room!.id,
      personId: s.connectedAs!.id,
      afterMessageId: s.lastMessageId,
      heartbeatTimeoutMs: this.options.heartbeatTimeoutMs ?? 30_000,
      ...(pipelinedAfter === undefined ? {} : { pipelinedAfter }),
    };
  }

  /**
   * Acts on how one batch's delivery ended: a 401 gets one token refresh (a second 401 right after
   * means the grant is gone), a missing room is found or created again, anything else unexpected
   * waits `retryLaterMs`. Answers whether the batch ran to its end (every event delivered or failed).
   */
  async settleBatch(deliver: () => Promise<DeliveryResult | undefined>): Promise<boolean> {
    const { s } = this;
    try {
      const result = await deliver();
      this.heldByBillsby = result?.stopped === 'billsby_rejected';
      if (!result) return false;
      // A pipelined (legacy) batch that never started posting: its events are still queued.
      if (result.stopped === 'not_ready') return false;
      s.lastMessageId = result.lastMessageId;
      if (result.delivered > 0 || result.failed > 0) {
        s.lastError = null;
        this.refreshedFor401 = false;
      }
      if (result.stopped === 'unauthorized') {
        // One refresh; if Webex still says 401 right after, the grant is gone for good.
        if (this.refreshedFor401)
          this.reauthorize('Webex rejected a freshly refreshed token. Connect again.');
        else if (await this.refreshTokens()) this.refreshedFor401 = true;
        return false;
      }
      if (result.stopped === 'room_not_found') {
        const room = await setupActivities.findOrCreateBillsbyRoom({
          accessToken: s.tokens!.accessToken,
          personId: s.connectedAs!.id,
        });
        s.room = { id: room.id, title: room.title };
        s.roomNote = roomNote(room.candidates);
        s.lastMessageId = null;
      }
      if (result.stopped === 'billsby_rejected') {
        s.lastError =
          'Billsby refused the credentials while filling a webhook; events wait, in order, until they are replaced (PUT /api/accounts/:accountId/billsby)';
      }
      return result.stopped === null;
    } catch (err) {
      if (!isCancellation(err)) this.retryLater(`Delivery failed, will retry: ${failureMessage(err)}`);
      return false;
    }
  }

  /** Runs the recorded redelivery requests, oldest first; re-queued events are delivered next. */
  async runRedeliveries(): Promise<void> {
    for (let job = this.redeliveries[0]; job; job = this.redeliveries[0]) {
      try {
        const value = await checkAndRequeue(this.accountId, this.s, job.request);
        if (!job.request.dryRun && value.requeued.length > 0) this.mayHaveEvents = true;
        job.outcome = { value };
      } catch (error) {
        job.outcome = { error };
      }
      this.redeliveries.shift();
    }
  }

  /**
   * Waits for a request, a wake-up signal, a retry, the refresh time or the run's renewal. An idle
   * connected integration has two timers (the token refresh, the weekly renewal), started once:
   * nothing is written to its history while nothing happens.
   */
  async waitForWork(): Promise<void> {
    const canDeliver = this.canDeliver();
    setCurrentDetails(integrationDetails(this.accountId, this.s));
    const ready = () =>
      this.uninstallRequested ||
      this.authJobs.length > 0 ||
      this.redeliveryDue() ||
      this.deliveryDue() ||
      this.refreshDue() ||
      this.continueAsNewDue();
    if (this.legacy) {
      const polled = await legacyWaitForWork({
        retryAt: this.retryAt ?? Infinity,
        refreshAt: canDeliver ? this.s.tokens!.refreshAt : Infinity,
        pollAt: canDeliver ? workflowNow() + (this.options.idlePollMs ?? 60_000) : Infinity,
        // As it was: a due refresh is seen when the timer ends the wait.
        ready: () =>
          this.uninstallRequested ||
          this.authJobs.length > 0 ||
          this.deliveryDue() ||
          this.continueAsNewDue(),
      });
      if (polled) this.mayHaveEvents = true;
      return;
    }
    this.alarms.retry.set(this.retryAt ?? Infinity);
    this.alarms.refresh.set(canDeliver ? this.s.tokens!.refreshAt : Infinity);
    this.alarms.renew.set(this.renewAt());
    await condition(ready);
  }

  /** Waits until no handler waits for the loop; answers whether continue-as-new may go ahead. */
  async readyToContinueAsNew(): Promise<boolean> {
    // Handlers that wait for this loop (authorization, redelivery, uninstall) must not deadlock the wait.
    await condition(
      () =>
        allHandlersFinished() || this.authJobs.length > 0 || this.redeliveryDue() || this.uninstallRequested,
    );
    return this.authJobs.length === 0 && !this.redeliveryDue() && !this.uninstallRequested;
  }

  /** Uninstall: stop taking webhooks, keep what is queued as `dropped`, forget the tokens. */
  async finishUninstall(): Promise<void> {
    for (const job of this.authJobs.splice(0)) job.outcome = 'failed';
    for (const job of this.redeliveries.splice(0)) {
      job.outcome = {
        error: ApplicationFailure.create({
          type: REDELIVER_NOT_CONNECTED,
          message: 'the integration was uninstalled',
          nonRetryable: true,
        }),
      };
    }
    // Webhooks stop being accepted and what is still queued is kept in the log as `dropped`.
    await eventLogActivities.closeAccountEventLog({ accountId: this.accountId });
    this.s.tokens = null;
    this.s.pendingAuth = null;
    this.setStatus('uninstalled');
  }

  // ---- LEGACY: runs begun before the delivery loop (workflows/webex/PATCHES.md) ----

  private async legacyDeliverQueued(): Promise<void> {
    const host = this.legacyHost();
    const batch = await legacyNextBatch(host);
    if (batch.events.length > 0) {
      const delivered = await legacyDeliverBatch(host, batch.events);
      if (batch.more || !delivered) this.mayHaveEvents = true;
    }
  }

  private legacyHost(): LegacyDeliveryHost {
    return {
      accountId: this.accountId,
      batchSize: this.options.batchSize,
      interrupted: () => this.interrupted(),
      mayLookAhead: () => {
        const { s } = this;
        const now = workflowNow();
        return (
          !this.interrupted() &&
          s.status === 'connected' &&
          s.tokens !== null &&
          s.tokens.refreshAt > now &&
          (this.retryAt === null || this.retryAt <= now) &&
          // Once past its old history, the run starts no more look-ahead children and retires.
          !patched(RETIRE_LEGACY_RUN_PATCH)
        );
      },
      deliveryInput: (batch, pipelinedAfter) => this.batchInput(batch, pipelinedAfter),
      settle: (deliver) => this.settleBatch(deliver),
    };
  }
}
