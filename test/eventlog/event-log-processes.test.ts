import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AppendOutcome, EventLog } from '../../eventlog/types';
import type { WorkerInput } from './append-worker';
import { engines, ids, NO_CAP, requests, testKey, uniqueAccount } from './engines';

/**
 * Several writers on the same storage: the gateway, the worker and the CLI each open the log.
 * Sequence numbers must be unique, gap-free and in commit order (a reader that sees seq n has
 * seen every seq below it), with no event lost and each Id accepted once.
 */

const run = promisify(execFile);
const WORKER = path.join(__dirname, 'append-worker.ts');

function checkSeqs(outcomes: AppendOutcome[], expected: number) {
  const seqs = outcomes.flatMap((o) => (o.status === 'accepted' ? [o.seq] : []));
  expect(seqs).toHaveLength(expected);
  expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
}

/** Polls while writers run: every read must see the seqs 1..n with no hole. */
function gapWatcher(log: EventLog, accountId: string) {
  let running = true;
  let reads = 0;
  const holes: string[] = [];
  const done = (async () => {
    while (running) {
      const seqs = (await log.list(accountId, { state: 'queued', limit: 100_000 })).map((e) => e.seq);
      reads += 1;
      if (seqs.some((seq, i) => seq !== i + 1))
        holes.push(`saw ${seqs.length} events ending ${seqs.slice(-3)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { reads, holes };
    },
  };
}

describe.each(engines())('several writers on one $name log', (engine) => {
  afterAll(() => engine.closeAll());

  test('two EventLog instances append concurrently to one account', async () => {
    const [a, b] = [await engine.open(), await engine.open()];
    const reader = await engine.open();
    const accountId = uniqueAccount('two');
    await a.activateAccount(accountId);
    const watcher = gapWatcher(reader, accountId);
    const writer = (log: EventLog, prefix: string) =>
      Promise.all(
        Array.from({ length: 5 }, async (_, caller) => {
          const outcomes: AppendOutcome[] = [];
          for (let batch = 0; batch < 8; batch += 1) {
            const batchIds = [...ids(`${prefix}-${caller}-${batch}`, 10), `shared-${caller}-${batch}`];
            outcomes.push(...(await log.append(requests(accountId, batchIds), NO_CAP)));
          }
          return outcomes;
        }),
      );
    const [fromA, fromB] = await Promise.all([writer(a, 'a'), writer(b, 'b')]);
    const { reads, holes } = await watcher.stop();
    const all = [...fromA.flat(), ...fromB.flat()];
    // 2 writers × 5 callers × 8 batches × 10 own ids, plus 40 shared ids sent by both writers.
    checkSeqs(all, 840);
    expect(all.filter((o) => o.status === 'duplicate')).toHaveLength(40);
    expect(holes).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(await reader.counts(accountId)).toMatchObject({ received: 840, duplicates: 40, pending: 840 });
  });

  test('three processes append concurrently to one account', async () => {
    const location = await engine.location();
    const key = testKey('proc');
    const log = await engine.open({ keys: [key] });
    const accountId = uniqueAccount('procs');
    await log.activateAccount(accountId);
    const watcher = gapWatcher(log, accountId);
    const workers = [0, 1, 2].map((n) => {
      const input: WorkerInput = {
        engine: engine.name,
        location,
        key: { id: key.id, base64: key.key.toString('base64') },
        accountId,
        // Every process also sends the same 30 shared ids: each must be accepted exactly once.
        ids: [...ids(`p${n}`, 200), ...ids('shared', 30)],
        batch: 20,
        concurrency: 4,
      };
      return run(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(input)], {
        cwd: path.join(__dirname, '..', '..'),
        timeout: 90_000,
      });
    });
    const outputs = await Promise.all(workers);
    const { holes } = await watcher.stop();
    const all = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as AppendOutcome[]);
    checkSeqs(all, 630);
    expect(all.filter((o) => o.status === 'duplicate')).toHaveLength(60);
    expect(holes).toEqual([]);
    expect(await log.counts(accountId)).toMatchObject({ received: 630, duplicates: 60, pending: 630 });
    const stored = await log.readQueued(accountId, 1, 630);
    expect(new Set(stored.map((e) => e.eventId)).size).toBe(630);
    expect(stored.every((e) => e.payload.Id === e.eventId)).toBe(true);
  });
});
