import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  if (process.env.TEST_WORKFLOW_BUNDLE)
    rmSync(path.dirname(process.env.TEST_WORKFLOW_BUNDLE), { recursive: true, force: true });
  if (scanError) throw scanError;
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
    `[test teardown] product log scan: ${count} lines from ${files.length} processes, no secret or personal value`,
  );
}
