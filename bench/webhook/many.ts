/**
 * Many connected accounts (`many`): what idle integrations cost Temporal, and delivery spread
 * over them.
 *
 * 1. N accounts connect through the real OAuth flow (C at once), are left to settle, and then sit
 *    idle for M minutes. Each integration workflow's history is read on the server before and
 *    after (describe: run and history length; the history itself where it grew): the workflow
 *    tasks in between are what idle accounts cost. Those a token refresh caused (its timer, its
 *    activity) are counted apart: the target is ≤ 1 other task per account-hour.
 * 2. E events per account, each sent at a random time over S seconds (open loop), numbered per
 *    account in sending order: every one delivered once and in order, and webhook request →
 *    message created per event; then the same number of events at the same times over 10 fresh
 *    accounts, for comparison.
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { addAccounts, measureDelivery, type DeliveryRun } from './delivery';
import type { BenchAccount, BenchEnv } from './env';
import { log, sleep } from './env';
import { planRandomEvents } from './load';
import type { Options } from './options';
import type { ProductProgram } from './product';

const T = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The idle target: workflow tasks per account-hour, token refreshes aside. */
export const IDLE_TASKS_PER_ACCOUNT_HOUR = 1;

/** Describes and history reads in flight at once. */
const READS_IN_FLIGHT = 16;

export interface IdleCount {
  minutes: number;
  accountHours: number;
  /** Workflow tasks during the idle period, token refreshes aside. */
  tasks: number;
  /** Workflow tasks of token refreshes (their timer firing, their activity closing). */
  refreshTasks: number;
  perAccountHour: number;
  /** What woke the tasks counted in `tasks`, e.g. `signal: 3`. */
  causes: Record<string, number>;
  /** Integrations whose history grew during the idle period. */
  accountsWithTasks: number;
  /** Runs that continued as new during the idle period. */
  newRuns: number;
  /** Integrations that could not be read (no running workflow, or an error). */
  unreadable: number;
  /** Signals the worker's wake sweep sent during the idle period. */
  sweepSignals: number;
}

export interface ManyRun {
  accounts: number;
  connectConcurrency: number;
  connectMs: number;
  settleSeconds: number;
  idle: IdleCount;
  eventsPerAccount: number;
  seconds: number;
  fewAccounts: number;
  /** The events over the N accounts, then over `fewAccounts`. */
  many: DeliveryRun;
  /** The N accounts' workflow tasks from the end of the idle period to the last post checked. */
  loadTasks: { tasks: number; causes: Record<string, number>; unreadable: number };
  few: DeliveryRun;
  sweepSignalsDuringLoad: number;
  ok: boolean;
}

export async function runMany(
  env: BenchEnv,
  product: ProductProgram,
  opts: Options['many'] & { concurrency: number },
): Promise<ManyRun> {
  const prefix = `p-many-${env.suffix}`;
  const connectStarted = Date.now();
  const accounts = await addAccounts(product, prefix, opts.accounts, opts.connectConcurrency);
  const connectMs = Date.now() - connectStarted;
  log(
    `many: ${opts.accounts} accounts connected in ${(connectMs / 1000).toFixed(1)} s (${opts.connectConcurrency} at once); ` +
      `settling ${opts.settleSeconds} s`,
  );
  await sleep(opts.settleSeconds * 1000);

  const connection = await Connection.connect({ address: env.server.address });
  try {
    const client = new Client({ connection, dataConverter: env.dataConverter });
    const lengths = () => inParallel(accounts, (a) => lengthOf(client, a));
    const before = await lengths();
    const sweepBefore = product.sweepSignals();
    log(`many: histories recorded; idle for ${opts.idleMinutes} min`);
    const idleStarted = Date.now();
    await sleepUntil(env, idleStarted + opts.idleMinutes * 60_000);
    const idleMs = Date.now() - idleStarted;
    const sweepSignals = product.sweepSignals() - sweepBefore;
    const after = await lengths();
    const idleCounts = await inParallel(accounts, (account, i) =>
      tasksBetween(client, account, before[i], after[i]),
    );
    const idle = summarize(idleCounts, accounts.length, idleMs, sweepSignals);
    log(
      `many: ${idle.tasks} workflow tasks in ${opts.idleMinutes} idle min over ${opts.accounts} accounts ` +
        `(${idle.refreshTasks} for token refreshes) → ${idle.perAccountHour.toFixed(3)} per account-hour`,
    );

    const total = opts.accounts * opts.eventsPerAccount;
    const sweepBeforeLoad = product.sweepSignals();
    log(`many: ${total} events at random times over ${opts.seconds} s across ${opts.accounts} accounts`);
    const many = await measureDelivery(
      env,
      product,
      accounts,
      planRandomEvents(accounts, total, opts.seconds, `${prefix}-load`),
      { tag: 'many', concurrency: opts.concurrency, rate: 0 },
    );
    // The same count over the load: what the events cost the workflows (and a check that the
    // idle count would have seen tasks, had there been any).
    const afterLoad = await lengths();
    const loadCounts = await inParallel(accounts, (account, i) =>
      tasksBetween(client, account, after[i], afterLoad[i]),
    );
    const load = summarize(loadCounts, accounts.length, 1, 0);
    const fewPrefix = `p-many${opts.fewAccounts}-${env.suffix}`;
    const fewAccounts = await addAccounts(product, fewPrefix, opts.fewAccounts, opts.connectConcurrency);
    log(`many: the same ${total} events over ${opts.seconds} s across ${opts.fewAccounts} fresh accounts`);
    const few = await measureDelivery(
      env,
      product,
      fewAccounts,
      planRandomEvents(fewAccounts, total, opts.seconds, `${fewPrefix}-load`),
      { tag: `many-${opts.fewAccounts}`, concurrency: opts.concurrency, rate: 0 },
    );
    return {
      accounts: opts.accounts,
      connectConcurrency: opts.connectConcurrency,
      connectMs,
      settleSeconds: opts.settleSeconds,
      idle,
      eventsPerAccount: opts.eventsPerAccount,
      seconds: opts.seconds,
      fewAccounts: opts.fewAccounts,
      many,
      loadTasks: { tasks: load.tasks + load.refreshTasks, causes: load.causes, unreadable: load.unreadable },
      few,
      sweepSignalsDuringLoad: product.sweepSignals() - sweepBeforeLoad,
      ok: many.ok && few.ok && idle.unreadable === 0,
    };
  } finally {
    await connection.close();
  }
}

async function sleepUntil(env: BenchEnv, until: number): Promise<void> {
  let lastReport = Date.now();
  while (Date.now() < until && !env.signal.aborted) {
    await sleep(Math.min(1_000, until - Date.now()));
    if (Date.now() - lastReport >= 60_000 && until - Date.now() >= 30_000) {
      lastReport = Date.now();
      log(`many: idle, ${Math.ceil((until - Date.now()) / 60_000)} min to go`);
    }
  }
  if (env.signal.aborted) throw new Error('aborted');
}

interface Length {
  runId: string;
  historyLength: number;
}

async function lengthOf(client: Client, account: BenchAccount): Promise<Length | undefined> {
  try {
    const d = await client.workflow.getHandle(integrationWorkflowId(account.id)).describe();
    return d.status.name === 'RUNNING' ? { runId: d.runId, historyLength: d.historyLength } : undefined;
  } catch {
    return undefined;
  }
}

interface TaskCount {
  readable: boolean;
  tasks: number;
  refreshTasks: number;
  causes: Record<string, number>;
  newRuns: number;
}

/**
 * The workflow tasks one integration ran between two readings: none when the run and its history
 * length are unchanged; otherwise read from the history past the first reading (and from any run
 * that followed it by continue-as-new).
 */
async function tasksBetween(
  client: Client,
  account: BenchAccount,
  before: Length | undefined,
  after: Length | undefined,
): Promise<TaskCount> {
  const count: TaskCount = {
    readable: !!before && !!after,
    tasks: 0,
    refreshTasks: 0,
    causes: {},
    newRuns: 0,
  };
  if (!before || !after) return count;
  if (before.runId === after.runId && before.historyLength === after.historyLength) return count;
  const workflowId = integrationWorkflowId(account.id);
  try {
    const runs = [before.runId];
    if (after.runId !== before.runId) {
      // The runs after the first reading's, oldest first (by id: the chain the first one started).
      const later: { runId: string; start: number }[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        if (wf.runId !== before.runId) later.push({ runId: wf.runId, start: wf.startTime.getTime() });
      }
      const firstStart = (await client.workflow.getHandle(workflowId, before.runId).describe()).startTime;
      for (const run of later.sort((a, b) => a.start - b.start)) {
        if (run.start >= firstStart.getTime()) runs.push(run.runId);
      }
      if (!runs.includes(after.runId)) runs.push(after.runId);
      count.newRuns = runs.length - 1;
    }
    for (const [i, runId] of runs.entries()) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      classifyTasks(history.events ?? [], i === 0 ? before.historyLength : 0, count);
    }
  } catch {
    count.readable = false;
  }
  return count;
}

/**
 * Counts the workflow tasks started after event `afterEventId`, each by what woke it: the first
 * signal, timer, activity close, update or run start since the previous task started. A task is a
 * token refresh's when a refresh activity's close woke it or it scheduled one (the refresh timer's).
 */
function classifyTasks(events: HistoryEvent[], afterEventId: number, count: TaskCount): void {
  const activityTypes = new Map<number, string>();
  let pending: string | undefined;
  let current: { cause: string; refresh: boolean } | undefined;
  const tasks: { cause: string; refresh: boolean }[] = [];
  for (const e of events) {
    const id = Number(e.eventId);
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        pending ??= 'run start';
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        pending ??= `signal ${e.workflowExecutionSignaledEventAttributes?.signalName ?? ''}`.trim();
        break;
      case T.EVENT_TYPE_TIMER_FIRED:
        pending ??= 'timer';
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED:
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        pending ??= 'update';
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const type = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
        activityTypes.set(id, type);
        if (current && type === 'refreshWebexToken') current.refresh = true;
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case T.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      case T.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const attrs =
          e.activityTaskCompletedEventAttributes ??
          e.activityTaskFailedEventAttributes ??
          e.activityTaskTimedOutEventAttributes ??
          e.activityTaskCanceledEventAttributes;
        const type = activityTypes.get(Number(attrs?.scheduledEventId)) ?? 'activity';
        pending ??= type === 'refreshWebexToken' ? 'refresh' : `${type} closed`;
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        current = { cause: pending ?? 'other', refresh: pending === 'refresh' };
        pending = undefined;
        if (id > afterEventId) tasks.push(current);
        break;
    }
  }
  for (const task of tasks) {
    if (task.refresh) {
      count.refreshTasks++;
      continue;
    }
    count.tasks++;
    count.causes[task.cause] = (count.causes[task.cause] ?? 0) + 1;
  }
}

function summarize(counts: TaskCount[], accounts: number, idleMs: number, sweepSignals: number): IdleCount {
  const causes: Record<string, number> = {};
  for (const c of counts) {
    for (const [cause, n] of Object.entries(c.causes)) causes[cause] = (causes[cause] ?? 0) + n;
  }
  const tasks = counts.reduce((n, c) => n + c.tasks, 0);
  const accountHours = (accounts * idleMs) / 3_600_000;
  return {
    minutes: idleMs / 60_000,
    accountHours,
    tasks,
    refreshTasks: counts.reduce((n, c) => n + c.refreshTasks, 0),
    perAccountHour: tasks / accountHours,
    causes,
    accountsWithTasks: counts.filter((c) => c.tasks + c.refreshTasks > 0).length,
    newRuns: counts.reduce((n, c) => n + c.newRuns, 0),
    unreadable: counts.filter((c) => !c.readable).length,
    sweepSignals,
  };
}

/** Maps over the accounts, READS_IN_FLIGHT at a time; results in the accounts' order. */
async function inParallel<T>(
  accounts: BenchAccount[],
  fn: (account: BenchAccount, index: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(accounts.length);
  let next = 0;
  const lane = async () => {
    while (next < accounts.length) {
      const i = next++;
      out[i] = await fn(accounts[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, accounts.length) }, lane));
  return out;
}
