import { rmSync } from 'node:fs';
import path from 'node:path';
import type { DevServer } from '../../temporal/dev-server';
import type { TestPostgres } from './postgres';

export default async function globalTeardown() {
  const server = (globalThis as Record<string, unknown>).__temporalTestServer as DevServer | undefined;
  const postgres = (globalThis as Record<string, unknown>).__postgresTestServer as TestPostgres | undefined;
  await Promise.all([server?.stop(), postgres?.stop()]);
  if (process.env.TEST_WORKFLOW_BUNDLE)
    rmSync(path.dirname(process.env.TEST_WORKFLOW_BUNDLE), { recursive: true, force: true });
}
