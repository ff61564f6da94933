import path from 'node:path';
import { PROJECT_ROOT } from '../../temporal/paths';
import { TEMPORAL_RETENTION_HOURS } from '../../temporal/retention';

/**
 * What a cluster is made of, shared by its build, its processes and `up`/`down`: the pinned
 * versions, the databases and namespace, where everything lives, and the shapes of its ports and
 * connection details.
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
export const GO_DIR = path.join(CLUSTER_ROOT, 'go');
export const MODULE = 'go.temporal.io/server';
export const SERVER_FILES_DIR = path.join(CLUSTER_ROOT, `server-${TEMPORAL_SERVER_VERSION}`);
/** `go install` names them after their packages: cmd/server → server, cmd/tools/sql → sql. */
export const SERVER_BIN = path.join(BIN_DIR, 'server');
export const SQL_TOOL_BIN = path.join(BIN_DIR, 'sql');

export type Log = (line: string) => void;

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

/** The files of one home folder. */
export const paths = (home: string) => ({
  state: path.join(home, 'state.json'),
  pgDir: path.join(home, 'postgres'),
  pgData: path.join(home, 'postgres', 'data'),
  pgLog: path.join(home, 'postgres', 'postgres.log'),
  temporalDir: path.join(home, 'temporal'),
  temporalPid: path.join(home, 'temporal', 'temporal-server.pid'),
  temporalLog: path.join(home, 'temporal', 'temporal-server.log'),
});
