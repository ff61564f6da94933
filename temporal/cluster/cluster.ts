import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../paths';
import { TEMPORAL_RETENTION_HOURS } from '../retention';
import { PRODUCT_SEARCH_ATTRIBUTES, searchAttributeTypeName } from '../search-attributes';
import { waitForTemporal } from '../wait-for-server';
import { ensurePostgresInstalled, postgresMajorVersion, postgresUser } from './postgres-install';

/**
 * A real Temporal cluster on this machine, without Docker: the pinned Temporal server built from
 * source with `go install`, on PostgreSQL (Debian's package), with the product's namespace, search
 * attributes, dynamic config and event-log database. `npm run cluster -- up|down|status`
 * (scripts/cluster.ts); the production-topology tests and bench:chaos start their own instance in
 * another home folder with the same code.
 *
 * Everything lives in a home folder (default `.temporal/cluster`, git-ignored):
 *   bin/                 server and sql (the sql tool), built once, shared by every home
 *   go/                  GOPATH, GOMODCACHE and GOCACHE of the build
 *   server-<version>/    the module's config/development-postgres12.yaml and PostgreSQL schemas
 *   <home>/postgres/     data folder (owned by the postgres OS user when root) and its log
 *   <home>/temporal/     derived config, dynamic config, the server's log and pid file
 *   <home>/state.json    the ports, so a second `up` gives the same addresses
 */

export const TEMPORAL_SERVER_VERSION = 'v1.31.2';
/** The PostgreSQL major version the cluster is tested on (Debian 12's package); compose uses it too. */
export const POSTGRES_MAJOR_VERSION = 15;
export const EVENT_LOG_DATABASE = 'billsby_events';
export const TEMPORAL_DATABASES = ['temporal', 'temporal_visibility'] as const;
export const CLUSTER_NAMESPACE = 'default';
/** Fixed for the life of a cluster's database (docker-compose sets the same). */
export const NUM_HISTORY_SHARDS = 4;
/** The same as the embedded dev server's (temporal/retention.ts). */
export const NAMESPACE_RETENTION_HOURS = TEMPORAL_RETENTION_HOURS;
/** The dynamic config the product needs; docker compose mounts the same file. */
export const DYNAMIC_CONFIG_FILE = path.join(PROJECT_ROOT, 'deploy', 'dynamicconfig', 'development-sql.yaml');

export const CLUSTER_ROOT = path.join(PROJECT_ROOT, '.temporal', 'cluster');
export const DEFAULT_HOME = CLUSTER_ROOT;
export const BIN_DIR = path.join(CLUSTER_ROOT, 'bin');
const GO_DIR = path.join(CLUSTER_ROOT, 'go');
const MODULE = 'go.temporal.io/server';
export const SERVER_FILES_DIR = path.join(CLUSTER_ROOT, `server-${TEMPORAL_SERVER_VERSION}`);
/** `go install` names them after their packages: cmd/server → server, cmd/tools/sql → sql. */
export const SERVER_BIN = path.join(BIN_DIR, 'server');
export const SQL_TOOL_BIN = path.join(BIN_DIR, 'sql');

const execFileAsync = promisify(execFile);
type Log = (line: string) => void;

export interface ClusterPorts {
  postgres: number;
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  pprof: number;
  metrics: number;
}

export interface ClusterInfo {
  home: string;
  temporalAddress: string;
  namespace: string;
  /** The event log's database: postgres://postgres@127.0.0.1:PORT/billsby_events */
  databaseUrl: string;
  /** The cluster's PostgreSQL `postgres` database (for creating more databases). */
  postgresUrl: string;
  ports: ClusterPorts;
}

export interface ClusterOptions {
  home?: string;
  log?: Log;
}

const paths = (home: string) => ({
  state: path.join(home, 'state.json'),
  pgDir: path.join(home, 'postgres'),
  pgData: path.join(home, 'postgres', 'data'),
  pgLog: path.join(home, 'postgres', 'postgres.log'),
  temporalDir: path.join(home, 'temporal'),
  temporalPid: path.join(home, 'temporal', 'temporal-server.pid'),
  temporalLog: path.join(home, 'temporal', 'temporal-server.log'),
});

// ---------------------------------------------------------------- build

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPATH: GO_DIR,
    GOMODCACHE: path.join(GO_DIR, 'pkg', 'mod'),
    GOCACHE: path.join(GO_DIR, 'cache'),
    GOBIN: BIN_DIR,
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
  };
}

/** The server and sql tool binaries and the module's config and schemas; built when missing. */
export function ensureClusterBinaries(log: Log = () => {}): void {
  const built = existsSync(SERVER_BIN) && existsSync(SQL_TOOL_BIN);
  if (built && existsSync(SERVER_FILES_DIR)) return;
  if (!built) buildBinaries(log);
  copyServerFiles(log);
}

function requireGo(): string {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      `Building the Temporal server ${TEMPORAL_SERVER_VERSION} needs Go (1.26.8 or newer, from https://go.dev/dl/, ` +
        `e.g. /usr/local/go/bin on PATH); "go version" failed: ${go.error?.message ?? go.stderr}`,
    );
  }
  return go.stdout.trim();
}

function buildBinaries(log: Log): void {
  const goVersion = requireGo();
  mkdirSync(BIN_DIR, { recursive: true });
  const started = Date.now();
  for (const cmd of ['cmd/server', 'cmd/tools/sql']) {
    log(
      `building ${MODULE}/${cmd}@${TEMPORAL_SERVER_VERSION} with ${goVersion} into ${path.relative(PROJECT_ROOT, BIN_DIR)} (about 5 minutes the first time)`,
    );
    const built = spawnSync('go', ['install', `${MODULE}/${cmd}@${TEMPORAL_SERVER_VERSION}`], {
      env: goEnv(),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (built.status !== 0) throw new Error(`go install ${MODULE}/${cmd}@${TEMPORAL_SERVER_VERSION} failed`);
  }
  log(`built the Temporal server and sql tool in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Keeps what the server needs from the module (its config template and schemas) next to the
 * binaries, so the module cache can be deleted (or left out of a CI cache).
 */
function copyServerFiles(log: Log): void {
  const moduleDir = path.join(goEnv().GOMODCACHE!, `${MODULE}@${TEMPORAL_SERVER_VERSION}`);
  if (!existsSync(moduleDir)) {
    requireGo();
    log(`downloading ${MODULE}@${TEMPORAL_SERVER_VERSION} (config and schemas)`);
    const got = spawnSync('go', ['mod', 'download', `${MODULE}@${TEMPORAL_SERVER_VERSION}`], {
      env: goEnv(),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (got.status !== 0) throw new Error(`go mod download ${MODULE}@${TEMPORAL_SERVER_VERSION} failed`);
  }
  const staging = `${SERVER_FILES_DIR}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.join(staging, 'config'), { recursive: true });
  copyFileSync(
    path.join(moduleDir, 'config', 'development-postgres12.yaml'),
    path.join(staging, 'config', 'development-postgres12.yaml'),
  );
  cpSync(
    path.join(moduleDir, 'schema', 'postgresql', 'v12'),
    path.join(staging, 'schema', 'postgresql', 'v12'),
    {
      recursive: true,
    },
  );
  rmSync(SERVER_FILES_DIR, { recursive: true, force: true });
  cpSync(staging, SERVER_FILES_DIR, { recursive: true });
  rmSync(staging, { recursive: true, force: true });
}

// ---------------------------------------------------------------- processes and ports

function alive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below the kernel's ephemeral range (32768+): the server stores membership ports in
 * a smallint column, and ports there are not handed out to outgoing connections meanwhile.
 */
async function freePort(): Promise<number> {
  for (let tries = 0; tries < 500; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free loopback port between 20000 and 32000');
}

const PORT_NAMES: (keyof ClusterPorts)[] = [
  'postgres',
  'frontend',
  'frontendHttp',
  'frontendMembership',
  'history',
  'historyMembership',
  'matching',
  'matchingMembership',
  'worker',
  'workerMembership',
  'pprof',
  'metrics',
];

function readState(home: string): { ports?: ClusterPorts } {
  try {
    return JSON.parse(readFileSync(paths(home).state, 'utf8')) as { ports?: ClusterPorts };
  } catch {
    return {};
  }
}

/** The ports of the last `up` when still free (or still ours), else fresh free ones. */
async function choosePorts(home: string, inUseByUs: Set<keyof ClusterPorts>): Promise<ClusterPorts> {
  const previous = readState(home).ports;
  const chosen = new Set<number>();
  const ports = {} as ClusterPorts;
  for (const name of PORT_NAMES) {
    const old = previous?.[name];
    let port: number | undefined;
    if (old && !chosen.has(old) && (inUseByUs.has(name) || (await portIsFree(old)))) port = old;
    while (port === undefined || chosen.has(port)) port = await freePort();
    chosen.add(port);
    ports[name] = port;
  }
  writeFileSync(paths(home).state, JSON.stringify({ ports }, null, 2));
  return ports;
}

// ---------------------------------------------------------------- PostgreSQL

function asPostgresUser(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? postgresUser() : {};
}

function postgresPid(home: string): number | undefined {
  const pid = readPid(path.join(paths(home).pgData, 'postmaster.pid'));
  return alive(pid) ? pid : undefined;
}

/** postmaster.pid: pid, data dir, start time, port, … */
function runningPostgresPort(home: string): number | undefined {
  try {
    const port = Number(readFileSync(path.join(paths(home).pgData, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

async function waitForPostgres(url: string, timeoutMs: number): Promise<void> {
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

async function startPostgres(home: string, port: number, log: Log): Promise<void> {
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

async function ensureDatabase(postgresUrl: string, name: string): Promise<boolean> {
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
async function setUpSchemas(postgresUrl: string, port: number, log: Log): Promise<void> {
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

// ---------------------------------------------------------------- Temporal server

/** The module's development-postgres12.yaml with this cluster's ports, user and dynamic config. */
export function serverConfig(ports: ClusterPorts, dynamicConfigPath: string): Record<string, unknown> {
  const template = parse(
    readFileSync(path.join(SERVER_FILES_DIR, 'config', 'development-postgres12.yaml'), 'utf8'),
  ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = structuredClone(template);
  config.log = { stdout: true, level: 'warn' };
  config.persistence.numHistoryShards = NUM_HISTORY_SHARDS;
  for (const store of Object.values(config.persistence.datastores) as { sql: Record<string, unknown> }[]) {
    store.sql.connectAddr = `127.0.0.1:${ports.postgres}`;
    store.sql.user = 'postgres';
    store.sql.password = '';
  }
  config.global.pprof.port = ports.pprof;
  config.global.metrics.prometheus.listenAddress = `127.0.0.1:${ports.metrics}`;
  const rpc = (service: string) => config.services[service].rpc as Record<string, unknown>;
  Object.assign(rpc('frontend'), {
    grpcPort: ports.frontend,
    membershipPort: ports.frontendMembership,
    httpPort: ports.frontendHttp,
  });
  Object.assign(rpc('history'), { grpcPort: ports.history, membershipPort: ports.historyMembership });
  Object.assign(rpc('matching'), { grpcPort: ports.matching, membershipPort: ports.matchingMembership });
  Object.assign(rpc('worker'), { grpcPort: ports.worker, membershipPort: ports.workerMembership });
  config.clusterMetadata.clusterInformation.active.rpcAddress = `127.0.0.1:${ports.frontend}`;
  config.publicClient = { hostPort: `127.0.0.1:${ports.frontend}` };
  config.dynamicConfigClient = { filepath: dynamicConfigPath, pollInterval: '10s' };
  return config;
}

function temporalPid(home: string): number | undefined {
  const pid = readPid(paths(home).temporalPid);
  return alive(pid) ? pid : undefined;
}

/** Starts the server detached (it outlives `up`), its pid in temporal/temporal-server.pid. */
export async function startTemporalServer(
  home: string,
  ports: ClusterPorts,
  log: Log = () => {},
): Promise<void> {
  const p = paths(home);
  const configDir = path.join(p.temporalDir, 'config');
  mkdirSync(configDir, { recursive: true });
  const dynamicConfig = path.join(configDir, 'dynamicconfig.yaml');
  copyFileSync(DYNAMIC_CONFIG_FILE, dynamicConfig);
  writeFileSync(path.join(configDir, 'development.yaml'), stringify(serverConfig(ports, dynamicConfig)));
  const logFd = openSync(p.temporalLog, 'a');
  const child = spawn(
    SERVER_BIN,
    ['--root', p.temporalDir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    { cwd: p.temporalDir, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  writeFileSync(p.temporalPid, `${child.pid}\n`);
  child.unref();
  log(
    `Temporal server ${TEMPORAL_SERVER_VERSION} started (pid ${child.pid}), waiting for 127.0.0.1:${ports.frontend}`,
  );
  await waitForFrontend(`127.0.0.1:${ports.frontend}`, child.pid!, p.temporalLog, 120_000);
}

async function waitForFrontend(
  address: string,
  pid: number,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const { ready, lastError } = await waitForTemporal(address, {
    timeoutMs,
    running: () => alive(pid),
    probe: async (connection) => {
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
    },
  });
  if (ready) return;
  const tail = existsSync(logFile)
    ? readFileSync(logFile, 'utf8')
        .split('\n')
        .slice(-15)
        .map((line) => line.slice(0, 400))
        .join('\n')
    : '';
  throw new Error(
    `Temporal server at ${address} ${alive(pid) ? 'not ready in time' : 'exited'}: ${String(lastError)}\n--- ${logFile} ---\n${tail}`,
  );
}

async function stopPid(pid: number | undefined, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid!, signal);
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) {
    process.kill(pid!, 'SIGKILL');
    while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops the Temporal server of a home (by its pid file), leaving PostgreSQL up. */
export async function stopTemporalServer(home = DEFAULT_HOME): Promise<void> {
  await stopPid(temporalPid(home), 'SIGTERM', 20_000);
  rmSync(paths(home).temporalPid, { force: true });
}

/** Namespace and search attributes (with their types), then wait until the namespace serves. */
async function provisionNamespace(address: string, log: Log): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const svc = connection.workflowService;
    const exists = await svc.describeNamespace({ namespace: CLUSTER_NAMESPACE }).then(
      () => true,
      () => false,
    );
    if (!exists) {
      log(`creating namespace ${CLUSTER_NAMESPACE}`);
      await svc.registerNamespace({
        namespace: CLUSTER_NAMESPACE,
        workflowExecutionRetentionPeriod: msToTs(`${NAMESPACE_RETENTION_HOURS} hours`),
      });
    }
    const { IndexedValueType } = temporal.api.enums.v1;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const listed = await connection.operatorService.listSearchAttributes({
          namespace: CLUSTER_NAMESPACE,
        });
        const missing = PRODUCT_SEARCH_ATTRIBUTES.filter(
          (key) => !(key.name in (listed.customAttributes ?? {})),
        );
        if (missing.length > 0) {
          log(
            `registering search attributes ${missing.map((k) => `${k.name} (${searchAttributeTypeName(k)})`).join(', ')}`,
          );
          await connection.operatorService.addSearchAttributes({
            namespace: CLUSTER_NAMESPACE,
            searchAttributes: Object.fromEntries(
              missing.map((key) => [
                key.name,
                searchAttributeTypeName(key) === 'KeywordList'
                  ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
                  : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
              ]),
            ),
          });
          continue;
        }
        // A visibility query goes through the frontend's namespace registry: once it answers, a
        // workflow can start in the namespace.
        await svc.countWorkflowExecutions({
          namespace: CLUSTER_NAMESPACE,
          query: 'BillsbyAccountId="probe"',
        });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------- up / down / status

function infoFor(home: string, ports: ClusterPorts): ClusterInfo {
  const postgresUrl = `postgres://postgres@127.0.0.1:${ports.postgres}/postgres`;
  return {
    home,
    temporalAddress: `127.0.0.1:${ports.frontend}`,
    namespace: CLUSTER_NAMESPACE,
    databaseUrl: `postgres://postgres@127.0.0.1:${ports.postgres}/${EVENT_LOG_DATABASE}`,
    postgresUrl,
    ports,
  };
}

/** Brings the cluster of a home up; reuses whatever already runs or is built. Idempotent. */
export async function clusterUp(opts: ClusterOptions = {}): Promise<ClusterInfo> {
  const home = opts.home ?? DEFAULT_HOME;
  const log = opts.log ?? (() => {});
  mkdirSync(home, { recursive: true });
  // The postgres OS user must reach its data folder inside (mkdtemp makes 0700 folders).
  if (process.getuid?.() === 0) chmodSync(home, 0o755);
  ensureClusterBinaries(log);
  const running = new Set<keyof ClusterPorts>();
  const pgRunning = postgresPid(home) !== undefined;
  const temporalRunning = temporalPid(home) !== undefined;
  if (pgRunning) running.add('postgres');
  if (temporalRunning) for (const name of PORT_NAMES) if (name !== 'postgres') running.add(name);
  const ports = await choosePorts(home, running);
  const pgPort = runningPostgresPort(home);
  if (pgRunning && pgPort && pgPort !== ports.postgres) {
    ports.postgres = pgPort; // the state file was lost: the server's lock file knows its port
    writeFileSync(paths(home).state, JSON.stringify({ ports }, null, 2));
  }
  const info = infoFor(home, ports);
  if (!pgRunning) {
    log(`starting PostgreSQL on 127.0.0.1:${ports.postgres}`);
    await startPostgres(home, ports.postgres, log);
  }
  await waitForPostgres(info.postgresUrl, 60_000);
  await setUpSchemas(info.postgresUrl, ports.postgres, log);
  if (await ensureDatabase(info.postgresUrl, EVENT_LOG_DATABASE))
    log(`created the event log database ${EVENT_LOG_DATABASE}`);
  if (!temporalRunning) await startTemporalServer(home, ports, log);
  else await waitForFrontend(info.temporalAddress, temporalPid(home)!, paths(home).temporalLog, 60_000);
  await provisionNamespace(info.temporalAddress, log);
  return info;
}

/** Stops what `up` started in a home, by pid: the Temporal server, then PostgreSQL. */
export async function clusterDown(opts: ClusterOptions & { removeData?: boolean } = {}): Promise<void> {
  const home = opts.home ?? DEFAULT_HOME;
  const log = opts.log ?? (() => {});
  const tPid = temporalPid(home);
  if (tPid) log(`stopping the Temporal server (pid ${tPid})`);
  await stopTemporalServer(home);
  const pPid = postgresPid(home);
  if (pPid) log(`stopping PostgreSQL (pid ${pPid})`);
  // SIGINT: PostgreSQL's fast shutdown (rolls back sessions, checkpoints, exits).
  await stopPid(pPid, 'SIGINT', 30_000);
  if (opts.removeData) rmSync(home, { recursive: true, force: true });
}

export interface ClusterStatus {
  home: string;
  built: boolean;
  postgres?: { pid: number; port?: number };
  temporal?: { pid: number; address?: string };
  info?: ClusterInfo;
}

export function clusterStatus(opts: ClusterOptions = {}): ClusterStatus {
  const home = opts.home ?? DEFAULT_HOME;
  const ports = readState(home).ports;
  const pg = postgresPid(home);
  const t = temporalPid(home);
  return {
    home,
    built: existsSync(SERVER_BIN) && existsSync(SQL_TOOL_BIN),
    ...(pg ? { postgres: { pid: pg, port: ports?.postgres } } : {}),
    ...(t ? { temporal: { pid: t, address: ports ? `127.0.0.1:${ports.frontend}` : undefined } } : {}),
    ...(ports && pg && t ? { info: infoFor(home, ports) } : {}),
  };
}

/** For tests and the chaos bench: stop and start the Temporal server of a running home. */
export async function restartTemporalServer(home: string, log: Log = () => {}): Promise<void> {
  const ports = readState(home).ports;
  if (!ports) throw new Error(`no cluster state in ${home}`);
  await stopTemporalServer(home);
  await startTemporalServer(home, ports, log);
}
