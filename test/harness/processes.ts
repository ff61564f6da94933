import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** A product process (worker or gateway) run as in production: its own Node process, own env. */
export interface ProductProcess {
  child: ChildProcess;
  /** Everything it printed, for a failure message. */
  output(): string;
  /** kill -9: no shutdown hooks, no goodbye. */
  kill9(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export function startProductProcess(
  entry: 'workers/main.ts' | 'gateway/main.ts',
  env: Record<string, string>,
  opts: { compiledDir?: string } = {},
): ProductProcess {
  // node itself with tsx's loader, not the tsx wrapper: a signal must reach the product process,
  // not a launcher that would leave it running. `compiledDir`: the image's way, compiled
  // JavaScript (tsconfig.build.json) run by node alone.
  const args = opts.compiledDir
    ? [path.join(opts.compiledDir, entry.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', path.join(ROOT, entry)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    child,
    output: () => output,
    kill9: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}

/** Resolves once `ready()` holds, or fails with the process's output. */
export async function waitUntil(
  proc: ProductProcess,
  ready: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited early:\n${proc.output()}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

/** The CLI (`npm run cli -- …`) as its own process with `env` over the test's: exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'client/cli/main.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}
