import type { EventLog } from '../../eventlog/types';
import { engines, queuedAccount } from './engines';

/**
 * markDeliveredAndBegin (one event's delivery and the next one's claim, in one transaction) and
 * lastMessageIdBefore (where a pipelined batch reads back from).
 */

describe.each(engines())('markDeliveredAndBegin on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  const queued = (n: number) => queuedAccount(log, n);

  test('records the delivery with its counters and claims the next event as beginAttempt does', async () => {
    const accountId = await queued(3);
    await log.beginAttempt(accountId, 1, '2026-01-01T00:00:00.000Z');
    const next = await log.markDeliveredAndBegin(
      accountId,
      { seq: 1, messageIds: ['m1'], at: '2026-01-01T00:00:01.000Z' },
      { seq: 2, at: '2026-01-01T00:00:01.000Z' },
    );
    expect(next).toMatchObject({
      eventId: 'e-1',
      seq: 2,
      state: 'queued',
      attempts: 0,
      firstAttemptAt: null,
    });
    expect(await log.get(accountId, 'e-0')).toMatchObject({
      state: 'delivered',
      messageIds: ['m1'],
      deliveredAt: '2026-01-01T00:00:01.000Z',
    });
    expect(await log.get(accountId, 'e-1')).toMatchObject({
      state: 'queued',
      attempts: 1,
      firstAttemptAt: '2026-01-01T00:00:01.000Z',
    });
    expect(await log.counts(accountId)).toMatchObject({ delivered: 1, pending: 2 });
    // A second claim of the same event answers the first claim, as beginAttempt does.
    const again = await log.markDeliveredAndBegin(
      accountId,
      { seq: 1, messageIds: ['other'], at: '2026-01-01T00:00:02.000Z' },
      { seq: 2, at: '2026-01-01T00:00:02.000Z' },
    );
    expect(again).toMatchObject({ attempts: 1, firstAttemptAt: '2026-01-01T00:00:01.000Z' });
    // The first event was no longer queued: its record and the counters did not change.
    expect(await log.get(accountId, 'e-0')).toMatchObject({ messageIds: ['m1'] });
    expect(await log.counts(accountId)).toMatchObject({ delivered: 1, pending: 2 });
  });

  test('answers null for a next event that is no longer queued, after recording the delivery', async () => {
    const accountId = await queued(2);
    await log.beginAttempt(accountId, 1, new Date().toISOString());
    await log.closeAccount(accountId);
    const at = new Date().toISOString();
    expect(
      await log.markDeliveredAndBegin(accountId, { seq: 1, messageIds: ['m'], at }, { seq: 2, at }),
    ).toBe(null);
    // Both were dropped by the uninstall: nothing is delivered after it.
    expect(await log.counts(accountId)).toMatchObject({ delivered: 0, pending: 0 });

    const other = await queued(1);
    await log.beginAttempt(other, 1, at);
    expect(await log.markDeliveredAndBegin(other, { seq: 1, messageIds: ['m'], at }, { seq: 99, at })).toBe(
      null,
    );
    expect(await log.get(other, 'e-0')).toMatchObject({ state: 'delivered', messageIds: ['m'] });
  });

  test('lastMessageIdBefore answers the newest message recorded before a seq', async () => {
    const accountId = await queued(4);
    const at = new Date().toISOString();
    expect(await log.lastMessageIdBefore(accountId, 4)).toBeNull();
    await log.markDelivered(accountId, 1, ['m1a', 'm1b'], at);
    await log.recordParts(accountId, 2, ['m2a']);
    expect(await log.lastMessageIdBefore(accountId, 2)).toBe('m1b');
    expect(await log.lastMessageIdBefore(accountId, 3)).toBe('m2a');
    // Events without messages (not posted yet) are skipped.
    expect(await log.lastMessageIdBefore(accountId, 5)).toBe('m2a');
    expect(await log.lastMessageIdBefore(accountId, 1)).toBeNull();
  });
});
