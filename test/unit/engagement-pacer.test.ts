import { createRequestPacer } from '../../connectors/bill';
import { createSimulatedClock } from '../../simulators/bill';

const HOUR = 3_600_000;

describe('request pacer (BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR)', () => {
  it('spaces requests evenly, in arrival order, with no burst after a quiet spell', async () => {
    const clock = createSimulatedClock(10 * HOUR);
    const pacer = createRequestPacer(60, clock); // one a minute
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const done = await pacer.acquire();
        starts.push(done.at);
        done();
      }),
    );
    expect(starts.map((t) => (t - 10 * HOUR) / 60_000)).toEqual([0, 1, 2, 3, 4]);
    clock.advance(30 * 60_000); // quiet for half an hour: no saved-up allowance
    const a = await pacer.acquire();
    const t1 = clock.now();
    a();
    const b = await pacer.acquire();
    expect(clock.now() - t1).toBe(60_000);
    b();
  });

  it('never lets a clock hour pass the budget, counting a request in every hour it is in flight', async () => {
    const clock = createSimulatedClock(11 * HOUR - 1_000);
    const pacer = createRequestPacer(2, clock); // 30 minutes apart
    const late = await pacer.acquire(); // 10:59:59, still in flight at 11:00
    clock.advance(2_000);
    const first = await pacer.acquire(); // 11:29:59 (spacing), counts with `late` in hour 11
    expect(clock.now()).toBe(11 * HOUR + 30 * 60_000 - 1_000);
    late();
    first();
    // Hour 11 already holds 2 (the late one and this one): the next waits for 12:00.
    const next = await pacer.acquire();
    expect(clock.now()).toBe(12 * HOUR);
    next();
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(() => createRequestPacer(0)).toThrow(/positive integer/);
  });
});
