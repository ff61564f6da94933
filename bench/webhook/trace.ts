/**
 * `--trace`: where a delivery's time went, read back from the batch delivery workflows' histories
 * (no instrumentation in the product): per batch, child start → activity start (the workflow
 * tasks of the child), activity time (posting and the log's writes, per event), activity end →
 * child closed, and the parent's gap between one batch closing and the next one starting.
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { BenchEnv } from './env';
import { percentiles } from './stats';

type EventType = temporal.api.enums.v1.EventType;
const T = temporal.api.enums.v1.EventType;

interface Batch {
  start: number;
  taskStarted: number;
  taskCompleted: number;
  activityStarted: number;
  activityClosed: number;
  end: number;
  events: number;
  attempts: number;
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;

/** Prints the breakdown for the account's batch deliveries (Temporal's visibility must have them). */
export async function traceBatches(env: BenchEnv, accountId: string, label: string): Promise<void> {
  const connection = await Connection.connect({ address: env.server.address });
  try {
    const client = new Client({ connection });
    const batches: Batch[] = [];
    const query = `WorkflowType = 'webexDelivery' AND BillsbyAccountId = '${accountId}'`;
    for await (const wf of client.workflow.list({ query })) {
      const ids = wf.searchAttributes?.BillsbyEventIds;
      const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      const at = (type: EventType, last = false) => {
        const events = history.events ?? [];
        const list = last ? [...events].reverse() : events;
        return ms(list.find((e) => e.eventType === type)?.eventTime);
      };
      const started = (history.events ?? []).filter(
        (e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_STARTED,
      );
      batches.push({
        start: at(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
        taskStarted: at(T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
        taskCompleted: at(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
        activityStarted: at(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, true),
        activityClosed: Math.max(
          at(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
          at(T.EVENT_TYPE_ACTIVITY_TASK_FAILED, true) || 0,
        ),
        end: at(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
        events: Array.isArray(ids) ? ids.length : 0,
        attempts: Number(started.at(-1)?.activityTaskStartedEventAttributes?.attempt ?? 1),
      });
    }
    batches.sort((a, b) => a.start - b.start);
    const done = batches.filter((b) => Number.isFinite(b.end) && Number.isFinite(b.activityStarted));
    if (done.length === 0) {
      env.log(`trace ${label}: no finished batch deliveries found`);
      return;
    }
    const events = done.reduce((n, b) => n + b.events, 0);
    const sum = (f: (b: Batch) => number) => done.reduce((n, b) => n + f(b), 0);
    const activity = sum((b) => b.activityClosed - b.activityStarted);
    const childStart = sum((b) => b.activityStarted - b.start);
    const childEnd = sum((b) => b.end - b.activityClosed);
    const gaps = done.slice(1).map((b, i) => b.start - done[i]!.end);
    const gap = gaps.reduce((n, g) => n + g, 0);
    const span = done.at(-1)!.end - done[0]!.start;
    const p = (xs: number[]) => {
      const q = percentiles(xs.sort((a, b) => a - b));
      return `p50 ${q.p50} ms, p99 ${q.p99} ms`;
    };
    env.log(
      `trace ${label}: ${done.length} batches, ${events} events (${(events / done.length).toFixed(1)}/batch), ` +
        `${done.filter((b) => b.attempts > 1).length} retried; first batch start → last batch end ${span} ms`,
    );
    env.log(
      `trace ${label}: in the activity (a pipelined one includes its wait) ${activity} ms (${(activity / events).toFixed(2)} ms/event, ` +
        `${((100 * activity) / span).toFixed(0)}% of the span); child start → activity start ${childStart} ms ` +
        `(${p(done.map((b) => b.activityStarted - b.start))}); activity end → child closed ${childEnd} ms; ` +
        `parent: batch closed → next batch started ${gap} ms (${p(gaps)})`,
    );
    env.log(
      `trace ${label}: child: started → its workflow task started ${p(done.map((b) => b.taskStarted - b.start))}; ` +
        `task started → completed ${p(done.map((b) => b.taskCompleted - b.taskStarted))}; ` +
        `completed → activity started ${p(done.map((b) => b.activityStarted - b.taskCompleted))}`,
    );
    // Per tenth of the batches: does the per-batch cost grow as the run goes on?
    const tenths: string[] = [];
    for (let i = 0; i < 10; i++) {
      const part = done.slice(Math.floor((i * done.length) / 10), Math.floor(((i + 1) * done.length) / 10));
      if (part.length < 2) continue;
      const spanOf = part.at(-1)!.end - part[0]!.start;
      const inActivity = part.reduce((n, b) => n + b.activityClosed - b.activityStarted, 0);
      tenths.push(`${((spanOf - inActivity) / part.length).toFixed(0)}`);
    }
    env.log(`trace ${label}: ms per batch outside the activity, per tenth of the run: ${tenths.join(' ')}`);
    await traceParent(env, client, accountId, label);
  } finally {
    await connection.close();
  }
}

/**
 * The integration workflow's side of each batch: what woke it (a signal, or the previous batch's
 * child closing) → its workflow task started → completed (the look-up local activity runs inside
 * it; the StartChildWorkflowExecutionInitiated command is written then) → the child started.
 * A pipelined batch is started from the task that saw the previous child start: no wake-up.
 */
async function traceParent(env: BenchEnv, client: Client, accountId: string, label: string): Promise<void> {
  const history = await client.workflow.getHandle(`webex-integration:${accountId}`).fetchHistory();
  const dispatch: number[] = [];
  const task: number[] = [];
  const childStart: number[] = [];
  const fromSignal: number[] = [];
  const fromChild: number[] = [];
  // The wake-up of a workflow task: the first signal or child completion since the previous task
  // started (what that task saw); a batch's child is initiated when that task completes.
  let pending: { at: number; signal: boolean } | undefined;
  let trigger: { at: number; signal: boolean } | undefined;
  let taskStarted = NaN;
  let initiatedAt = NaN;
  for (const e of history.events ?? []) {
    const t = ms(e.eventTime);
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        pending ??= { at: t, signal: true };
        break;
      case T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
        pending ??= { at: t, signal: false };
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        taskStarted = t;
        trigger = pending;
        pending = undefined;
        break;
      case T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        if (trigger) {
          dispatch.push(taskStarted - trigger.at);
          task.push(t - taskStarted);
          (trigger.signal ? fromSignal : fromChild).push(t - trigger.at);
        }
        initiatedAt = t;
        trigger = undefined;
        break;
      case T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
        if (Number.isFinite(initiatedAt)) childStart.push(t - initiatedAt);
        initiatedAt = NaN;
        break;
    }
  }
  const p = (xs: number[]) => {
    const q = percentiles(xs);
    return `p50 ${q.p50} / p99 ${q.p99} ms (n=${xs.length})`;
  };
  env.log(
    `trace ${label}: parent: wake-up → workflow task started ${p(dispatch)}; task started → child initiated ` +
      `(incl. look-up) ${p(task)}; initiated → child started ${p(childStart)}; wake-up → child initiated: ` +
      `after a signal ${p(fromSignal)}, after the previous batch ${p(fromChild)}`,
  );
}
