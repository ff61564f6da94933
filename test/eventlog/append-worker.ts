/**
 * A separate process appending to the event log, for the multi-process tests
 * (event-log-processes.test.ts runs several at once with `node --import tsx`).
 * Input: one JSON argument; output: one JSON line with the outcomes, in request order.
 */
import { openEventLog } from '../../eventlog/open';
import type { AppendOutcome } from '../../eventlog/types';
import { customerCreated } from './engines';

export interface WorkerInput {
  engine: 'sqlite' | 'postgres';
  location: string;
  key: { id: string; base64: string };
  accountId: string;
  ids: string[];
  batch: number;
  concurrency: number;
}

async function main() {
  const input = JSON.parse(process.argv[2]!) as WorkerInput;
  const keys = [{ id: input.key.id, key: Buffer.from(input.key.base64, 'base64') }];
  const log = await openEventLog(
    input.engine === 'postgres'
      ? { databaseUrl: input.location, keys }
      : { sqlitePath: input.location, keys },
  );
  const batches: string[][] = [];
  for (let i = 0; i < input.ids.length; i += input.batch) batches.push(input.ids.slice(i, i + input.batch));
  const outcomes: AppendOutcome[][] = new Array(batches.length);
  let next = 0;
  // A few concurrent callers, as the gateway's request handlers would be.
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      while (next < batches.length) {
        const index = next++;
        const requests = batches[index]!.map((id) => ({
          accountId: input.accountId,
          event: customerCreated(id),
        }));
        outcomes[index] = await log.append(requests, { maxUndelivered: 1_000_000 });
      }
    }),
  );
  await log.close();
  process.stdout.write(JSON.stringify(outcomes.flat()) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
