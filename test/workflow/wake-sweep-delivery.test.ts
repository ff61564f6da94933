import { closeTestConnections } from '../harness/temporal';
import {
  connectAsOwnUser,
  eventually,
  numberedEvent,
  roomTexts,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { parseBillsbyEvent } from '../../domain/billsby/parse-event';

/**
 * An idle integration waits for a wake-up signal with no timer. When the signal never comes (the
 * gateway was killed between the log's commit and the signal, or Temporal was down at the append),
 * the worker's wake sweep (workers/wake-sweep.ts) finds the account's stalled queue and wakes it.
 */

const STALLED_AFTER_MS = 2_000;
let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp({ wakeSweep: { intervalMs: 250, stalledAfterMs: STALLED_AFTER_MS } });
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

/** What the gateway does before its signal: the event is committed to the log, and nothing else. */
async function appendWithoutSignal(accountId: string, body: unknown): Promise<number> {
  const parsed = parseBillsbyEvent(body);
  if (!parsed.ok) throw new Error('bad test event');
  const [outcome] = await app.eventLog.append([{ accountId, event: parsed.event }], {
    maxUndelivered: 1_000,
  });
  expect(outcome).toMatchObject({ status: 'accepted' });
  return Date.now();
}

it('an event whose wake-up signal never came is delivered by the sweep within its bound', async () => {
  const accountId = `acct-sweep-${Date.now().toString(36)}`;
  const { roomId } = await connectAsOwnUser(app, accountId);
  expect((await sendEvent(app, accountId, numberedEvent('sw', 1))).status).toBe(202);
  await eventually(
    () => app.eventLog.counts(accountId),
    (c) => c.delivered === 1,
  );

  const committedAt = await appendWithoutSignal(accountId, numberedEvent('sw', 2));
  await eventually(
    () => app.eventLog.counts(accountId),
    (c) => c.delivered === 2,
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  const deliveredAfterMs = Date.now() - committedAt;
  // Not before the bound (nothing else looks at the log), and soon after it (a tick, a signal, a post).
  expect(deliveredAfterMs).toBeGreaterThanOrEqual(STALLED_AFTER_MS - 100);
  expect(deliveredAfterMs).toBeLessThan(STALLED_AFTER_MS + 10_000);
  expect(roomTexts(app, roomId)).toEqual([
    expect.stringContaining('sw-customer-1'),
    expect.stringContaining('sw-customer-2'),
  ]);
});

it('events appended while no worker runs (no workflow task to take a signal) are delivered after it returns', async () => {
  const accountId = `acct-sweep-down-${Date.now().toString(36)}`;
  const { roomId } = await connectAsOwnUser(app, accountId);
  await app.stopWorker(); // the worker, and its sweep, are gone
  for (let i = 1; i <= 3; i++) await appendWithoutSignal(accountId, numberedEvent('sd', i));
  await new Promise((resolve) => setTimeout(resolve, STALLED_AFTER_MS));
  expect((await app.eventLog.counts(accountId)).pending).toBe(3);
  await app.startWorker();
  await eventually(
    () => app.eventLog.counts(accountId),
    (c) => c.delivered === 3,
    { timeoutMs: 20_000 },
  );
  expect(roomTexts(app, roomId)).toEqual([1, 2, 3].map((i) => expect.stringContaining(`sd-customer-${i}`)));
});
