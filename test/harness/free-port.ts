import net from 'node:net';

/**
 * A loopback port the OS says is free now, left in TIME_WAIT so the OS does not hand it out again
 * for a while: the Temporal CLI, PostgreSQL and the tests' own listeners each ask the OS for
 * "any free port" (bind to port 0), and a port just released by a plain bind-and-close can be the
 * very next answer, so two servers started side by side could be given the same one. A connection
 * opened and closed from the listening side parks the port in TIME_WAIT, which any-port requests
 * skip, while an explicit listen on it still succeeds (Node, Go and PostgreSQL all set
 * SO_REUSEADDR). The same trick as the Temporal CLI's own devserver/freeport.go.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((accepted) => accepted.destroy());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const client = net.connect(port, '127.0.0.1');
      // The accepting side closes first, so the TIME_WAIT entry is on the listening port.
      client.once('close', () => server.close(() => resolve(port)));
      client.once('error', () => server.close(() => resolve(port)));
    });
  });
}
