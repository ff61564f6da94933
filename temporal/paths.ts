import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
/** Git-ignored folder for the embedded server's SQLite file, the generated key and reports. */
export const DATA_DIR = process.env.PIPELINE_DATA_DIR ?? path.join(PROJECT_ROOT, '.data');
