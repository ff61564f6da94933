/**
 * deliverySummary(): what the worker's metrics read on scrape (undelivered events over every
 * account, the oldest queue head's time, events by state), on both engines.
 */
import type { EventLog } from '../../eventlog/types';
import { engines, ids, NO_CAP, requests, uniqueAccount } from './engines';

describe.each(engines())('deliverySummary on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(async () => {
    await engine.closeAll();
  });

  it('is empty on an empty log', async () => {
    expect(await log.deliverySummary()).toEqual({
      byState: { queued: 0, delivered: 0, failed: 0, dropped: 0 },
      accountsWithQueued: 0,
      oldestQueuedAt: null,
    });
  });

  it('sums every account and finds the longest-waiting queue head', async () => {
    const [a, b, c] = [uniqueAccount('a'), uniqueAccount('b'), uniqueAccount('c')];
    for (const account of [a, b, c]) await log.activateAccount(account);
    await log.append(requests(a, ids('a', 3)), NO_CAP);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await log.append(requests(b, ids('b', 2)), NO_CAP);
    await log.append(requests(c, ids('c', 2)), NO_CAP);
    const [aHead] = await log.list(a, { state: 'queued', limit: 1 });

    // a: one delivered, one failed; c: uninstalled (both dropped).
    const aQueued = await log.list(a, { state: 'queued', limit: 10 });
    await log.beginAttempt(a, aQueued[0]!.seq, new Date().toISOString());
    await log.markDelivered(a, aQueued[0]!.seq, ['m1'], new Date().toISOString());
    await log.beginAttempt(a, aQueued[1]!.seq, new Date().toISOString());
    await log.markFailed(a, aQueued[1]!.seq, 'refused', new Date().toISOString());
    await log.closeAccount(c);

    const summary = await log.deliverySummary();
    expect(summary.byState).toEqual({ queued: 3, delivered: 1, failed: 1, dropped: 2 });
    expect(summary.accountsWithQueued).toBe(2);
    // a's head is now its third event (received first of all queued ones).
    const [aNow] = await log.list(a, { state: 'queued', limit: 1 });
    expect(aNow!.eventId).not.toBe(aHead!.eventId);
    expect(summary.oldestQueuedAt).toBe(aNow!.updatedAt);
    expect(Date.parse(summary.oldestQueuedAt!)).toBeLessThan(
      Date.parse((await log.list(b, { state: 'queued', limit: 1 }))[0]!.updatedAt),
    );

    // Delivering a's last queued event leaves b's head the oldest.
    await log.beginAttempt(a, aNow!.seq, new Date().toISOString());
    await log.markDelivered(a, aNow!.seq, ['m2'], new Date().toISOString());
    const after = await log.deliverySummary();
    expect(after.byState.queued).toBe(2);
    expect(after.accountsWithQueued).toBe(1);
    expect(after.oldestQueuedAt).toBe((await log.list(b, { state: 'queued', limit: 1 }))[0]!.updatedAt);
  });
});
