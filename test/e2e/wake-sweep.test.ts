import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { openEventLog } from '../../eventlog/open';
import type { EventLog } from '../../eventlog/types';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { signalEventsAvailable, WakeSweep, type SignalAccount } from '../../workers/wake-sweep';
import { customerCreated } from '../eventlog/engines';
import { closeTestConnections, createTestClient, testDataConverter, testKeys } from '../harness/temporal';

/**
 * The wake sweep against a real Temporal server: the signal it sends reaches the account's
 * `webex-integration:<accountId>` workflow (read back from its history), an account without a
 * running workflow is counted apart, and signals that failed while Temporal was unreachable are
 * sent once it answers. The integration workflow itself is not needed: the execution is started
 * on a task queue no worker polls, so it stays open and records what it is sent.
 */

const SECOND = 1_000;

let client: Client;
let log: EventLog;
let dir: string;
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  client = await createTestClient();
  dir = mkdtempSync(path.join(tmpdir(), 'wake-sweep-'));
  log = await openEventLog({ sqlitePath: path.join(dir, 'event-log.sqlite'), keys: testKeys() });
});

afterAll(async () => {
  await Promise.all(started.map((h) => h.terminate('test over').catch(() => undefined)));
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  await closeTestConnections();
});

async function accountWithQueuedEvent(label: string): Promise<string> {
  const accountId = `${label}-${randomUUID().slice(0, 8)}`;
  await log.activateAccount(accountId);
  await log.append([{ accountId, event: customerCreated(`${accountId}-e1`) }], { maxUndelivered: 10 });
  return accountId;
}

/** An open `webex-integration:<accountId>` execution that no worker runs. */
async function openIntegration(accountId: string): Promise<WorkflowHandle> {
  const handle = await client.workflow.start('wakeSweepProbe', {
    taskQueue: `wake-sweep-nobody-${randomUUID().slice(0, 8)}`,
    workflowId: integrationWorkflowId(accountId),
  });
  started.push(handle);
  return handle;
}

async function signalsReceived(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const name = e.workflowExecutionSignaledEventAttributes?.signalName;
    return name ? [name] : [];
  });
}

test('signals eventsAvailable to stalled accounts, and re-sends what failed while Temporal was down', async () => {
  const woken = await accountWithQueuedEvent('woken');
  await accountWithQueuedEvent('no-workflow');
  const integration = await openIntegration(woken);

  // Temporal unreachable first (nothing listens on port 1), then the real server.
  const unreachable = new Client({
    connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200 }),
    dataConverter: testDataConverter(),
  });
  let temporalUp = false;
  const down = signalEventsAvailable(unreachable, 1_000);
  const up = signalEventsAvailable(client);
  const signal: SignalAccount = (accountId) => (temporalUp ? up : down)(accountId);
  const warnings: string[] = [];
  const sweep = new WakeSweep(log, signal, {
    stalledAfterMs: 30 * SECOND,
    log: { debug() {}, warn: (line) => warnings.push(line) },
  });

  const now = Date.now();
  // Not stalled yet: appended just now.
  expect(await sweep.runOnce(new Date(now))).toMatchObject({ swept: true, listed: 0 });

  expect(await sweep.runOnce(new Date(now + 60 * SECOND))).toMatchObject({
    listed: 2,
    failed: 2,
    signalled: 0,
  });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^wake sweep: 2 of 2 signals failed, will retry next tick: /);
  expect(await signalsReceived(integration)).toEqual([]);

  temporalUp = true;
  expect(await sweep.runOnce(new Date(now + 70 * SECOND))).toMatchObject({
    listed: 2,
    signalled: 1,
    noWorkflow: 1,
    failed: 0,
    skipped: 0,
  });
  expect(await signalsReceived(integration)).toEqual(['eventsAvailable']);

  // Still stalled ten seconds later: both back off instead of being signalled every tick.
  expect(await sweep.runOnce(new Date(now + 80 * SECOND))).toMatchObject({ signalled: 0, skipped: 2 });

  // The woken workflow claims its head: the account leaves the list, and is not signalled again.
  await log.beginAttempt(woken, 1, new Date(now + 85 * SECOND).toISOString());
  expect(await sweep.runOnce(new Date(now + 110 * SECOND))).toMatchObject({ listed: 1, noWorkflow: 1 });
  expect(await signalsReceived(integration)).toEqual(['eventsAvailable']);

  await sweep.stop();
  await unreachable.connection.close().catch(() => undefined);
});
