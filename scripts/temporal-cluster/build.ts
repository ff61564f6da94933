import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../temporal/paths';
import {
  BIN_DIR,
  GO_DIR,
  MODULE,
  SERVER_BIN,
  SERVER_FILES_DIR,
  SQL_TOOL_BIN,
  TEMPORAL_SERVER_VERSION,
  type Log,
} from './layout';

/**
 * The cluster's build: the pinned Temporal server and its sql tool from source with `go install`
 * (once, shared by every home), and the module's config template and schemas copied beside them.
 */

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
