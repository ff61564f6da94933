import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DeliverBatchInput, DeliverBatchResult } from '../../activities/webex/deliver-batch';
import type { TokenGrant, WebexActivities } from '../../activities/webex';
import type { QueuedRef } from '../../eventlog/types';
import type { IntegrationWorkflowView } from '../../domain/integration/status';
import { IntegrationStatus } from '../../temporal/search-attributes';
import {
  beginAuthorization,
  completeAuthorization,
  eventsAvailable,
  getStatus,
  integrationWorkflowId,
  uninstall,
} from '../../workflows/webex/definitions';
import type { IntegrationOptions, webexIntegration } from '../../workflows/webex/integration';
import {
  closeTestConnections,
  createTestClient,
  createTestWorker,
  runInBackground,
  replayWithTodaysCode,
  uniqueTaskQueues,
} from '../harness/temporal';
import { eventually } from '../harness/webex-app';

/**
 * The integration workflow's branches on a real worker and the run's shared dev server, with our
 * Webex activities stubbed (no simulator, no event log, no gateway): each test takes seconds.
 * docs/failure-flows.md cites these names.
 */

/** One account's stand-in for Webex and the event log: a queue, and what each call answers. */
interface FakeAccount {
  queue: QueuedRef[];
  deliveries: DeliverBatchInput[];
  refreshes: number;
  roomLookups: { preferredRoomId?: string | null }[];
  /** Answers for the next deliveries, in order; then: deliver everything asked. */
  deliverAnswers: DeliverBatchResult['stopped'][];
  refreshAnswer: 'ok' | 'invalid_grant';
  rooms: string[];
}

const accounts = new Map<string, FakeAccount>();
// The account travels in the tokens: `<kind>:<accountId>:<n>`.
const accountOf = (token: string) => accounts.get(token.split(':')[1]!)!;
const grantFor = (accountId: string, n: number): TokenGrant => ({
  accessToken: `at:${accountId}:${n}`,
  refreshToken: `rt:${accountId}:${n}`,
  expiresIn: 3600,
});

const stubs: Partial<WebexActivities> = {
  async exchangeWebexCode(input) {
    return grantFor(input.code, 0);
  },
  async identifyWebexUser() {
    return { id: 'person-1', displayName: 'Ada Lovelace' };
  },
  async findOrCreateBillsbyRoom(input) {
    const account = accountOf(input.accessToken);
    account.roomLookups.push({ preferredRoomId: input.preferredRoomId });
    if (input.preferredRoomId)
      return { id: input.preferredRoomId, title: 'Billsby Data', created: false, candidates: 1 };
    const id = `room-${account.rooms.length + 1}`;
    account.rooms.push(id);
    return { id, title: 'Billsby Data', created: true, candidates: 1 };
  },
  async refreshWebexToken(input) {
    const account = accountOf(input.refreshToken);
    account.refreshes++;
    if (account.refreshAnswer === 'invalid_grant') {
      throw ApplicationFailure.create({
        type: 'Webex.invalid_grant',
        message: 'invalid_grant: the refresh token was revoked',
        nonRetryable: true,
      });
    }
    return grantFor(input.refreshToken.split(':')[1]!, account.refreshes);
  },
  async peekQueuedEvents(input) {
    return accounts.get(input.accountId)!.queue.slice(0, input.limit);
  },
  async deliverQueuedEvents(input): Promise<DeliverBatchResult> {
    const account = accounts.get(input.accountId)!;
    account.deliveries.push(input);
    const stopped = account.deliverAnswers.shift() ?? null;
    if (stopped) return { delivered: 0, failed: 0, lastMessageId: input.afterMessageId, stopped };
    const batch = account.queue.filter((e) => e.seq >= input.fromSeq && e.seq <= input.toSeq);
    account.queue = account.queue.filter((e) => !batch.includes(e));
    return { delivered: batch.length, failed: 0, lastMessageId: `msg-${input.toSeq}`, stopped: null };
  },
  async closeAccountEventLog(input) {
    const account = accounts.get(input.accountId)!;
    const dropped = account.queue.length;
    account.queue = [];
    return { dropped };
  },
};

let client: Client;
let taskQueue: string;
let stopWorker: () => Promise<void>;
beforeAll(async () => {
  client = await createTestClient();
  taskQueue = uniqueTaskQueues('branches').webex;
  stopWorker = runInBackground(await createTestWorker({ taskQueue, activities: stubs }));
});
afterAll(async () => {
  await stopWorker?.();
  await closeTestConnections();
});

/** A connected integration (through the real authorization updates) with one event queued. */
async function connectedWithOneEvent(
  script: Pick<FakeAccount, 'deliverAnswers' | 'refreshAnswer'>,
  options: IntegrationOptions | undefined = { heartbeatTimeoutMs: 5_000, retryLaterMs: 60_000 },
): Promise<{ handle: WorkflowHandle<typeof webexIntegration>; account: FakeAccount }> {
  const accountId = `acct-branch-${randomUUID().slice(0, 8)}`;
  const account: FakeAccount = {
    queue: [],
    deliveries: [],
    refreshes: 0,
    roomLookups: [],
    rooms: [],
    ...script,
  };
  accounts.set(accountId, account);
  const handle = await client.workflow.start<typeof webexIntegration>('webexIntegration', {
    workflowId: integrationWorkflowId(accountId),
    taskQueue,
    args: [{ accountId, ...(options ? { options } : {}) }],
  });
  const stateNonce = randomUUID();
  await handle.executeUpdate(beginAuthorization, {
    args: [{ stateNonce, codeVerifier: 'verifier', expiresAt: new Date(Date.now() + 600_000).toISOString() }],
  });
  const connected = await handle.executeUpdate(completeAuthorization, {
    args: [{ stateNonce, code: accountId }],
  });
  expect(connected.outcome).toBe('connected');
  account.queue.push({ seq: 1, eventId: `${accountId}-ev-1`, type: 'CustomerCreated' });
  await handle.signal(eventsAvailable);
  return { handle, account };
}

const statusOf = (handle: WorkflowHandle) => handle.query(getStatus);

/** What the Web UI and `IntegrationService.status` read when no worker answers: the search attribute. */
async function publishedStatus(handle: WorkflowHandle): Promise<unknown> {
  const description = await handle.describe();
  return description.typedSearchAttributes.get(IntegrationStatus);
}

/** Uninstalls (ending the run) and replays its history with today's code. */
async function uninstallAndReplay(handle: WorkflowHandle): Promise<IntegrationWorkflowView> {
  const view = await handle.executeUpdate(uninstall);
  await handle.result();
  const history = await handle.fetchHistory();
  await replayWithTodaysCode(history, handle.workflowId);
  return view;
}

describe('webexIntegration branches (stubbed Webex activities)', () => {
  it('a 401, then invalid_grant on the refresh → reauthorization_required; the event stays queued', async () => {
    const { handle, account } = await connectedWithOneEvent({
      deliverAnswers: ['unauthorized'],
      refreshAnswer: 'invalid_grant',
    });
    const status = await eventually(
      () => statusOf(handle),
      (s) => s.status === 'reauthorization_required',
    );
    expect(status.lastError).toBe(
      'Webex refused the refresh token (Webex.invalid_grant). Connect again to resume delivery.',
    );
    expect(account.refreshes).toBe(1);
    expect(account.deliveries).toHaveLength(1);
    expect(account.queue).toHaveLength(1);
    expect(await publishedStatus(handle)).toBe('reauthorization_required');
    expect(await uninstallAndReplay(handle)).toMatchObject({ status: 'uninstalled' });
  });

  it('a second 401 right after a successful refresh → reauthorization_required, no second refresh', async () => {
    const { handle, account } = await connectedWithOneEvent({
      deliverAnswers: ['unauthorized', 'unauthorized'],
      refreshAnswer: 'ok',
    });
    const status = await eventually(
      () => statusOf(handle),
      (s) => s.status === 'reauthorization_required',
    );
    expect(status.lastError).toBe('Webex rejected a freshly refreshed token. Connect again.');
    expect(account.refreshes).toBe(1);
    // The second delivery used the refreshed token.
    expect(account.deliveries.map((d) => d.accessToken.split(':')[2])).toEqual(['0', '1']);
    expect(account.queue).toHaveLength(1);
    expect(await publishedStatus(handle)).toBe('reauthorization_required');
    expect(await uninstallAndReplay(handle)).toMatchObject({ status: 'uninstalled' });
  });

  it('a missing room (404 on the post) → the room is found or created again and delivery resumes there', async () => {
    const { handle, account } = await connectedWithOneEvent({
      deliverAnswers: ['room_not_found'],
      refreshAnswer: 'ok',
    });
    const status = await eventually(
      () => statusOf(handle),
      (s) => s.room?.id === 'room-2' && account.queue.length === 0,
    );
    expect(status).toMatchObject({ status: 'connected', lastError: null, room: { id: 'room-2' } });
    // Connect found room-1; after the 404 the lookup names no preferred room (the old one is gone).
    expect(account.roomLookups).toEqual([{ preferredRoomId: undefined }, { preferredRoomId: undefined }]);
    expect(account.deliveries.map((d) => [d.roomId, d.afterMessageId])).toEqual([
      ['room-1', null],
      ['room-2', null],
    ]);
    expect(account.refreshes).toBe(0);
    expect(await publishedStatus(handle)).toBe('connected');
    expect(await uninstallAndReplay(handle)).toMatchObject({ status: 'uninstalled' });
  });

  it('idle and connected, with the production defaults: its history does not grow (3 minutes)', async () => {
    const { handle, account } = await connectedWithOneEvent(
      { deliverAnswers: [], refreshAnswer: 'ok' },
      undefined,
    );
    await eventually(
      () => Promise.resolve(account.queue.length),
      (n) => n === 0,
    );
    // Settled: the loop has gone back to waiting (two reads a second apart agree).
    let before = -1;
    await eventually(
      async () => {
        const length = (await handle.describe()).historyLength;
        const settled = length === before;
        before = length;
        return settled;
      },
      (settled) => settled,
      { intervalMs: 1_000, timeoutMs: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 180_000));
    expect((await handle.describe()).historyLength).toBe(before);
    // What it waits on: the token refresh's timer (the stub's tokens live an hour); no timer fired.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.timerFiredEventAttributes)).toEqual([]);
    const lastTimer = events.filter((e) => e.timerStartedEventAttributes).at(-1)!;
    expect(Number(lastTimer.timerStartedEventAttributes!.startToFireTimeout!.seconds)).toBeGreaterThan(
      45 * 60,
    );
    expect(account.deliveries).toHaveLength(1);
    expect(await uninstallAndReplay(handle)).toMatchObject({ status: 'uninstalled' });
  }, 300_000);
});
