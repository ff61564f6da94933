/**
 * The benchmark's Billsby simulator in a process of its own (billsby.ts starts it): Billsby is a
 * remote API, so the CPU its server spends answering the reads is not the product's. In front of
 * it, a plain pass-through listener notes when each REST read arrived and when its answer was
 * sent (wall clock, ms), served at `GET /__bench/timeline`: the section lines those up with the
 * posts. Settings in BENCH_BILLSBY (JSON: latencyMs, apiKey, companyDomain); prints
 * `ready <baseUrl>` once listening; stops on SIGTERM/SIGINT, or when the benchmark process goes
 * away (the IPC channel closes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBillsbySimulator } from '../../simulators/billsby';

/** One REST read as the pass-through saw it: arrived → answer sent, ms since the epoch. */
export interface BillsbyRead {
  path: string;
  arrivedAt: number;
  answeredAt: number;
}

async function main() {
  const settings = JSON.parse(process.env.BENCH_BILLSBY ?? '') as {
    latencyMs: number;
    apiKey: string;
    companyDomain: string;
  };
  const sim = await startBillsbySimulator({ port: 0, ...settings });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const timeline: BillsbyRead[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/__bench/timeline') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(timeline));
      return;
    }
    const arrivedAt = Date.now();
    const upstream = http.request(
      { agent, host: '127.0.0.1', port: sim.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', () => {
          if (req.url?.startsWith('/api/'))
            timeline.push({ path: req.url, arrivedAt, answeredAt: Date.now() });
        });
      },
    );
    upstream.once('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = () => {
    server.close();
    agent.destroy();
    void sim.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.stdout.write(`ready http://127.0.0.1:${port}/api/v1/rest\n`);
}

main().catch((err) => {
  console.error(`[bench] Billsby simulator process: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
