/**
 * The benchmark's Billsby simulator in a process of its own (billsby.ts starts it): Billsby is a
 * remote API, so the CPU its server spends answering the reads is not the product's. When each
 * REST read arrived and when its answer was sent (wall clock, ms, from the simulator's own request
 * log) is served at `GET /__bench/timeline` on a second listener: the section lines those up with
 * the posts. Settings in BENCH_BILLSBY (JSON: latencyMs, apiKey, companyDomain); prints
 * `ready <baseUrl> <timeline origin>` once listening; stops on SIGTERM/SIGINT, or when the benchmark process goes
 * away (the IPC channel closes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBillsbySimulator } from '../../simulators/billsby';

/** One REST read as the simulator logged it: arrived → answer sent, ms since the epoch. */
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
  // The timeline comes from the simulator's own request log (no extra hop on this machine's CPU).
  const timeline = (): BillsbyRead[] =>
    sim.control
      .requestLog()
      .filter((r) => r.answeredAt > 0)
      .map((r) => ({ path: r.path, arrivedAt: r.arrivedAt, answeredAt: r.answeredAt }));
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(req.url === '/__bench/timeline' ? JSON.stringify(timeline()) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = () => {
    server.close();
    void sim.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.stdout.write(`ready ${sim.baseUrl} http://127.0.0.1:${port}\n`);
}

main().catch((err) => {
  console.error(`[bench] Billsby simulator process: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
