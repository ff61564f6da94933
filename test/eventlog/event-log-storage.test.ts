import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import { PayloadCipher } from '../../eventlog/payload-cipher';
import { DEFAULT_SQLITE_PATH, openEventLog } from '../../eventlog/open';
import { POSTGRES_MIGRATIONS } from '../../eventlog/sql/postgres-migrations';
import { SQLITE_MIGRATIONS } from '../../eventlog/sql/sqlite-migrations';
import { DATA_DIR } from '../../temporal/paths';
import type { EngineUnderTest } from './engines';
import { customerCreated, engines, NO_CAP, requests, testKey, uniqueAccount } from './engines';

const migrationVersions = (engine: EngineUnderTest['name']) =>
  (engine === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).map((m) => m.version);

/**
 * What is actually stored: read with plain SQL, bypassing the EventLog. No personal data in plain
 * text anywhere, ciphertext bound to its row, keys rotatable, migrations repeatable.
 */

/** The sample event's personal data (samples/events/customer-created.json). */
const PERSONAL = [
  'madeline.parsons@example.com',
  'Madeline',
  'Parsons',
  '7700900123',
  'Turnabout Road',
  'BN1 1AA',
];

type Raw = {
  tables(): Promise<Record<string, Record<string, unknown>[]>>;
  exec(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
};

async function rawAccess(engine: EngineUnderTest): Promise<Raw> {
  const location = await engine.location();
  if (engine.name === 'sqlite') {
    const db = new Database(location);
    return {
      async tables() {
        const names = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
          .pluck()
          .all() as string[];
        return Object.fromEntries(names.map((n) => [n, db.prepare(`SELECT * FROM "${n}"`).all() as never]));
      },
      async exec(sql, params) {
        db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new Client({ connectionString: location });
  await client.connect();
  return {
    async tables() {
      const { rows } = await client.query<{ t: string }>(
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'",
      );
      const out: Record<string, Record<string, unknown>[]> = {};
      for (const { t } of rows) out[t] = (await client.query(`SELECT * FROM "${t}"`)).rows;
      return out;
    },
    async exec(sql, params) {
      await client.query(sql, params);
    },
    close: () => client.end(),
  };
}

/** Every stored value as text, bytes decoded both as UTF-8 and Latin-1 so nothing hides. */
function dump(tables: Record<string, Record<string, unknown>[]>): string {
  return Object.values(tables)
    .flat()
    .flatMap((row) => Object.values(row))
    .map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') + v.toString('latin1') : String(v)))
    .join('\n');
}

describe.each(engines())('event log storage on $name', (engine) => {
  afterAll(() => engine.closeAll());

  test('no personal data from the payload is stored in plain text', async () => {
    const log = await engine.open();
    const accountId = uniqueAccount('plain');
    await log.activateAccount(accountId);
    await log.append(requests(accountId, ['p1', 'p2']), NO_CAP);
    await log.markFailed(accountId, 2, 'Webex answered 400 (bad request)', new Date().toISOString());
    expect(((await log.readQueued(accountId, 1, 1))[0]?.payload as BillsbyEvent).CustomerUniqueId).toBe(
      '5VL9JC0NE0',
    );
    const raw = await rawAccess(engine);
    try {
      const text = dump(await raw.tables());
      expect(text).toContain('p1'); // the dump does see the rows
      for (const value of PERSONAL) expect(text).not.toContain(value);
    } finally {
      await raw.close();
    }
    if (engine.name === 'sqlite') {
      // The database file and its WAL, byte for byte.
      const file = await engine.location();
      const dir = path.dirname(file);
      for (const name of readdirSync(dir)) {
        const bytes = readFileSync(path.join(dir, name)).toString('latin1');
        for (const value of PERSONAL)
          expect({ name, found: bytes.includes(value) }).toEqual({ name, found: false });
      }
    }
  });

  test("a row's ciphertext does not decrypt as another row's", async () => {
    const key = testKey('aad');
    const log = await engine.open({ keys: [key] });
    const [one, two] = [uniqueAccount('one'), uniqueAccount('two')];
    await log.activateAccount(one);
    await log.activateAccount(two);
    await log.append([...requests(one, ['x', 'y']), ...requests(two, ['x'])], NO_CAP);
    const raw = await rawAccess(engine);
    try {
      const rows = (await raw.tables()).events!.filter((r) => [one, two].includes(r.account_id as string));
      const sealed = (account: string, id: string) => {
        const row = rows.find((r) => r.account_id === account && r.event_id === id)!;
        return { payload: Buffer.from(row.payload as Buffer), keyId: row.payload_key_id as string };
      };
      const cipher = new PayloadCipher([key]);
      expect(cipher.open(one, 'x', sealed(one, 'x')).Id).toBe('x');
      expect(() => cipher.open(one, 'y', sealed(one, 'x'))).toThrow(); // another event
      expect(() => cipher.open(two, 'x', sealed(one, 'x'))).toThrow(); // another account, same Id
      // Moved inside the database, it fails on read instead of showing the other row's customer.
      await raw.exec('UPDATE events SET payload = $1 WHERE account_id = $2 AND event_id = $3', [
        sealed(one, 'x').payload,
        one,
        'y',
      ]);
      await expect(log.readQueued(one, 2, 2)).rejects.toThrow();
      expect((await log.readQueued(one, 1, 1))[0]?.payload).toEqual(customerCreated('x'));
    } finally {
      await raw.close();
    }
  });

  test('keys rotate: the first key encrypts, every configured key decrypts', async () => {
    const [k1, k2] = [testKey('k1-rot'), testKey('k2-rot')];
    const accountId = uniqueAccount('rotate');
    const before = await engine.open({ keys: [k1] });
    await before.activateAccount(accountId);
    await before.append(requests(accountId, ['old']), NO_CAP);
    const after = await engine.open({ keys: [k2, k1] });
    await after.append(requests(accountId, ['new']), NO_CAP);
    expect((await after.readQueued(accountId, 1, 2)).map((e) => e.payload.Id)).toEqual(['old', 'new']);
    const onlyNew = await engine.open({ keys: [k2] });
    await expect(onlyNew.readQueued(accountId, 1, 1)).rejects.toThrow(
      'No payload decryption key with id "k1-rot"',
    );
    expect((await onlyNew.readQueued(accountId, 2, 2))[0]?.payload.Id).toBe('new');
  });

  test('migrate() runs again, and from several instances at once, without harm', async () => {
    const log = await engine.open();
    await log.migrate();
    await Promise.all([log.migrate(), (await engine.open()).migrate(), (await engine.open()).migrate()]);
    const raw = await rawAccess(engine);
    try {
      const versions = (await raw.tables()).schema_migrations!.map((r) => Number(r.version));
      expect(versions).toEqual(migrationVersions(engine.name));
    } finally {
      await raw.close();
    }
  });
});

describe('openEventLog', () => {
  test('several processes opening a fresh PostgreSQL database at once migrate it once', async () => {
    const [postgres] = engines().filter((e) => e.name === 'postgres');
    try {
      const logs = await Promise.all(Array.from({ length: 4 }, () => postgres!.open()));
      expect(logs.map((l) => l.engine)).toEqual(['postgres', 'postgres', 'postgres', 'postgres']);
    } finally {
      await postgres!.closeAll();
    }
  });

  test('SQLite: a missing data folder is created 0700, the file and its WAL 0600', async () => {
    const dir = path.join(tmpdir(), `event-log-perm-${process.pid}-${Date.now()}`, 'data');
    const log = await openEventLog({ sqlitePath: path.join(dir, 'event-log.sqlite'), keys: [testKey()] });
    try {
      expect(log.engine).toBe('sqlite');
      await log.activateAccount('perm');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      for (const name of readdirSync(dir))
        expect([name, statSync(path.join(dir, name)).mode & 0o777]).toEqual([name, 0o600]);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(['event-log.sqlite', 'event-log.sqlite-wal']));
      const raw = new Database(path.join(dir, 'event-log.sqlite'), { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();
    } finally {
      await log.close();
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  test('the default SQLite file is in the data folder', () => {
    expect(DEFAULT_SQLITE_PATH).toBe(path.join(DATA_DIR, 'event-log.sqlite'));
  });
});
