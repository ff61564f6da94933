import type { EventLog } from '../../eventlog/types';
import { engines, ids, NO_CAP, requests, uniqueAccount } from './engines';

/** Dedupe is forever, not a window: the first Id still answers duplicate 50,000 events later. */

describe.each(engines())('event log on $name at scale', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  test('the same Id sent again after 50,000 other events still answers duplicate', async () => {
    const accountId = uniqueAccount('scale');
    await log.activateAccount(accountId);
    const all = ids('evt', 50_001);
    for (let from = 0; from < all.length; from += 1000) {
      const outcomes = await log.append(requests(accountId, all.slice(from, from + 1000)), NO_CAP);
      expect(outcomes.every((o, i) => o.status === 'accepted' && o.seq === from + i + 1)).toBe(true);
    }
    expect(await log.append(requests(accountId, ['evt-0', 'evt-50000', 'evt-50001']), NO_CAP)).toEqual([
      { status: 'duplicate' },
      { status: 'duplicate' },
      { status: 'accepted', seq: 50_002 },
    ]);
    expect(await log.counts(accountId)).toEqual({
      received: 50_002,
      delivered: 0,
      duplicates: 2,
      pending: 50_002,
      failed: 0,
      dropped: 0,
      ignored: 0,
    });
    expect(await log.peekQueued(accountId, 2)).toEqual([
      { seq: 1, eventId: 'evt-0', type: 'CustomerCreated' },
      { seq: 2, eventId: 'evt-1', type: 'CustomerCreated' },
    ]);
    expect((await log.list(accountId, { limit: 1 }))[0]?.seq).toBe(50_002);
    // Closing drops them all at once, and the counters follow exactly.
    expect(await log.closeAccount(accountId)).toBe(50_002);
    expect(await log.counts(accountId)).toMatchObject({ pending: 0, dropped: 50_002 });
  });
});
