import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DevServer } from '../../temporal/dev-server';
import { LOG_CAPTURE_DIR_ENV } from '../../logging/logger';
import type { TestPostgres } from './postgres';
import {
  billPersonalValues,
  describeLeaks,
  findLeaks,
  samplePersonalValues,
  testCredentials,
} from './log-scan';

export default async function globalTeardown() {
  const server = (globalThis as Record<string, unknown>).__temporalTestServer as DevServer | undefined;
  const postgres = (globalThis as Record<string, unknown>).__postgresTestServer as TestPostgres | undefined;
  await Promise.all([server?.stop(), postgres?.stop()]);
  let scanError: Error | undefined;
  try {
    scanProductLogs();
  } catch (err) {
    scanError = err as Error;
  }
  // The bundle goes; the run's log captures stay for reading after a failure (the console shows
  // none of them), and only the last few runs' are kept.
  if (process.env.TEST_WORKFLOW_BUNDLE) {
    rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
    pruneOldRuns(path.dirname(path.dirname(process.env.TEST_WORKFLOW_BUNDLE)), KEPT_RUNS);
  }
  if (scanError) throw scanError;
}

const KEPT_RUNS = 3;

/** Removes all but the newest `keep` run folders of `.data/test-runs`. */
function pruneOldRuns(runsDir: string, keep: number): void {
  if (!existsSync(runsDir)) return;
  const runs = readdirSync(runsDir)
    .map((name) => ({ name, at: statSync(path.join(runsDir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of runs.slice(keep)) rmSync(path.join(runsDir, old.name), { recursive: true, force: true });
}

/**
 * Issue 15: no secret or personal value in any product log line of the whole run. Every process
 * of the run (Jest's workers and the product processes tests spawn) wrote its product log lines
 * at debug level to its own file (logging/logger.ts, PRODUCT_LOG_CAPTURE_DIR); all are searched for
 * the sample events' and the BILL simulator's personal values, the run's credentials, and
 * token, bearer and email shapes. A find fails the run, naming the value and the line.
 */
function scanProductLogs(): void {
  const dir = process.env[LOG_CAPTURE_DIR_ENV];
  if (!dir || !existsSync(dir)) return;
  const files = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  let count = 0;
  const lines = (function* () {
    for (const file of files) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        if (!line) continue;
        count++;
        yield line;
      }
    }
  })();
  const leaks = findLeaks(lines, [...samplePersonalValues(), ...billPersonalValues(), ...testCredentials()]);
  if (leaks.length > 0) {
    throw new Error(
      `[test teardown] product log scan: secrets or personal values in the product's logs:\n${describeLeaks(leaks)}`,
    );
  }
  console.log(
    `[test teardown] product log scan: ${count} lines from ${files.length} processes, no secret or personal value (kept in ${path.relative(process.cwd(), dir)})`,
  );
}
