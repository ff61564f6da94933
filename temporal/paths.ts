import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding package.json: the nearest one above this file, so the same code finds it run
 * from the sources (tsx) and compiled into dist/app/ (the image).
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export const PROJECT_ROOT = projectRoot(__dirname);
/** Git-ignored folder for the embedded server's SQLite file, the generated key and reports. */
export const DATA_DIR = process.env.PIPELINE_DATA_DIR ?? path.join(PROJECT_ROOT, '.data');
