import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalCli } from '../../temporal/cli';
import { DATA_DIR } from '../../temporal/paths';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../workers/create-workers';
import { LOG_CAPTURE_DIR_ENV } from '../../logging/logger';
import { startTestDevServer } from './dev-server';
import { ensurePostgresInstalled, startTestPostgres } from './postgres';

/**
 * One Temporal dev server (in-memory, random port), one throwaway PostgreSQL cluster and one
 * workflow bundle for the whole run. Test files reach them through environment variables, which
 * Jest's workers inherit.
 */
export default async function globalSetup() {
  const started = Date.now();
  const log = (line: string) => console.log(`[test setup] ${line}`);
  ensureBrowser(log);
  // PostgreSQL starts while the Temporal server and the bundle get ready.
  const postgresBin = ensurePostgresInstalled(log);
  const postgres = startTestPostgres(postgresBin).then((pg) => {
    (globalThis as Record<string, unknown>).__postgresTestServer = pg;
    return pg;
  });
  postgres.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  const cli = ensureTemporalCli(log);
  const server = await startTestDevServer({ cliPath: cli.path });
  (globalThis as Record<string, unknown>).__temporalTestServer = server;

  const runDir = path.join(DATA_DIR, 'test-runs', String(process.pid));
  mkdirSync(runDir, { recursive: true });
  const bundle = await bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  process.env.TEST_TEMPORAL_ADDRESS = server.address;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TEST_PAYLOAD_KEY = randomBytes(32).toString('base64');
  // Product logs (logging/): nothing on the console unless LOG_LEVEL says otherwise (the faults
  // tests inject on purpose would bury a real failure: issue 24), and every line at debug level
  // into one file per process, which global-teardown.ts scans for secrets and personal values
  // (issue 15) and keeps for reading after the run. Jest's workers and spawned processes inherit both.
  process.env.LOG_LEVEL ??= 'silent';
  process.env[LOG_CAPTURE_DIR_ENV] = path.join(runDir, 'product-logs');
  const pg = await postgres.catch(async (err: unknown) => {
    await server.stop(); // teardown does not run when setup fails
    throw err;
  });
  process.env.TEST_DATABASE_URL = pg.url;
  console.log(
    `\n[test setup] Temporal ${server.address}, PostgreSQL and workflow bundle ready in ${Date.now() - started} ms`,
  );
}

const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's chromium for test/e2e/control-page-browser.test.ts: installed here on first use when
 * we are root (scripts/install-browser.sh, apt-get). Otherwise that test fails saying what to run.
 */
function ensureBrowser(log: (line: string) => void): void {
  if (existsSync(CHROMIUM)) return;
  const script = path.join('scripts', 'install-browser.sh');
  if (process.getuid?.() !== 0) {
    log(
      `${CHROMIUM} is missing and we are not root: the browser test will fail; run as root: bash ${script}`,
    );
    return;
  }
  log(`${CHROMIUM} is missing: installing Debian's chromium with bash ${script}`);
  try {
    execFileSync('bash', [path.join(__dirname, '..', '..', script)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (err) {
    log(`bash ${script} failed (${(err as Error).message}): the browser test will fail`);
  }
}
