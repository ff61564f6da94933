import path from 'node:path';
import { ensureTemporalCli } from './cli';
import { startDevServer, type DevServer } from './dev-server';
import { DATA_DIR } from './paths';
import { TEMPORAL_RETENTION_HOURS } from './retention';

export const EMBEDDED_PORT = 7233;
export const EMBEDDED_UI_PORT = 8233;
export const EMBEDDED_DB_FILE = path.join(DATA_DIR, 'temporal.sqlite');

/** The embedded default: a persistent dev server with its Web UI wired to the codec listener. */
export async function startEmbeddedTemporal(opts: {
  namespace: string;
  /** The codec listener's URL (gateway/codec/server.ts); unset: the UI shows payloads encrypted. */
  codecEndpoint?: string;
  log: (line: string) => void;
}): Promise<DevServer> {
  const cli = ensureTemporalCli(opts.log);
  opts.log(`temporal CLI: ${cli.path} (${cli.source})`);
  return startDevServer({
    cliPath: cli.path,
    port: EMBEDDED_PORT,
    uiPort: EMBEDDED_UI_PORT,
    dbFilename: EMBEDDED_DB_FILE,
    namespace: opts.namespace,
    codecEndpoint: opts.codecEndpoint,
    readyTimeoutMs: 120_000,
    log: opts.log,
    // Closed workflows are kept as long as on the cluster (README: what is kept, and for how long).
    retentionHours: TEMPORAL_RETENTION_HOURS,
  });
}
