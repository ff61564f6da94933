/**
 * Ctrl+C leaves nothing behind (issue 7): the demo runs in its own process group as in a
 * terminal, gets SIGINT on the whole group, exits 0, and every process it started — the tsx
 * runner, node, the temporal dev server — is gone within a few seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../harness/free-port';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const READY = 'Demo is running. Press Ctrl+C to stop.';

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** `/proc/<pid>/stat` → [ppid, state]; the command name in parentheses may itself hold spaces. */
function statOf(pid: number): { ppid: number; state: string } | undefined {
  const stat = readProc(pid, 'stat');
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, ppid: Number(fields[1]) };
}

/** Every descendant of `root` (children, grandchildren, …), found through the ppid links. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(Number(name));
    if (!stat) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Gone: no such process (ESRCH), or a zombie whose exit merely awaits its reaper. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  return statOf(pid)?.state !== 'Z';
}

let child: ChildProcess | undefined;
let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'demo-shutdown-'));
});
afterAll(() => {
  // Only if the test failed half-way: never leave the demo's process group running.
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

it('Ctrl+C stops the demo with exit code 0 and leaves no process behind', async () => {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [temporal, ui, gateway, codec] = [...ports];
  const env = { ...process.env };
  for (const name of [
    'TEMPORAL_ADDRESS',
    'PAYLOAD_ENCRYPTION_KEY',
    'PIPELINE_DATA_DIR',
    'GATEWAY_PORT',
    'CODEC_PORT',
  ]) {
    delete env[name];
  }
  const args = [
    '--temporal-port',
    String(temporal),
    '--ui-port',
    String(ui),
    '--port',
    String(gateway),
    '--codec-port',
    String(codec),
  ];
  child = spawn(TSX, ['client/demo/main.ts', ...args, '--data-dir', dataDir], {
    cwd: ROOT,
    env,
    detached: true, // its own process group, like a job in a terminal
  });
  const proc = child;
  let stdout = '';
  proc.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  proc.stderr!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

  const deadline = Date.now() + 240_000;
  while (!stdout.includes(READY)) {
    if (proc.exitCode !== null) throw new Error(`demo exited early (${proc.exitCode}):\n${stdout}`);
    if (Date.now() > deadline) throw new Error(`demo not ready in time:\n${stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const pids = [proc.pid!, ...descendants(proc.pid!)];
  const commands = pids.map((pid) => (readProc(pid, 'cmdline') ?? '').split('\0').join(' '));
  expect(commands.some((c) => /temporal server start-dev/.test(c) && c.includes(`--port ${temporal}`))).toBe(
    true,
  );
  expect(commands.some((c) => c.includes('client/demo/main.ts'))).toBe(true);

  process.kill(-proc.pid!, 'SIGINT'); // what a terminal's Ctrl+C does: the whole foreground group
  const code = await exited;
  expect(code).toBe(0);
  expect(stdout).toContain('=== Stopping (Ctrl+C)');
  expect(stdout).toContain('Stopped.');

  const goneBy = Date.now() + 5_000;
  let left = pids.filter(alive);
  while (left.length && Date.now() < goneBy) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = pids.filter(alive);
  }
  expect(left.map((pid, i) => `${pid} ${commands[pids.indexOf(pid)] ?? i}`)).toEqual([]);
}, 300_000);
