import Database from 'better-sqlite3';
import { Client } from 'pg';
import { POSTGRES_MIGRATIONS } from '../../eventlog/sql/postgres-migrations';
import { SQLITE_MIGRATIONS } from '../../eventlog/sql/sqlite-migrations';
import { CREATE_MIGRATIONS_TABLE } from '../../eventlog/sql/sqlite-statements';
import type { DeliveredBy, EventLog } from '../../eventlog/types';
import { engines, queuedAccount, type EngineUnderTest } from './engines';

/**
 * deliveredBy: the workflow run that delivered or failed an event, recorded by markDelivered,
 * markDeliveredAndBegin and markFailed and read back by get() and list(); null while queued,
 * when dropped, when the caller did not say, and once a redelivery re-queues the event.
 */

const RUN_A: DeliveredBy = { workflowId: 'webex-integration:acct', runId: 'run-a' };
const RUN_B: DeliveredBy = { workflowId: 'webex-integration:acct', runId: 'run-b' };
const AT = '2026-03-01T10:00:00.000Z';

describe.each(engines())('deliveredBy on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  const queued = (n: number) => queuedAccount(log, n);

  test('markDelivered and markFailed record the run; get() and list() read it back', async () => {
    const accountId = await queued(3);
    await log.markDelivered(accountId, 1, ['m1'], AT, RUN_A);
    await log.markFailed(accountId, 2, 'Webex answered 400', AT, RUN_B);
    expect(await log.get(accountId, 'e-0')).toMatchObject({ state: 'delivered', deliveredBy: RUN_A });
    expect(await log.get(accountId, 'e-1')).toMatchObject({ state: 'failed', deliveredBy: RUN_B });
    expect(await log.get(accountId, 'e-2')).toMatchObject({ state: 'queued', deliveredBy: null });
    const listed = await log.list(accountId, { limit: 10 });
    expect(listed.map((e) => [e.eventId, e.deliveredBy])).toEqual([
      ['e-2', null],
      ['e-1', RUN_B],
      ['e-0', RUN_A],
    ]);
    expect((await log.list(accountId, { state: 'delivered', limit: 10 }))[0]?.deliveredBy).toEqual(RUN_A);
  });

  test('markDeliveredAndBegin records the run on the delivered event; the claimed one stays unknown', async () => {
    const accountId = await queued(2);
    await log.beginAttempt(accountId, 1, AT);
    const next = await log.markDeliveredAndBegin(
      accountId,
      { seq: 1, messageIds: ['m1'], at: AT, by: RUN_A },
      { seq: 2, at: AT },
    );
    expect(next).toMatchObject({ eventId: 'e-1', deliveredBy: null });
    expect(await log.get(accountId, 'e-0')).toMatchObject({ state: 'delivered', deliveredBy: RUN_A });
    expect(await log.get(accountId, 'e-1')).toMatchObject({ state: 'queued', deliveredBy: null });
  });

  test('a finish that comes too late does not change who finished the event', async () => {
    const accountId = await queued(1);
    await log.markDelivered(accountId, 1, ['m1'], AT, RUN_A);
    await log.markDelivered(accountId, 1, ['other'], AT, RUN_B);
    await log.markFailed(accountId, 1, 'late', AT, RUN_B);
    expect(await log.get(accountId, 'e-0')).toMatchObject({ messageIds: ['m1'], deliveredBy: RUN_A });
  });

  test('null when the caller does not say, or knows only half of the run; wrong types are refused', async () => {
    const accountId = await queued(4);
    await log.markDelivered(accountId, 1, ['m1'], AT);
    await log.markFailed(accountId, 2, 'x', AT, { workflowId: 'webex-integration:acct', runId: '' });
    expect(await log.get(accountId, 'e-0')).toMatchObject({ state: 'delivered', deliveredBy: null });
    expect(await log.get(accountId, 'e-1')).toMatchObject({ state: 'failed', deliveredBy: null });
    await expect(
      log.markDelivered(accountId, 3, ['m'], AT, { workflowId: 7 } as unknown as DeliveredBy),
    ).rejects.toThrow(TypeError);
    expect(await log.get(accountId, 'e-2')).toMatchObject({ state: 'queued' });
  });

  test('dropped events have none; a redelivery that re-queues or marks delivered forgets it', async () => {
    const dropped = await queued(1);
    await log.closeAccount(dropped);
    expect(await log.get(dropped, 'e-0')).toMatchObject({ state: 'dropped', deliveredBy: null });

    const accountId = await queued(2);
    await log.markFailed(accountId, 1, 'x', AT, RUN_A);
    await log.markFailed(accountId, 2, 'x', AT, RUN_A);
    await log.redeliver(
      accountId,
      [
        { eventId: 'e-0', from: 'failed', to: 'queued', messageIds: [] },
        { eventId: 'e-1', from: 'failed', to: 'delivered', messageIds: ['found'] },
      ],
      AT,
    );
    expect(await log.get(accountId, 'e-0')).toMatchObject({ state: 'queued', deliveredBy: null });
    expect(await log.get(accountId, 'e-1')).toMatchObject({ state: 'delivered', deliveredBy: null });
  });
});

/**
 * A log written before step 5: built with plain SQL from steps 1–4 (an account with one delivered
 * and one queued event, neither ever claimed since), then opened, which applies the later steps.
 */
async function logFromBeforeStep5(engine: EngineUnderTest): Promise<void> {
  const at = '2026-01-01T00:00:00.000Z';
  const statements: [string, unknown[]][] = [
    [
      `INSERT INTO accounts (account_id, active, next_seq, received, delivered, queued, created_at, updated_at)
       VALUES ('old', ${engine.name === 'sqlite' ? 1 : 'true'}, 3, 2, 1, 1, '${at}', '${at}')`,
      [],
    ],
    ...['delivered', 'queued'].map((state, i): [string, unknown[]] => [
      `INSERT INTO events (account_id, seq, event_id, type, state, received_at, updated_at, delivered_at,
         message_ids, attempts, first_attempt_at, payload, payload_key_id)
       VALUES ('old', ${i + 1}, 'old-${i + 1}', 'CustomerCreated', '${state}', '${at}', '${at}',
         ${state === 'delivered' ? `'${at}'` : 'NULL'}, '[]', 1, '${at}', $1, 'k1')`,
      [Buffer.from([0])],
    ]),
  ];
  const location = await engine.location();
  if (engine.name === 'sqlite') {
    const db = new Database(location);
    db.exec(CREATE_MIGRATIONS_TABLE);
    for (const step of SQLITE_MIGRATIONS.filter((m) => m.version <= 4)) {
      db.exec(step.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        step.version,
        step.name,
        at,
      );
    }
    for (const [sql, params] of statements) db.prepare(sql.replace('$1', '?')).run(...params);
    db.close();
    return;
  }
  const client = new Client({ connectionString: location });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
    );
    for (const step of POSTGRES_MIGRATIONS.filter((m) => m.version <= 4)) {
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

describe.each(engines())('a log from before deliveredBy existed, on $name', (engine) => {
  afterAll(() => engine.closeAll());

  test('its finished events read back with deliveredBy null; its stalled account is listed to wake', async () => {
    await logFromBeforeStep5(engine);
    const log = await engine.open();
    expect(await log.get('old', 'old-1')).toMatchObject({ state: 'delivered', deliveredBy: null });
    expect(await log.get('old', 'old-2')).toMatchObject({ state: 'queued', attempts: 1, deliveredBy: null });
    // Claimed before the step (no last_attempt_at): its queue entry time alone decides.
    expect(await log.accountsToWake({ stalledBefore: '2026-01-01T00:00:01.000Z', limit: 10 })).toEqual([
      'old',
    ]);
    await log.markDelivered('old', 2, ['m-2'], '2026-01-02T00:00:00.000Z', RUN_A);
    expect(await log.get('old', 'old-2')).toMatchObject({ state: 'delivered', deliveredBy: RUN_A });
    expect(await log.accountsToWake({ stalledBefore: '2026-02-01T00:00:00.000Z', limit: 10 })).toEqual([]);
  });
});
