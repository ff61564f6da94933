import Database from 'better-sqlite3';
import { Client } from 'pg';
import { onceKeyOf } from '../../domain/billsby/public-event';
import { PayloadCipher } from '../../eventlog/payload-cipher';
import { POSTGRES_MIGRATIONS } from '../../eventlog/sql/postgres-migrations';
import { SQLITE_MIGRATIONS } from '../../eventlog/sql/sqlite-migrations';
import { CREATE_MIGRATIONS_TABLE } from '../../eventlog/sql/sqlite-statements';
import {
  customerCreated,
  engines,
  ignoredRequest,
  NO_CAP,
  publicInvoicePaid,
  rawQuery,
  testKey,
  type EngineUnderTest,
} from './engines';

/**
 * A log written before step 7 (ignored events, once keys, last-known details, Billsby
 * credentials): built with plain SQL from steps 1–6, then opened, which applies step 7. Its
 * events, counters and seqs carry on.
 */

const AT = '2026-01-01T00:00:00.000Z';
const key = testKey('v6');

/** Account 'old': old-1 delivered, old-2 queued (payloads sealed as the engines seal them), next seq 3. */
async function logAtStep6(engine: EngineUnderTest): Promise<void> {
  const cipher = new PayloadCipher([key]);
  const sealed = (id: string) => cipher.sealEvent('old', customerCreated(id));
  const active = engine.name === 'sqlite' ? 1 : 'true';
  const statements: [string, unknown[]][] = [
    [
      `INSERT INTO accounts (account_id, active, next_seq, received, duplicates, delivered, queued, created_at, updated_at)
       VALUES ('old', ${active}, 3, 2, 1, 1, 1, '${AT}', '${AT}')`,
      [],
    ],
    ...['delivered', 'queued'].map((state, i): [string, unknown[]] => {
      const { payload, keyId, customerTag } = sealed(`old-${i + 1}`);
      return [
        `INSERT INTO events (account_id, seq, event_id, type, state, received_at, updated_at, delivered_at,
           message_ids, payload, payload_key_id, customer_tag)
         VALUES ('old', ${i + 1}, 'old-${i + 1}', 'CustomerCreated', '${state}', '${AT}', '${AT}',
           ${state === 'delivered' ? `'${AT}'` : 'NULL'}, '[]', $1, $2, $3)`,
        [payload, keyId, customerTag],
      ];
    }),
  ];
  const location = await engine.location();
  if (engine.name === 'sqlite') {
    const db = new Database(location);
    db.exec(CREATE_MIGRATIONS_TABLE);
    for (const step of SQLITE_MIGRATIONS.filter((m) => m.version <= 6)) {
      db.exec(step.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        step.version,
        step.name,
        AT,
      );
    }
    for (const [sql, params] of statements) db.prepare(sql.replace(/\$\d/g, '?')).run(...params);
    db.close();
    return;
  }
  const client = new Client({ connectionString: location });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
    );
    for (const step of POSTGRES_MIGRATIONS.filter((m) => m.version <= 6)) {
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
        step.version,
        step.name,
      ]);
    }
    for (const [sql, params] of statements) await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describe.each(engines())('a log from before step 7, on $name', (engine) => {
  afterAll(() => engine.closeAll());

  test('opens migrated: counters, seqs, payloads and dedupe carry on; the new tables work', async () => {
    await logAtStep6(engine);
    const log = await engine.open({ keys: [key] });
    const versions = await rawQuery(engine, 'SELECT version FROM schema_migrations ORDER BY version');
    // Every step since applies on top (8: engagement documents, 9: the shared BILL budget,
    // 10: forgotten customers).
    expect(versions.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await log.counts('old')).toEqual({
      received: 2,
      delivered: 1,
      duplicates: 1,
      pending: 1,
      failed: 0,
      dropped: 0,
      ignored: 0,
    });
    expect((await log.readQueued('old', 1, 2)).map((e) => e.payload)).toEqual([customerCreated('old-2')]);

    const paid = publicInvoicePaid('new-2', 'INV-1');
    expect(
      await log.append(
        [
          ignoredRequest('old', 'old-1'), // an old event's id
          ignoredRequest('old', 'new-1'),
          { accountId: 'old', event: paid, onceKey: onceKeyOf(paid) },
          { accountId: 'old', event: publicInvoicePaid('new-3', 'INV-1'), onceKey: onceKeyOf(paid) },
        ],
        NO_CAP,
      ),
    ).toEqual([
      { status: 'duplicate' },
      { status: 'ignored', seq: 3 },
      { status: 'accepted', seq: 4 },
      { status: 'ignored', seq: 5 },
    ]);
    expect((await log.list('old', { limit: 10 })).map((e) => [e.seq, e.eventId, e.state])).toEqual([
      [5, 'new-3', 'ignored'],
      [4, 'new-2', 'queued'],
      [3, 'new-1', 'ignored'],
      [2, 'old-2', 'queued'],
      [1, 'old-1', 'delivered'],
    ]);
    expect(await log.counts('old')).toMatchObject({ received: 3, duplicates: 2, pending: 2, ignored: 2 });

    await log.putBillsbyCredentials('old', { companyDomain: 'acme', apiKey: 'k' }, AT);
    expect((await log.getBillsbyAccount('old'))?.credentials).toEqual({ companyDomain: 'acme', apiKey: 'k' });
    expect(
      await log.storeFilled(
        'old',
        [
          {
            seq: 2,
            event: customerCreated('old-2'),
            lastKnown: {
              customerUniqueId: '5VL9JC0NE0',
              details: { Email: 'x@example.com' },
            },
          },
        ],
        AT,
      ),
    ).toEqual([2]);
    expect((await log.lastKnownDetails('old', ['5VL9JC0NE0'])).get('5VL9JC0NE0')).toEqual({
      Email: 'x@example.com',
    });
    // Opening again applies nothing twice.
    await (await engine.open({ keys: [key] })).migrate();
    expect(await log.counts('old')).toMatchObject({ ignored: 2 });
  });
});
