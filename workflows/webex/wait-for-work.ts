import { CancellationScope, condition, sleep } from '@temporalio/workflow';
import { workflowNow } from '../clock';
import { integrationWaitSummary } from '../summaries';

/**
 * A timer that outlives the loop's waits: `set(at)` starts one only when the time changes, so a
 * loop woken by every batch's signal does not cancel and restart its refresh and renewal timers
 * each time (two history events per wake-up). It only wakes the workflow: the loop's own checks
 * (refreshDue, waiting, continueAsNewDue) compare the workflow clock with the same times.
 */
export class Alarm {
  private at = Infinity;
  private scope: CancellationScope | undefined;

  constructor(private readonly then: 'retry' | 'refresh' | 'renew') {}

  /** Rings at `at` (epoch ms); Infinity: never. */
  set(at: number): void {
    if (at === this.at) return;
    this.scope?.cancel();
    this.scope = undefined;
    this.at = at;
    if (at === Infinity || at <= workflowNow()) return;
    const ms = Math.max(1, at - workflowNow());
    const scope = new CancellationScope();
    this.scope = scope;
    void scope
      .run(() => sleep(ms, { summary: integrationWaitSummary(ms, this.then) }))
      .catch(() => undefined); // cancelled: a newer time replaced it
  }
}

/** LEGACY runs (begun before the delivery loop) wait as they did: one timer per wait. */
export interface LegacyWaitPlan {
  retryAt: number;
  refreshAt: number;
  /** The idle poll of the log. */
  pollAt: number;
  ready(): boolean;
}

/** Answers true when the wait ended because the legacy poll time came. */
export async function legacyWaitForWork(plan: LegacyWaitPlan): Promise<boolean> {
  const wakeAt = Math.min(plan.retryAt, plan.refreshAt, plan.pollAt);
  if (wakeAt === Infinity) {
    await condition(plan.ready);
    return false;
  }
  const waitMs = Math.max(1, wakeAt - workflowNow());
  const reason = wakeAt === plan.retryAt ? 'retry' : wakeAt === plan.refreshAt ? 'refresh' : 'poll';
  const woken = await condition(plan.ready, waitMs, { summary: integrationWaitSummary(waitMs, reason) });
  return !woken && plan.pollAt <= workflowNow();
}
