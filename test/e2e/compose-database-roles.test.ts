import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { openEventLog } from '../../eventlog/open';
import { ensureClusterBinaries } from '../../scripts/temporal-cluster/build';
import {
  EVENT_LOG_DATABASE,
  SERVER_FILES_DIR,
  SQL_TOOL_BIN,
  TEMPORAL_DATABASES,
} from '../../scripts/temporal-cluster/layout';
import { ensurePostgresInstalled, startTestPostgres, type TestPostgres } from '../harness/postgres';
import { testKeys } from '../harness/temporal';

/**
 * Issue 23: docker compose's event log runs as its own role, which owns only its database and
 * cannot open Temporal's. Docker cannot run here, so this runs the deployment's own scripts against
 * a throwaway PostgreSQL 15 cluster in the order compose runs them: what the postgres image does
 * on a new volume (superuser `temporal`, its database `temporal`), deploy/postgres-init/10-event-log.sh,
 * then the temporal-schema job's deploy/setup-postgres-schema.sh with the real Temporal sql tool
 * (scripts/temporal-cluster builds it). Then the product's event log opens as that role, and the role
 * tries Temporal's databases. Once for a new volume, once for one a previous version initialized
 * (event log owned by the superuser), which the script, run again by hand, hands over.
 */

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const SUPERUSER = 'temporal';
const SUPERUSER_PASSWORD = 'superuser-password-only-for-this-test';
const EVENT_LOG_PASSWORD = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const CLOSED_DATABASES = [...TEMPORAL_DATABASES, 'postgres', 'template1'];

jest.setTimeout(600_000);

interface Cluster {
  pg: TestPostgres;
  port: string;
  /** A connection URL for `user` on `db` (the cluster trusts loopback; passwords are not checked). */
  url(user: string, db: string, password?: string): string;
  query<T extends object>(user: string, db: string, sql: string, params?: unknown[]): Promise<T[]>;
}

async function startCluster(): Promise<Cluster> {
  const pg = await startTestPostgres();
  const port = new URL(pg.url).port;
  const url = (user: string, db: string, password?: string) =>
    `postgres://${user}${password ? `:${password}` : ''}@127.0.0.1:${port}/${db}`;
  const query = async <T extends object>(user: string, db: string, sql: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: url(user, db) });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return { pg, port, url, query };
}

/** What the postgres image does on a new volume with POSTGRES_USER=temporal (POSTGRES_DB defaults to it). */
async function initializeLikeThePostgresImage(cluster: Cluster) {
  await cluster.query(
    'postgres',
    'postgres',
    `CREATE ROLE ${SUPERUSER} SUPERUSER LOGIN PASSWORD '${SUPERUSER_PASSWORD}'`,
  );
  await cluster.query('postgres', 'postgres', `CREATE DATABASE ${SUPERUSER} OWNER ${SUPERUSER}`);
}

/** deploy/postgres-init/10-event-log.sh, as the image runs it (POSTGRES_USER, psql). */
async function runInitScript(cluster: Cluster, password = EVENT_LOG_PASSWORD) {
  return execFileAsync('sh', [path.join(ROOT, 'deploy/postgres-init/10-event-log.sh')], {
    env: {
      PATH: `${ensurePostgresInstalled()}:${process.env.PATH}`,
      PGHOST: '127.0.0.1',
      PGPORT: cluster.port,
      POSTGRES_USER: SUPERUSER,
      EVENT_LOG_DB_PASSWORD: password,
    },
  });
}

/** deploy/setup-postgres-schema.sh, as the temporal-schema job runs it, with the real sql tool. */
async function runSchemaJob(cluster: Cluster) {
  ensureClusterBinaries();
  const bin = mkdtempSync(path.join(tmpdir(), 'temporal-sql-tool-'));
  try {
    symlinkSync(SQL_TOOL_BIN, path.join(bin, 'temporal-sql-tool'));
    await execFileAsync('sh', [path.join(ROOT, 'deploy/setup-postgres-schema.sh')], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        POSTGRES_SEEDS: '127.0.0.1',
        DB_PORT: cluster.port,
        POSTGRES_USER: SUPERUSER,
        POSTGRES_PWD: SUPERUSER_PASSWORD,
        TEMPORAL_SCHEMA_ROOT: path.join(SERVER_FILES_DIR, 'schema', 'postgresql', 'v12'),
      },
    });
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

/** The worker's and gateway's DATABASE_URL in docker-compose.yml, on this cluster. */
const eventLogUrl = (cluster: Cluster) => cluster.url('eventlog', EVENT_LOG_DATABASE, EVENT_LOG_PASSWORD);

describe.each([
  {
    volume: 'a new volume',
    prepare: async (cluster: Cluster) => {
      await initializeLikeThePostgresImage(cluster);
      await runInitScript(cluster);
      await runSchemaJob(cluster);
      // Every `docker compose up` runs the schema job again.
      await runSchemaJob(cluster);
    },
  },
  {
    volume: 'a volume initialized before the role (event log owned by the superuser)',
    prepare: async (cluster: Cluster) => {
      // The previous deployment: the init script made an empty database and the worker and gateway
      // created the event log's tables as the superuser (DATABASE_URL temporal:temporal).
      await initializeLikeThePostgresImage(cluster);
      await cluster.query(SUPERUSER, 'postgres', `CREATE DATABASE ${EVENT_LOG_DATABASE}`);
      await runSchemaJob(cluster);
      const old = await openEventLog({
        databaseUrl: cluster.url(SUPERUSER, EVENT_LOG_DATABASE),
        keys: testKeys(),
      });
      expect(await old.consumeToken('written-before-the-upgrade', new Date(Date.now() + 3_600_000))).toBe(
        true,
      );
      await old.close();
      // The upgrade: the script, run by hand (README), then compose up as usual.
      await runInitScript(cluster);
      await runSchemaJob(cluster);
    },
  },
])('docker compose’s databases on $volume', ({ volume, prepare }) => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
    await prepare(cluster);
  });
  afterAll(async () => {
    await cluster?.pg.stop();
  });

  it('the event-log role may log in, nothing more, with a SCRAM password', async () => {
    const [role] = await cluster.query<Record<string, unknown>>(
      SUPERUSER,
      'postgres',
      `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolinherit,
              rolpassword LIKE 'SCRAM-SHA-256$%' AS scram,
              (SELECT count(*)::int FROM pg_auth_members WHERE member = pg_authid.oid) AS memberships
         FROM pg_authid WHERE rolname = 'eventlog'`,
    );
    expect(role).toEqual({
      rolcanlogin: true,
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
      rolbypassrls: false,
      rolinherit: true,
      scram: true,
      memberships: 0,
    });
  });

  it('it cannot connect to Temporal’s databases (nor postgres, template1)', async () => {
    for (const db of CLOSED_DATABASES) {
      const client = new Client({ connectionString: cluster.url('eventlog', db, EVENT_LOG_PASSWORD) });
      await expect(client.connect()).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(`permission denied for database "${db}"`),
      });
      await client.end().catch(() => undefined);
    }
  });

  it('and holds no privilege on their tables, which the real schema tool created as the superuser', async () => {
    for (const db of TEMPORAL_DATABASES) {
      const [facts] = await cluster.query<{
        tables: number;
        readable: boolean;
        writable: boolean;
        connect: boolean;
      }>(
        SUPERUSER,
        db,
        `SELECT count(*)::int AS tables,
                coalesce(bool_or(has_table_privilege('eventlog', format('%I.%I', schemaname, tablename), 'SELECT')), false) AS readable,
                coalesce(bool_or(has_table_privilege('eventlog', format('%I.%I', schemaname, tablename), 'INSERT,UPDATE,DELETE,TRUNCATE')), false) AS writable,
                has_database_privilege('eventlog', current_database(), 'CONNECT') AS connect
           FROM pg_tables WHERE schemaname = 'public'`,
      );
      expect({ db, ...facts, tables: facts!.tables > 2 }).toEqual({
        db,
        tables: true,
        readable: false,
        writable: false,
        connect: false,
      });
      const [version] = await cluster.query<{ curr_version: string }>(
        SUPERUSER,
        db,
        'SELECT curr_version FROM schema_version',
      );
      expect(version!.curr_version).toMatch(/^1\.\d+/);
    }
  });

  it('the product’s event log opens as that role (DATABASE_URL), creates or keeps its tables, and owns them', async () => {
    for (let start = 0; start < 2; start++) {
      const log = await openEventLog({ databaseUrl: eventLogUrl(cluster), keys: testKeys() });
      try {
        expect(await log.consumeToken(`token-${start}`, new Date(Date.now() + 3_600_000))).toBe(true);
        if (volume.startsWith('a volume initialized'))
          expect(await log.consumeToken('written-before-the-upgrade', new Date(Date.now() + 3_600_000))).toBe(
            false,
          );
      } finally {
        await log.close();
      }
    }
    const owners = await cluster.query<{ owner: string; tables: number }>(
      SUPERUSER,
      EVENT_LOG_DATABASE,
      `SELECT tableowner AS owner, count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public' GROUP BY 1`,
    );
    expect(owners).toEqual([{ owner: 'eventlog', tables: expect.any(Number) }]);
    expect(owners[0]!.tables).toBeGreaterThan(5);
    const [db] = await cluster.query<{ owner: string; public_connect: boolean }>(
      SUPERUSER,
      'postgres',
      `SELECT pg_get_userbyid(datdba) AS owner,
              has_database_privilege('public', datname, 'CONNECT') AS public_connect
         FROM pg_database WHERE datname = $1`,
      [EVENT_LOG_DATABASE],
    );
    expect(db).toEqual({ owner: 'eventlog', public_connect: false });
  });

  it('the init script runs again safely, and refuses a password that cannot go into DATABASE_URL', async () => {
    await runInitScript(cluster);
    await expect(runInitScript(cluster, 'abc/def+ghi=jkl@mno:pqr0123456789')).rejects.toMatchObject({
      stderr: expect.stringContaining('EVENT_LOG_DB_PASSWORD must be at least 24 of'),
    });
    await expect(runInitScript(cluster, 'short')).rejects.toMatchObject({
      stderr: expect.stringContaining('EVENT_LOG_DB_PASSWORD must be'),
    });
    const log = await openEventLog({ databaseUrl: eventLogUrl(cluster), keys: testKeys() });
    await log.close();
  });
});
