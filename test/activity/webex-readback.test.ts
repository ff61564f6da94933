/**
 * The verify-before-post check at its seam: deliverBatch and postWithReadback in a mock activity
 * context, with an in-memory event log and a scripted Webex client. No Temporal server, no HTTP.
 */
import {
  deliverBatch,
  type DeliverBatchInput,
  type DeliverBatchResult,
} from '../../activities/webex/deliver-batch';
import { postWithReadback, type PostInput } from '../../activities/webex/post-with-readback';
import {
  POST_MESSAGE_OPERATION,
  WebexApiError,
  type WebexClient,
  type WebexMessageSummary,
} from '../../connectors/webex';
import { parseBillsbyEvent } from '../../domain/billsby/parse-event';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type { EventLog, EventRecord, QueuedEvent } from '../../eventlog/types';
import { loadSampleEvent } from '../fixtures/golden-messages';
import { mockActivityEnvironment } from './mock-env';

const ME = 'person-me';
const ROOM = 'room-1';

function sampleEvent(): BillsbyEvent {
  const parsed = parseBillsbyEvent(loadSampleEvent('customer-created'));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.event;
}

/** Just what deliverBatch uses of the event log, in memory. */
function memoryLog(events: Array<{ seq: number; attempts?: number; firstAttemptAt?: string }>) {
  const payload = sampleEvent();
  const records = new Map<number, QueuedEvent>(
    events.map((e) => [
      e.seq,
      {
        eventId: `evt-${e.seq}`,
        type: payload.Type,
        state: 'queued',
        seq: e.seq,
        receivedAt: '2026-01-01T00:00:00.000Z',
        deliveredAt: null,
        messageIds: [],
        attempts: e.attempts ?? 0,
        firstAttemptAt: e.firstAttemptAt ?? null,
        lastError: null,
        updatedAt: '2026-01-01T00:00:00.000Z',
        payloadErasedAt: null,
        deliveredBy: null,
        payload,
      } satisfies QueuedEvent,
    ]),
  );
  const begin = (seq: number, now: string): EventRecord | null => {
    const r = records.get(seq);
    if (!r || r.state !== 'queued') return null;
    const before = { ...r, messageIds: [...r.messageIds] };
    r.attempts++;
    r.firstAttemptAt ??= now;
    return before;
  };
  const deliver = (seq: number, messageIds: string[], at: string) => {
    const r = records.get(seq)!;
    Object.assign(r, { state: 'delivered', messageIds, deliveredAt: at });
  };
  const log = {
    async readQueued(_a: string, from: number, to: number) {
      return [...records.values()].filter((r) => r.state === 'queued' && r.seq >= from && r.seq <= to);
    },
    async beginAttempt(_a: string, seq: number, now: string) {
      return begin(seq, now);
    },
    async markDeliveredAndBegin(
      _a: string,
      d: { seq: number; messageIds: string[]; at: string },
      next: { seq: number; at: string },
    ) {
      deliver(d.seq, d.messageIds, d.at);
      return begin(next.seq, next.at);
    },
    async markDelivered(_a: string, seq: number, ids: string[], at: string) {
      deliver(seq, ids, at);
    },
    async markFailed(_a: string, seq: number, reason: string) {
      Object.assign(records.get(seq)!, { state: 'failed', lastError: reason });
    },
    async recordParts(_a: string, seq: number, ids: string[]) {
      records.get(seq)!.messageIds = [...ids];
    },
  };
  return { log: log as unknown as EventLog, records };
}

/**
 * A Webex client whose posts and reads fail as scripted (each call takes the next failure, else
 * succeeds); a failed post with `landed` stored the message before failing.
 */
function scriptedClient(room: WebexMessageSummary[] = []) {
  const calls: string[] = [];
  const postFailures: Array<{ error: WebexApiError; landed?: boolean }> = [];
  const listFailures: WebexApiError[] = [];
  let n = 0;
  const client = {
    async listMessages(_t: string, roomId: string) {
      calls.push('list');
      const failure = listFailures.shift();
      if (failure) throw failure;
      expect(roomId).toBe(ROOM);
      return [...room].reverse();
    },
    async postMessage(_t: string, msg: { roomId: string; text: string }) {
      calls.push('post');
      const failure = postFailures.shift();
      const message = { id: `msg-${++n}`, roomId: msg.roomId, text: msg.text, personId: ME, created: now() };
      if (!failure || failure.landed) room.push(message);
      if (failure) throw failure.error;
      return message;
    },
  };
  return { client: client as unknown as WebexClient, calls, room, postFailures, listFailures };
}

const now = () => new Date().toISOString();

const input = (over: Partial<DeliverBatchInput> = {}): DeliverBatchInput => ({
  accountId: 'acct',
  fromSeq: 1,
  toSeq: 10,
  accessToken: 'token',
  roomId: ROOM,
  personId: ME,
  afterMessageId: null,
  ...over,
});

const postError = (kind: 'rate_limited' | 'server' | 'timeout', mayHaveBeenApplied: boolean) =>
  new WebexApiError({
    kind,
    message: `Webex ${POST_MESSAGE_OPERATION} failed (${kind})`,
    retryable: true,
    mayHaveBeenApplied,
    operation: POST_MESSAGE_OPERATION,
  });

/** Runs one delivery attempt; answers its result or error and the heartbeats it sent. */
async function attempt(log: EventLog, client: WebexClient, heartbeatDetails?: unknown) {
  // The mock environment's worker log (an expected "Activity failed" per injected fault) is kept, not printed.
  const { env, heartbeats } = mockActivityEnvironment({
    heartbeatDetails,
    attempt: heartbeatDetails ? 2 : 1,
  });
  const outcome: { result?: DeliverBatchResult; error?: unknown } = await env
    .run(deliverBatch, log, client, input(), 50)
    .then(
      (result) => ({ result: result as DeliverBatchResult }),
      (error: unknown) => ({ error }),
    );
  return { ...outcome, heartbeats, last: heartbeats.at(-1) };
}

describe('postWithReadback', () => {
  const base = (over: Partial<PostInput> = {}): PostInput => ({
    accessToken: 't',
    roomId: ROOM,
    text: 'hello',
    personId: ME,
    afterMessageId: null,
    notBefore: '2026-01-01T00:00:00.000Z',
    verifyFirst: true,
    ...over,
  });
  const msg = (id: string, text: string, personId = ME, created = '2026-01-01T00:05:00.000Z') => ({
    id,
    text,
    personId,
    created,
  });

  it('posts without reading when no earlier attempt can have posted', async () => {
    const webex = scriptedClient([msg('m0', 'hello')]);
    const res = await postWithReadback(webex.client, base({ verifyFirst: false }), 50);
    expect(res).toEqual({ messageId: 'msg-1', alreadyPosted: false });
    expect(webex.calls).toEqual(['post']);
  });

  it('finds the message an earlier attempt posted, and does not post it again', async () => {
    const webex = scriptedClient([msg('m0', 'older'), msg('m1', 'hello'), msg('m2', 'newer')]);
    const res = await postWithReadback(webex.client, base(), 50);
    expect(res).toEqual({ messageId: 'm1', alreadyPosted: true });
    expect(webex.calls).toEqual(['list']);
  });

  it('ignores the same text by someone else, before our last message, or before the first attempt', async () => {
    for (const room of [
      [msg('m1', 'hello', 'someone-else')],
      [msg('m1', 'hello'), msg('mark', 'ours, recorded')],
      [msg('m1', 'hello', ME, '2025-12-31T23:00:00.000Z')],
    ]) {
      const webex = scriptedClient(room);
      const res = await postWithReadback(webex.client, base({ afterMessageId: 'mark' }), 50);
      expect(res.alreadyPosted).toBe(false);
      expect(webex.calls).toEqual(['list', 'post']);
    }
  });
});

describe('deliverBatch: read back before re-posting', () => {
  it('a first attempt posts at once; an event with an earlier attempt is read back first', async () => {
    const fresh = memoryLog([{ seq: 1 }]);
    const webex = scriptedClient();
    expect((await attempt(fresh.log, webex.client)).result).toMatchObject({ delivered: 1 });
    expect(webex.calls).toEqual(['post']);

    const retried = memoryLog([{ seq: 1, attempts: 1, firstAttemptAt: now() }]);
    const webex2 = scriptedClient();
    expect((await attempt(retried.log, webex2.client)).result).toMatchObject({ delivered: 1 });
    expect(webex2.calls).toEqual(['list', 'post']);
  });

  it('a post that may have landed (timeout, 5xx) is found by the next attempt, not posted twice', async () => {
    const { log, records } = memoryLog([{ seq: 1 }]);
    const webex = scriptedClient();
    // Webex stored the message, then the answer was lost.
    webex.postFailures.push({ error: postError('timeout', true), landed: true });
    const first = await attempt(log, webex.client);
    expect(first.error).toMatchObject({ kind: 'timeout', mayHaveBeenApplied: true });
    expect(first.heartbeats).toEqual([]); // nothing proven: the next attempt must look

    const second = await attempt(log, webex.client, first.last);
    expect(second.result).toMatchObject({ delivered: 1 });
    expect(records.get(1)).toMatchObject({ state: 'delivered', messageIds: ['msg-1'] });
    expect(webex.calls).toEqual(['post', 'list']);
    expect(webex.room).toHaveLength(1);
  });

  it('a post refused with 429 (mayHaveBeenApplied false) is retried without a read-back', async () => {
    const { log, records } = memoryLog([{ seq: 1 }]);
    const webex = scriptedClient();
    webex.postFailures.push({ error: postError('rate_limited', false) });

    const first = await attempt(log, webex.client);
    expect(first.error).toMatchObject({ kind: 'rate_limited', mayHaveBeenApplied: false });
    expect(first.last).toEqual({ lastMessageId: null, notPosted: { seq: 1, attempts: 1 } });

    webex.calls.length = 0;
    const second = await attempt(log, webex.client, first.last);
    expect(second.result).toMatchObject({ delivered: 1 });
    expect(webex.calls).toEqual(['post']);
    expect(records.get(1)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('the proof holds only for the attempt right after it: an attempt in between means reading back', async () => {
    const { log } = memoryLog([{ seq: 1 }]);
    const webex = scriptedClient();
    webex.postFailures.push({ error: postError('rate_limited', false) });
    const first = await attempt(log, webex.client);
    // Another attempt claimed the event and died without a word (e.g. the worker was killed).
    await log.beginAttempt('acct', 1, now());

    webex.calls.length = 0;
    expect((await attempt(log, webex.client, first.last)).result).toMatchObject({ delivered: 1 });
    expect(webex.calls).toEqual(['list', 'post']);
  });

  it('a failed read-back proves nothing, even though a GET cannot have been applied', async () => {
    const { log } = memoryLog([{ seq: 1, attempts: 1, firstAttemptAt: now() }]);
    const webex = scriptedClient();
    webex.listFailures.push(
      new WebexApiError({
        kind: 'server',
        message: 'Webex GET /messages failed: HTTP 503 (server)',
        retryable: true,
        mayHaveBeenApplied: false,
        operation: 'GET /messages',
      }),
    );
    const first = await attempt(log, webex.client);
    expect(first.error).toMatchObject({ kind: 'server', operation: 'GET /messages' });
    expect(first.heartbeats).toEqual([]);

    webex.calls.length = 0;
    await attempt(log, webex.client, first.last);
    expect(webex.calls).toEqual(['list', 'post']);
  });
});
