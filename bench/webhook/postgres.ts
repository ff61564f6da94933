/**
 * A PostgreSQL for the benchmark: a throwaway cluster from test/harness/postgres.ts (initdb in a
 * temp folder, the server on a free loopback port as the `postgres` OS user, fsync on) and a fresh
 * database in it; stopped and removed at teardown. Nothing is installed here: without the server
 * binaries the PostgreSQL runs are skipped (or pass --database-url).
 */
import {
  INSTALL_SCRIPT,
  createTestDatabase,
  findPostgresBinDir,
  startTestPostgres,
} from '../../test/harness/postgres';
import type { Teardown } from './env';

export async function providePostgres(
  teardown: Teardown,
  log: (line: string) => void,
): Promise<{ url: string } | { missing: string }> {
  const binDir = findPostgresBinDir();
  if (!binDir) {
    return {
      missing: `no PostgreSQL server binaries (bash ${INSTALL_SCRIPT} installs them), or pass --database-url`,
    };
  }
  const started = Date.now();
  const cluster = await startTestPostgres(binDir);
  teardown.add('PostgreSQL cluster', () => cluster.stop());
  const url = await createTestDatabase(cluster.url);
  log(`PostgreSQL ${binDir} on ${new URL(url).host} ready in ${Date.now() - started} ms (throwaway cluster)`);
  return { url };
}
