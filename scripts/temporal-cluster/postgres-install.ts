import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../temporal/paths';

/**
 * Finding (or installing) PostgreSQL's server binaries, shared by the test harness's throwaway
 * cluster (test/harness/postgres.ts) and `npm run cluster` (scripts/temporal-cluster/cluster.ts).
 */

export const INSTALL_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'install-postgres.sh');

/** The newest installed server's bin folder (Debian layout, then pg_config), or undefined. */
export function findPostgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(root, versions[0], 'bin');
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim();
    return existsSync(path.join(dir, 'postgres')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Installs the server with scripts/install-postgres.sh when missing and we are root; else explains. */
export function ensurePostgresInstalled(log: (line: string) => void = () => {}): string {
  const found = findPostgresBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `PostgreSQL is not installed; the event-log tests and the cluster need its server binaries. Run as root: bash ${INSTALL_SCRIPT}`,
    );
  }
  log(`PostgreSQL not found: running ${path.relative(PROJECT_ROOT, INSTALL_SCRIPT)}`);
  execFileSync('bash', [INSTALL_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'] });
  const installed = findPostgresBinDir();
  if (!installed) throw new Error(`${INSTALL_SCRIPT} ran, but no PostgreSQL server binary was found`);
  return installed;
}

/** The major version of the server in a bin folder (`postgres --version` → 15). */
export function postgresMajorVersion(binDir: string): number {
  const out = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(?:\.\d+)?/.exec(out);
  if (!match) throw new Error(`cannot read the PostgreSQL version from: ${out}`);
  return Number(match[1]);
}

/** The `postgres` OS user PostgreSQL runs as when we are root (it refuses to run as root). */
export function postgresUser(): { uid: number; gid: number } {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(`No "postgres" OS user to run PostgreSQL as (bash ${INSTALL_SCRIPT} creates it)`);
  }
}
