import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { waitForTemporal } from '../../temporal/wait-for-server';
import {
  DEFAULT_HOME,
  DYNAMIC_CONFIG_FILE,
  NUM_HISTORY_SHARDS,
  SERVER_BIN,
  SERVER_FILES_DIR,
  TEMPORAL_SERVER_VERSION,
  paths,
  type ClusterPorts,
  type Log,
} from './layout';
import { alive, readPid, stopPid } from './processes';

/**
 * The cluster's Temporal server process: its config (the module's template with this home's
 * ports), starting it detached, waiting for its frontend, and stopping it by its pid file.
 */

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

export function temporalPid(home: string): number | undefined {
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

export async function waitForFrontend(
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

/** Stops the Temporal server of a home (by its pid file), leaving PostgreSQL up. */
export async function stopTemporalServer(home = DEFAULT_HOME): Promise<void> {
  await stopPid(temporalPid(home), 'SIGTERM', 20_000);
  rmSync(paths(home).temporalPid, { force: true });
}
