import net from 'node:net';

/** Resolves when `port` can be bound on `host` right now; otherwise rejects with the OS error code. */
function tryBind(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

/**
 * Fails before anything starts when one of the ports is taken, naming the port, what it is for
 * and the flag that moves it — rather than a half-started demo and a dev server log line.
 */
export async function assertPortsFree(ports: { port: number; what: string; flag: string }[]): Promise<void> {
  const problems: string[] = [];
  for (const { port, what, flag } of ports) {
    try {
      await tryBind(port, '127.0.0.1');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(
        code === 'EADDRINUSE'
          ? `port ${port} (${what}) is already in use — stop what uses it (another \`npm start\` or demo?) or choose another with ${flag} N`
          : `port ${port} (${what}) cannot be used: ${(err as Error).message}`,
      );
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
}
