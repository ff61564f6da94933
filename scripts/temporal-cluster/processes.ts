import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { paths, type ClusterPorts } from './layout';

/**
 * The cluster's processes and ports: whether a pid is alive, stopping one, and choosing the
 * loopback ports of a home (the last `up`'s when still free, so addresses stay the same).
 */

export function alive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
export async function stopPid(
  pid: number | undefined,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid!, signal);
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) {
    process.kill(pid!, 'SIGKILL');
    while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below the kernel's ephemeral range (32768+): the server stores membership ports in
 * a smallint column, and ports there are not handed out to outgoing connections meanwhile.
 */
async function freePort(): Promise<number> {
  for (let tries = 0; tries < 500; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free loopback port between 20000 and 32000');
}

export const PORT_NAMES: (keyof ClusterPorts)[] = [
  'postgres',
  'frontend',
  'frontendHttp',
  'frontendMembership',
  'history',
  'historyMembership',
  'matching',
  'matchingMembership',
  'worker',
  'workerMembership',
  'pprof',
  'metrics',
];

export function readState(home: string): { ports?: ClusterPorts } {
  try {
    return JSON.parse(readFileSync(paths(home).state, 'utf8')) as { ports?: ClusterPorts };
  } catch {
    return {};
  }
}

/** The ports of the last `up` when still free (or still ours), else fresh free ones. */
export async function choosePorts(home: string, inUseByUs: Set<keyof ClusterPorts>): Promise<ClusterPorts> {
  const previous = readState(home).ports;
  const chosen = new Set<number>();
  const ports = {} as ClusterPorts;
  for (const name of PORT_NAMES) {
    const old = previous?.[name];
    let port: number | undefined;
    if (old && !chosen.has(old) && (inUseByUs.has(name) || (await portIsFree(old)))) port = old;
    while (port === undefined || chosen.has(port)) port = await freePort();
    chosen.add(port);
    ports[name] = port;
  }
  writeFileSync(paths(home).state, JSON.stringify({ ports }, null, 2));
  return ports;
}
