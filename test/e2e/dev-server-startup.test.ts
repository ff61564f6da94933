import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { ensureTemporalCli } from '../../temporal/cli';
import { DevServerExitedError, startDevServer, StartupOutput } from '../../temporal/dev-server';
import { freePort } from '../harness/free-port';

jest.setTimeout(120_000);

/** Local ports of this machine's IPv4 TCP sockets in TIME_WAIT (state 06 in /proc/net/tcp). */
function timeWaitPorts(): Set<number> {
  const rows = readFileSync('/proc/net/tcp', 'utf8').trim().split('\n').slice(1);
  const ports = new Set<number>();
  for (const row of rows) {
    const [, local, , state] = row.trim().split(/\s+/);
    if (state === '06') ports.add(parseInt(local.split(':')[1], 16));
  }
  return ports;
}

async function anyPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('starting Temporal dev servers side by side', () => {
  it('a server that dies during start-up is reported with what it printed', async () => {
    // 192.0.2.1 (TEST-NET-1) is never an address of this machine, so the listen fails at once.
    const err = await startDevServer({ cliPath: ensureTemporalCli().path, ip: '192.0.2.1', port: 7999 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DevServerExitedError);
    const exited = err as DevServerExitedError;
    expect(exited.exitCode).toBe(1);
    expect(exited.message).toMatch(/exited during start-up \(code 1\); its output:/);
    expect(exited.message).toContain('192.0.2.1:7999');
    expect(exited.output.join('\n')).toMatch(/cannot assign requested address/);
  });

  it('creates the folder of its database 0700 (it is the data folder: keys and the event log live there)', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'dev-db-')), 'data');
    const dbFilename = path.join(dataDir, 'embedded', 'temporal.sqlite');
    // It fails to listen at once (TEST-NET-1); the folder was made before it started.
    await startDevServer({
      cliPath: ensureTemporalCli().path,
      ip: '192.0.2.1',
      port: 7999,
      dbFilename,
    }).catch(() => undefined);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(dbFilename)).mode & 0o777).toBe(0o700);
  });

  it("reports a long output's first lines (a panic's message) and its last (a fatal line)", () => {
    const output = new StartupOutput(3);
    for (let i = 1; i <= 10; i++) output.add(`line ${i}`);
    expect(output.lines()).toEqual([
      'line 1',
      'line 2',
      'line 3',
      '… 4 lines …',
      'line 8',
      'line 9',
      'line 10',
    ]);
    const short = new StartupOutput(3);
    for (let i = 1; i <= 5; i++) short.add(`line ${i}`);
    expect(short.lines()).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
  });

  it('freePort parks the port in TIME_WAIT: any-port requests skip it, an explicit listen still gets it', async () => {
    const port = await freePort();
    expect(timeWaitPorts().has(port)).toBe(true);
    for (let i = 0; i < 500; i++) expect(await anyPort()).not.toBe(port);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
