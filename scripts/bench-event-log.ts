/**
 * Event-log append throughput on both engines: C concurrent callers, each appending batches of B
 * events to its own account (or all to one account with --one-account), for N events in all.
 *
 *   npx tsx scripts/bench-event-log.ts [--events 20000] [--batch 50] [--callers 10] [--one-account]
 *
 * PostgreSQL: DATABASE_URL when set, else a throwaway local cluster (test/harness/postgres.ts).
 * SQLite: a file in a temp folder. Prints events/s and per-append latency percentiles.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BillsbyEvent } from '../domain/billsby/event-schema';
import { openEventLog } from '../eventlog/open';
import type { EventLog } from '../eventlog/types';
import { createTestDatabase, startTestPostgres } from '../test/harness/postgres';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '50' },
    callers: { type: 'string', default: '10' },
    'one-account': { type: 'boolean', default: false },
  },
});
const total = Number(values.events);
const batch = Number(values.batch);
const callers = Number(values.callers);
const sample = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'samples', 'events', 'customer-created.json'), 'utf8'),
) as BillsbyEvent;

async function bench(log: EventLog): Promise<string> {
  const run = randomUUID().slice(0, 8);
  const accounts = Array.from({ length: callers }, (_, i) =>
    values['one-account'] ? `bench-${run}` : `bench-${run}-${i}`,
  );
  for (const accountId of new Set(accounts)) await log.activateAccount(accountId);
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    accounts.map(async (accountId, caller) => {
      while (sent < total) {
        const ids = Array.from({ length: Math.min(batch, total - sent) }, () => `${caller}-${sent++}`);
        const t = performance.now();
        const outcomes = await log.append(
          ids.map((id) => ({ accountId, event: { ...sample, Id: id } })),
          { maxUndelivered: 10_000_000 },
        );
        latencies.push(performance.now() - t);
        if (outcomes.some((o) => o.status !== 'accepted')) throw new Error('an append was not accepted');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  return `${Math.round(total / seconds)} events/s (${latencies.length} appends; latency ms p50 ${p(0.5)}, p99 ${p(0.99)}, max ${p(1)})`;
}

async function main() {
  const keys = [{ id: 'bench', key: randomBytes(32) }];
  const shape = `${total} events, batches of ${batch}, ${callers} callers, ${values['one-account'] ? 'one account' : 'an account each'}`;
  console.log(shape);

  const dir = mkdtempSync(path.join(tmpdir(), 'event-log-bench-'));
  const sqlite = await openEventLog({ sqlitePath: path.join(dir, 'log.sqlite'), keys });
  console.log(`sqlite:   ${await bench(sqlite)}`);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });

  const cluster = process.env.DATABASE_URL ? undefined : await startTestPostgres();
  try {
    const url = process.env.DATABASE_URL ?? (await createTestDatabase(cluster!.url));
    const postgres = await openEventLog({ databaseUrl: url, keys });
    console.log(`postgres: ${await bench(postgres)}`);
    await postgres.close();
  } finally {
    await cluster?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
