import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../temporal/paths';
import {
  POSTGRES_MAJOR_VERSION,
  SERVER_FILES_DIR,
  SQL_TOOL_BIN,
  TEMPORAL_DATABASES,
  paths,
  type Log,
} from './layout';
import { ensurePostgresInstalled, postgresMajorVersion, postgresUser } from './postgres-install';
import { alive, readPid } from './processes';

/**
 * The cluster's PostgreSQL server: starting it in a home's data folder (as the postgres OS user
 * when root), waiting for it, and its databases: Temporal's two schemas (the server's sql tool)
 * and the event log's database.
 */

const execFileAsync = promisify(execFile);

function asPostgresUser(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? postgresUser() : {};
}

export function postgresPid(home: string): number | undefined {
  const pid = readPid(path.join(paths(home).pgData, 'postmaster.pid'));
  return alive(pid) ? pid : undefined;
}

/** postmaster.pid: pid, data dir, start time, port, … */
export function runningPostgresPort(home: string): number | undefined {
  try {
    const port = Number(readFileSync(path.join(paths(home).pgData, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

export async function waitForPostgres(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL at ${url} did not answer: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export async function startPostgres(home: string, port: number, log: Log): Promise<void> {
  const binDir = ensurePostgresInstalled(log);
  const major = postgresMajorVersion(binDir);
  if (major !== POSTGRES_MAJOR_VERSION) {
    log(
      `note: PostgreSQL ${major} found; the cluster is tested (and docker-compose pinned) on ${POSTGRES_MAJOR_VERSION}`,
    );
  }
  const p = paths(home);
  const owner = asPostgresUser();
  mkdirSync(p.pgDir, { recursive: true });
  if (owner.uid !== undefined) chownSync(p.pgDir, owner.uid, owner.gid!);
  if (!existsSync(path.join(p.pgData, 'PG_VERSION'))) {
    log(`initializing a PostgreSQL ${major} data folder in ${path.relative(PROJECT_ROOT, p.pgData)}`);
    await execFileAsync(
      path.join(binDir, 'initdb'),
      ['-D', p.pgData, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-instructions'],
      { cwd: p.pgDir, ...owner },
    );
  }
  // pg_ctl daemonizes the server (it outlives `up`); its pid is in postmaster.pid.
  await execFileAsync(
    path.join(binDir, 'pg_ctl'),
    [
      '-D',
      p.pgData,
      '-l',
      p.pgLog,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${p.pgData} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB`,
      'start',
    ],
    { cwd: p.pgDir, ...owner },
  ).catch((err: Error) => {
    const tail = existsSync(p.pgLog) ? readFileSync(p.pgLog, 'utf8').split('\n').slice(-20).join('\n') : '';
    throw new Error(`PostgreSQL did not start: ${err.message}\n--- ${p.pgLog} ---\n${tail}`);
  });
}

export async function ensureDatabase(postgresUrl: string, name: string): Promise<boolean> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE ${name}`);
    return true;
  } finally {
    await client.end();
  }
}

async function hasSchemaVersion(postgresUrl: string, db: string): Promise<boolean> {
  const url = new URL(postgresUrl);
  url.pathname = `/${db}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const res = await client.query(`SELECT to_regclass('public.schema_version') IS NOT NULL AS present`);
    return Boolean((res.rows[0] as { present: boolean }).present);
  } finally {
    await client.end();
  }
}

/** create-database / setup-schema -v 0.0 (first time) / update-schema (always; a no-op when current). */
export async function setUpSchemas(postgresUrl: string, port: number, log: Log): Promise<void> {
  for (const db of TEMPORAL_DATABASES) {
    const common = [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(port),
      '-u',
      'postgres',
      '--pw',
      'x',
    ];
    const tool = (args: string[]) => execFileAsync(SQL_TOOL_BIN, [...common, '--db', db, ...args]);
    if (await ensureDatabase(postgresUrl, db)) log(`created database ${db}`);
    if (!(await hasSchemaVersion(postgresUrl, db))) {
      log(`setting up the ${db} schema`);
      await tool(['setup-schema', '-v', '0.0']);
    }
    const versioned = path.join(
      SERVER_FILES_DIR,
      'schema',
      'postgresql',
      'v12',
      db === 'temporal' ? 'temporal' : 'visibility',
      'versioned',
    );
    await tool(['update-schema', '-d', versioned]);
  }
}
