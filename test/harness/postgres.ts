import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  ensurePostgresInstalled,
  findPostgresBinDir,
  INSTALL_SCRIPT,
  postgresUser,
} from '../../scripts/temporal-cluster/postgres-install';
import { freePort } from './free-port';

/**
 * A throwaway PostgreSQL cluster for the test run: initdb into a temp folder, the server on a free
 * loopback port (fsync on, as in production), and a fresh database per test file. Global setup
 * starts one cluster and exports TEST_DATABASE_URL (its `postgres` database) to the test files.
 */

const execFileAsync = promisify(execFile);

export { ensurePostgresInstalled, findPostgresBinDir, INSTALL_SCRIPT };

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a cluster. PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS
 * user. A small shell stays between us and the server: when this process exits (even killed), its
 * stdin closes and it stops the server, so no cluster outlives the test run.
 */
export async function startTestPostgres(binDir = ensurePostgresInstalled()): Promise<TestPostgres> {
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  removeStaleClusters();
  const base = mkdtempSync(path.join(tmpdir(), 'billsby-test-pg-'));
  if (owner) chownSync(base, owner.uid, owner.gid);
  const dataDir = path.join(base, 'data');
  const asOwner = { cwd: base, ...(owner ?? {}) };
  // --no-sync: a crash during initdb just fails this run; the server itself keeps fsync on.
  await execFileAsync(
    path.join(binDir, 'initdb'),
    [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    asOwner,
  );
  const port = await freePort();
  const logFile = path.join(base, 'postgres.log');
  const logFd = openSync(logFile, 'a', 0o600);
  if (owner) chownSync(logFile, owner.uid, owner.gid);
  const watchdog =
    'exec 3<&0; "$@" </dev/null 3<&- & pid=$!; cat <&3 >/dev/null; kill -INT "$pid"; wait "$pid"';
  const server = spawn(
    'sh',
    [
      '-c',
      watchdog,
      'postgres-watchdog',
      path.join(binDir, 'postgres'),
      ...['-D', dataDir, '-p', String(port), '-k', base],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_buffers=64MB'],
    ],
    { ...asOwner, stdio: ['pipe', logFd, logFd] },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = () => stopServer(server, base);
  try {
    await waitUntilReady(url, server, 30_000);
  } catch (err) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    await stop();
    throw new Error(`${(err as Error).message}\n--- postgres log ---\n${tail}`);
  }
  return { url, stop };
}

/** Folders left by runs that were killed (their watchdog stopped the server, nobody removed them). */
function removeStaleClusters(): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('billsby-test-pg-'))) {
    const dir = path.join(tmpdir(), name);
    try {
      if (!existsSync(path.join(dir, 'data', 'postmaster.pid')) && statSync(dir).mtimeMs < hourAgo) {
        rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // Another run's folder, or already removed.
    }
  }
}

async function waitUntilReady(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with code ${server.exitCode}`);
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`postgres did not accept connections: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function stopServer(server: ChildProcess, base: string): Promise<void> {
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.stdin?.end(); // the watchdog asks for a fast shutdown and waits for it
    const timer = setTimeout(() => killPostmaster(base), 15_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(base, { recursive: true, force: true });
}

/** Last resort when a fast shutdown hangs: the server's own pid is in its lock file. */
function killPostmaster(base: string): void {
  try {
    const pid = Number(readFileSync(path.join(base, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The run's cluster (see global-setup.ts). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error('TEST_DATABASE_URL is not set: run tests through jest (global setup starts PostgreSQL)');
  return url;
}

/** A new, empty database on the run's cluster; answers its URL. */
export async function createTestDatabase(baseUrl = testDatabaseUrl()): Promise<string> {
  const name = `test_${randomBytes(8).toString('hex')}`;
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
