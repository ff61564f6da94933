import {
  DevServerExitedError,
  startDevServer,
  type DevServer,
  type DevServerOptions,
} from '../../temporal/dev-server';
import { ensureTemporalCli } from '../../temporal/cli';
import { freePort } from './free-port';

/** Start-ups tried before a test gives up; each on a fresh port. */
const ATTEMPTS = 3;

/**
 * A dev server for a test or benchmark, on a free loopback port, or on `port` to restart one where
 * its clients expect it (one attempt then: the address is the point). When the server dies during
 * start-up (a port it chose for itself taken in the meantime, the likeliest cause when many
 * servers start on one machine), it is started again on a new port, saying why: one lost race
 * must not fail a whole CI run. Any other failure (not ready in time, a bad flag that fails every
 * time) surfaces at once or after the attempts, with what the server printed.
 */
export async function startTestDevServer(
  opts: Omit<DevServerOptions, 'port' | 'cliPath'> & { cliPath?: string; port?: number } = {},
): Promise<DevServer> {
  const cliPath = opts.cliPath ?? ensureTemporalCli().path;
  const attempts = opts.port === undefined ? ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      const port = opts.port ?? (await freePort());
      return await startDevServer({ readyTimeoutMs: 120_000, ...opts, cliPath, port });
    } catch (err) {
      if (!(err instanceof DevServerExitedError) || attempt >= attempts) throw err;
      console.warn(
        `[test harness] dev server start-up ${attempt} of ${attempts} failed, trying a new port: ${err.message}`,
      );
    }
  }
}
