import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { childEnv } from './child-env';
import { setNamespaceRetention } from './retention';
import { waitForTemporal } from './wait-for-server';
import { PRODUCT_SEARCH_ATTRIBUTES, searchAttributeTypeName } from './search-attributes';

/**
 * The embedded Temporal server: `temporal server start-dev` spawned and owned by this process.
 * We spawn it ourselves rather than through @temporalio/testing because the SDK allows only 5 s
 * for start-up, which a loaded 2-core machine can miss.
 */

export interface DevServerOptions {
  cliPath: string;
  ip?: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file; omit for an in-memory database. Its folder is created. */
  dbFilename?: string;
  namespace?: string;
  /** Codec server URL for the Web UI, so operators see decrypted payloads. */
  codecEndpoint?: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /**
   * The namespace's retention of closed workflows, in hours, set once the server is up (the CLI
   * has no flag for it; it registers namespaces with 24 h). Unset: left as the CLI made it.
   */
  retentionHours?: number;
}

export interface DevServer {
  address: string;
  port: number;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const ip = opts.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port), '--log-level', 'warn'];
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  for (const key of PRODUCT_SEARCH_ATTRIBUTES)
    args.push('--search-attribute', `${key.name}=${searchAttributeTypeName(key)}`);
  args.push(
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--dynamic-config-value',
    'frontend.enableExecuteMultiOperation=true',
    // A workflow task that schedules an activity gets the activity back in its answer when the
    // same worker polls that queue: one round trip less per batch delivery (off by default <1.32).
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    // The history service picks up new transfer tasks (start a child, dispatch a workflow task
    // after a signal) at most 20 times a second per shard by default, and the dev server has one
    // shard: every sequential hop of a delivery then waits ~50 ms. 1000 makes a hop ~10 ms
    // (measured: 100 chained activities 41–50 → 10 ms a step, child workflows 251 → 40 ms).
    '--dynamic-config-value',
    'history.transferProcessorMaxPollRPS=1000',
  );
  if (opts.dbFilename) {
    args.push('--db-filename', opts.dbFilename);
    // WAL lets the UI and history readers run beside writers; NORMAL sync is durable at checkpoints.
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  if (opts.uiPort !== undefined) {
    args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
    if (opts.codecEndpoint) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  } else {
    args.push('--headless');
  }
  return args;
}

/** The server process ended before it answered; `output` is what it printed (the reason, usually). */
export class DevServerExitedError extends Error {
  constructor(
    readonly exitCode: number | string,
    readonly output: string[],
  ) {
    super(
      `temporal dev server exited during start-up (code ${exitCode})` +
        (output.length ? `; its output:\n${output.join('\n')}` : '; it printed nothing'),
    );
    this.name = 'DevServerExitedError';
  }
}

/**
 * What a start-up failure reports of the server's output: its first lines (a Go panic's message
 * comes first, its goroutine stacks after) and its last ones (a fatal log line comes last).
 */
export class StartupOutput {
  private readonly head: string[] = [];
  private readonly tail: string[] = [];
  private skipped = 0;

  constructor(private readonly keep = 15) {}

  add(line: string): void {
    const clipped = line.slice(0, 500);
    if (this.head.length < this.keep) return void this.head.push(clipped);
    this.tail.push(clipped);
    if (this.tail.length > this.keep) {
      this.tail.shift();
      this.skipped++;
    }
  }

  lines(): string[] {
    return [...this.head, ...(this.skipped ? [`… ${this.skipped} lines …`] : []), ...this.tail];
  }
}

async function waitUntilReady(
  address: string,
  namespace: string,
  child: ChildProcess,
  timeoutMs: number,
  lastOutput: () => string[],
) {
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const { ready, lastError } = await waitForTemporal(address, {
    timeoutMs,
    running: () => !exited(),
    // A namespace answer means the frontend, persistence and namespace registry are all up.
    probe: (connection) => connection.workflowService.describeNamespace({ namespace }),
  });
  if (ready) return;
  if (exited()) {
    // Its last words arrive on pipes that may still hold data after the exit event.
    await new Promise((resolve) => setTimeout(resolve, 100));
    throw new DevServerExitedError(child.exitCode ?? child.signalCode ?? 'unknown', lastOutput());
  }
  throw new Error(
    `temporal dev server at ${address} was not ready within ${timeoutMs} ms: ${(lastError as Error)?.message}`,
  );
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const address = `${ip}:${opts.port}`;
  const namespace = opts.namespace ?? 'default';
  const log = opts.log ?? (() => {});
  // 0700 from the start: the data folder also holds the keys and the event log.
  if (opts.dbFilename) mkdirSync(path.dirname(opts.dbFilename), { recursive: true, mode: 0o700 });
  // Its own process group: a terminal's Ctrl+C signals the whole foreground group at once, and the
  // server must stop last, after the worker has said goodbye. The 'exit' hook still kills it should
  // this process die without stopping it.
  const child = spawn(opts.cliPath, devServerArgs(opts), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: childEnv(),
  });
  let stopping = false;
  let startupOutput: StartupOutput | undefined = new StartupOutput();
  const forward = (chunk: Buffer) => {
    // Its own shutdown chatter (pollers closing) is expected and only alarms people.
    if (stopping) return;
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      log(`[temporal] ${line}`);
      startupOutput?.add(line);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const killOnExit = () => void (running() && child.kill('SIGKILL'));
  process.on('exit', killOnExit);

  const stop = async () => {
    stopping = true;
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
  };

  try {
    await waitUntilReady(
      address,
      namespace,
      child,
      opts.readyTimeoutMs ?? 60_000,
      () => startupOutput?.lines() ?? [],
    );
    startupOutput = undefined;
    if (opts.retentionHours !== undefined)
      await setNamespaceRetention(address, namespace, opts.retentionHours);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    port: opts.port,
    uiUrl:
      opts.uiPort !== undefined ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}` : undefined,
    process: child,
    stop,
  };
}
