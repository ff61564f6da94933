/**
 * `--trace` (or BENCH_TRACE=1): where a delivery's time went, read back from the account's
 * integration workflow histories, every run of `webex-integration:<accountId>` (nothing is
 * instrumented in the product). Each batch is one `deliverQueuedEvents` activity of that workflow:
 * scheduled → started (the activity's wait in the task queue), started → closed (posting and the
 * log's writes), and the workflow's own hop between batches: the previous batch closed → the
 * workflow task that sees it started → that task completed (the next batch's ids are read there,
 * by a local activity) → the next activity scheduled (written with the task's completion). A batch
 * that starts after the workflow was idle is timed from the wake-up signal instead.
 *
 * The activities' input and result are encrypted in history like every payload; they are decoded
 * here with the benchmark's own key (the sequence range of each batch, and the events it posted).
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { DeliverBatchInput, DeliverBatchResult } from '../../activities/webex/deliver-batch';
import { AesGcmPayloadCodec } from '../../temporal/codec';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import type { BenchEnv } from './env';
import { percentiles } from './stats';

const T = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const DELIVERY_ACTIVITY = 'deliverQueuedEvents';

/** What made the workflow task that scheduled a batch: a wake-up signal, the previous batch, or else. */
type Trigger = 'signal' | 'batch' | 'other';

interface Batch {
  run: number;
  scheduled: number;
  started: number;
  closed: number;
  /** The workflow task that scheduled it: what woke it and when, its start and completion. */
  trigger: Trigger;
  wokenAt: number;
  taskStarted: number;
  taskCompleted: number;
  /** Events it finished (delivered + failed), or its sequence range when it has no result. */
  events: number;
  attempts: number;
  outcome: 'completed' | 'failed' | 'timed out' | 'cancelled' | 'open';
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;

/** Prints the breakdown of the account's batch deliveries. */
export async function traceDeliveries(env: BenchEnv, accountId: string, label: string): Promise<void> {
  const connection = await Connection.connect({ address: env.server.address });
  try {
    const client = new Client({ connection });
    const codec = new AesGcmPayloadCodec(env.keys);
    const decode = async <T>(payloads: temporal.api.common.v1.IPayload[] | null | undefined) => {
      const first = payloads?.[0];
      if (!first) return undefined;
      try {
        const [plain] = await codec.decode([first as Payload]);
        return defaultPayloadConverter.fromPayload<T>(plain!);
      } catch {
        return undefined;
      }
    };

    const workflowId = integrationWorkflowId(accountId);
    const runs: { runId: string; start: number }[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      runs.push({ runId: wf.runId, start: wf.startTime.getTime() });
    }
    // Visibility may lag the newest run: the latest one is always there by id.
    const latest = (await client.workflow.getHandle(workflowId).describe()).runId;
    if (!runs.some((r) => r.runId === latest)) runs.push({ runId: latest, start: Infinity });
    runs.sort((a, b) => a.start - b.start);

    const batches: Batch[] = [];
    for (const [index, { runId }] of runs.entries()) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      batches.push(...(await batchesOf(history.events ?? [], index, decode)));
    }
    report(env, label, runs.length, batches);
  } catch (err) {
    env.log(`trace ${label}: could not read the histories: ${(err as Error).message}`);
  } finally {
    await connection.close();
  }
}

async function batchesOf(
  events: HistoryEvent[],
  run: number,
  decode: <T>(payloads: temporal.api.common.v1.IPayload[] | null | undefined) => Promise<T | undefined>,
): Promise<Batch[]> {
  const byScheduledId = new Map<number, Batch>();
  const batches: Batch[] = [];
  // What woke a workflow task, among what arrived since the previous task started (what that task
  // saw): the previous batch's close if it is there (signals keep coming while a batch posts),
  // else the first signal, else anything else. The batch it schedules is written when it completes.
  let pending: Partial<Record<Trigger, number>> = {};
  let task: { at: number; trigger: Trigger; started: number; completed: number } | undefined;
  let taskStarted = NaN;
  const arrived = (trigger: Trigger, at: number) => (pending[trigger] ??= at);
  const closeOf = (scheduledId: unknown, at: number, outcome: Batch['outcome']) => {
    const batch = byScheduledId.get(Number(scheduledId));
    if (!batch) {
      arrived('other', at);
      return undefined;
    }
    batch.closed = at;
    batch.outcome = outcome;
    arrived('batch', at);
    return batch;
  };
  for (const e of events) {
    const t = ms(e.eventTime);
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        arrived('signal', t);
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      case T.EVENT_TYPE_TIMER_FIRED:
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED:
        arrived('other', t);
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
        taskStarted = t;
        const trigger = (['batch', 'signal', 'other'] as const).find((k) => pending[k] !== undefined);
        task = trigger ? { at: pending[trigger]!, trigger, started: t, completed: NaN } : undefined;
        pending = {};
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        if (task) task.completed = t;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const attrs = e.activityTaskScheduledEventAttributes;
        if (attrs?.activityType?.name !== DELIVERY_ACTIVITY) break;
        const input = await decode<DeliverBatchInput>(attrs?.input?.payloads);
        const batch: Batch = {
          run,
          scheduled: t,
          started: NaN,
          closed: NaN,
          trigger: task?.trigger ?? 'other',
          wokenAt: task?.at ?? NaN,
          taskStarted: task?.started ?? taskStarted,
          taskCompleted: task?.completed ?? t,
          events: input ? input.toSeq - input.fromSeq + 1 : 0,
          attempts: 1,
          outcome: 'open',
        };
        byScheduledId.set(Number(e.eventId), batch);
        batches.push(batch);
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const attrs = e.activityTaskStartedEventAttributes;
        const batch = byScheduledId.get(Number(attrs?.scheduledEventId));
        if (batch) {
          batch.started = t;
          batch.attempts = Number(attrs?.attempt ?? 1);
        }
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const attrs = e.activityTaskCompletedEventAttributes;
        const batch = closeOf(attrs?.scheduledEventId, t, 'completed');
        const result = batch ? await decode<DeliverBatchResult>(attrs?.result?.payloads) : undefined;
        if (batch && result) batch.events = result.delivered + result.failed;
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        closeOf(e.activityTaskFailedEventAttributes?.scheduledEventId, t, 'failed');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        closeOf(e.activityTaskTimedOutEventAttributes?.scheduledEventId, t, 'timed out');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        closeOf(e.activityTaskCanceledEventAttributes?.scheduledEventId, t, 'cancelled');
        break;
    }
  }
  return batches;
}

function report(env: BenchEnv, label: string, runs: number, all: Batch[]): void {
  const done = all.filter((b) => Number.isFinite(b.closed) && Number.isFinite(b.started));
  if (done.length === 0) {
    env.log(`trace ${label}: no finished batch delivery in ${runs} run(s)`);
    return;
  }
  const p = (xs: number[]) => {
    const q = percentiles(xs.filter(Number.isFinite));
    return `p50 ${q.p50} / p99 ${q.p99} ms (n=${xs.length})`;
  };
  const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);
  const events = sum(done.map((b) => b.events));
  const span = done.at(-1)!.closed - done[0]!.scheduled;
  const activity = sum(done.map((b) => b.closed - b.started));
  const notCompleted = done.filter((b) => b.outcome !== 'completed');
  // Back to back: batches scheduled by the task that saw the previous batch close.
  const chained = done.filter((b) => b.trigger === 'batch');
  const woken = done.filter((b) => b.trigger === 'signal');
  const hop = chained.map((b) => b.scheduled - b.wokenAt);
  env.log(
    `trace ${label}: ${done.length} batches in ${runs} run(s), ${events} events (${(events / done.length).toFixed(1)}/batch), ` +
      `${done.filter((b) => b.attempts > 1).length} retried, ${notCompleted.length} not completed` +
      `${all.length > done.length ? `, ${all.length - done.length} still open` : ''}; ` +
      `first batch scheduled → last closed ${span} ms`,
  );
  env.log(
    `trace ${label}: activity scheduled → started (queue) ${p(done.map((b) => b.started - b.scheduled))}; ` +
      `started → closed ${activity} ms in all (${(activity / Math.max(1, events)).toFixed(2)} ms/event, ` +
      `${((100 * activity) / span).toFixed(0)}% of the span; per batch ${p(done.map((b) => b.closed - b.started))})`,
  );
  if (chained.length > 0) {
    env.log(
      `trace ${label}: back to back (previous batch closed → next scheduled) ${sum(hop)} ms in all, ${p(hop)}: ` +
        `closed → workflow task started ${p(chained.map((b) => b.taskStarted - b.wokenAt))}, ` +
        `task started → completed (incl. reading the next ids) ${p(chained.map((b) => b.taskCompleted - b.taskStarted))}`,
    );
  }
  if (woken.length > 0) {
    env.log(
      `trace ${label}: woken from idle (signal → activity scheduled) ${p(woken.map((b) => b.scheduled - b.wokenAt))}: ` +
        `signal → workflow task started ${p(woken.map((b) => b.taskStarted - b.wokenAt))}, ` +
        `task started → completed (incl. reading the ids) ${p(woken.map((b) => b.taskCompleted - b.taskStarted))}; ` +
        `signal → activity started ${p(woken.map((b) => b.started - b.wokenAt))}`,
    );
  }
  const others = done.length - chained.length - woken.length;
  if (others > 0)
    env.log(
      `trace ${label}: ${others} batches scheduled after something else (a timer, an update, a new run)`,
    );
  // Per tenth of the batches: time per batch outside the activity (its queue wait, and the hop
  // from the previous batch when back to back). Does the per-batch cost grow as the run goes on?
  const tenths: string[] = [];
  for (let i = 0; i < 10; i++) {
    const part = done.slice(Math.floor((i * done.length) / 10), Math.floor(((i + 1) * done.length) / 10));
    if (part.length < 2) continue;
    const outside = part.map(
      (b) => b.started - b.scheduled + (b.trigger === 'batch' ? b.scheduled - b.wokenAt : 0),
    );
    tenths.push((sum(outside) / part.length).toFixed(0));
  }
  if (tenths.length > 0) {
    env.log(
      `trace ${label}: ms per batch outside the activity, per tenth of the batches: ${tenths.join(' ')}`,
    );
  }
}
