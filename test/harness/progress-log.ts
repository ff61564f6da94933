import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { LOG_CAPTURE_DIR_ENV } from '../../logging/logger';

/**
 * A long test's progress lines ("cluster up", "worker killed"…), kept out of the console (issue 24:
 * a green run prints Jest's summary only) and written as JSON lines beside the product's own log
 * captures, where the run-wide log scan reads them too and a failing run's reader finds them.
 */
export function progressLog(name: string): (line: string) => void {
  const dir = process.env[LOG_CAPTURE_DIR_ENV];
  const file = dir ? path.join(dir, `${name}-${process.pid}.jsonl`) : undefined;
  // The product's logger makes the folder on its first line; a test may log before that.
  if (dir) mkdirSync(dir, { recursive: true });
  return (line) => {
    const record = JSON.stringify({
      level: 'info',
      time: new Date().toISOString(),
      component: name,
      msg: line,
    });
    if (file) appendFileSync(file, `${record}\n`);
  };
}
