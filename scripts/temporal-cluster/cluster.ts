import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ensureClusterBinaries } from './build';
import {
  CLUSTER_NAMESPACE,
  DEFAULT_HOME,
  EVENT_LOG_DATABASE,
  SERVER_BIN,
  SQL_TOOL_BIN,
  paths,
  type ClusterInfo,
  type ClusterOptions,
  type ClusterPorts,
  type Log,
} from './layout';
import { provisionNamespace } from './namespace';
import {
  ensureDatabase,
  postgresPid,
  runningPostgresPort,
  setUpSchemas,
  startPostgres,
  waitForPostgres,
} from './postgres-server';
import { PORT_NAMES, choosePorts, readState, stopPid } from './processes';
import { startTemporalServer, stopTemporalServer, temporalPid, waitForFrontend } from './temporal-server';

/**
 * A real Temporal cluster on this machine, without Docker: the pinned Temporal server built from
 * source with `go install`, on PostgreSQL (Debian's package), with the product's namespace, search
 * attributes, dynamic config and event-log database. `npm run cluster -- up|down|status`
 * (scripts/cluster.ts); the production-topology tests and bench:chaos start their own instance in
 * another home folder with the same code.
 *
 * This module is the cluster's entry point: up, down, status and restart of a home, composed of
 * layout (versions, paths, shapes), build (go install), processes (pids, ports), postgres-server,
 * temporal-server and namespace. What callers import from here is re-exported below.
 */

export {
  BIN_DIR,
  CLUSTER_NAMESPACE,
  CLUSTER_ROOT,
  DEFAULT_HOME,
  DYNAMIC_CONFIG_FILE,
  EVENT_LOG_DATABASE,
  NAMESPACE_RETENTION_HOURS,
  NUM_HISTORY_SHARDS,
  POSTGRES_MAJOR_VERSION,
  SERVER_BIN,
  SERVER_FILES_DIR,
  SQL_TOOL_BIN,
  TEMPORAL_DATABASES,
  TEMPORAL_SERVER_VERSION,
  type ClusterInfo,
  type ClusterOptions,
  type ClusterPorts,
} from './layout';
export { ensureClusterBinaries } from './build';
export { serverConfig, startTemporalServer, stopTemporalServer } from './temporal-server';

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
