/**
 * The benchmark's Billsby: the project's simulator (simulators/billsby), every read answered after
 * `latencyMs`, whose company domain and API key the product's worker has as its default
 * credentials. By default in a process of its own (billsby-process.ts), driven through its
 * `/__admin` routes, so the CPU its server spends is not charged to the product's process (which
 * holds the worker, the gateway, the Webex simulator and the load generator); `inProcess` runs it
 * in this process instead (the section's first runs did; compare the two with
 * `--public-billsby-in-process`).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  startBillsbySimulator,
  type BillsbyRequestLogEntry,
  type SimCustomer,
  type SimInvoice,
  type SimSubscription,
} from '../../simulators/billsby';
import type { BillsbyRead } from './billsby-process';
import type { Teardown } from './env';

export type { BillsbyRead };

export interface BillsbyRecords {
  customer: SimCustomer;
  subscription: SimSubscription;
  invoice: SimInvoice;
}

export interface BenchBillsby {
  /** e.g. `http://127.0.0.1:41234/api/v1/rest` */
  baseUrl: string;
  companyDomain: string;
  apiKey: string;
  /** `its own process` or `this process`. */
  where: string;
  seed(records: BillsbyRecords[]): Promise<void>;
  setLatency(ms: number): Promise<void>;
  /** Every request served so far (path, status), oldest first. */
  requestLog(): Promise<BillsbyRequestLogEntry[]>;
  /** Every REST read so far with when it arrived and was answered (own process only; else null). */
  timeline(): Promise<BillsbyRead[] | null>;
}

const CREDENTIALS = { apiKey: 'bench-billsby-api-key', companyDomain: 'benchco' };
/** Seeding requests in flight at once (own process). */
const SEEDING = 16;

export async function startBenchBillsby(
  teardown: Teardown,
  opts: { latencyMs: number; inProcess: boolean },
): Promise<BenchBillsby> {
  return opts.inProcess ? inThisProcess(teardown, opts.latencyMs) : inItsOwnProcess(teardown, opts.latencyMs);
}

async function inThisProcess(teardown: Teardown, latencyMs: number): Promise<BenchBillsby> {
  const sim = await startBillsbySimulator({ port: 0, latencyMs, ...CREDENTIALS });
  teardown.add('Billsby simulator', () => sim.close());
  return {
    baseUrl: sim.baseUrl,
    ...CREDENTIALS,
    where: 'this process',
    async seed(records) {
      for (const r of records) {
        sim.control.addCustomer(r.customer);
        sim.control.addSubscription(r.subscription);
        sim.control.addInvoice(r.invoice);
      }
    },
    setLatency: async (ms) => sim.control.setLatency(ms),
    requestLog: async () => sim.control.requestLog(),
    timeline: async () => null,
  };
}

async function inItsOwnProcess(teardown: Teardown, latencyMs: number): Promise<BenchBillsby> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'billsby-process.ts')], {
    env: { ...process.env, BENCH_BILLSBY: JSON.stringify({ latencyMs, ...CREDENTIALS }) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  teardown.add('Billsby simulator process', async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const [baseUrl, timelineOrigin] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Billsby simulator not ready within 60 s')), 60_000);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const ready = /ready (\S+) (\S+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve([ready[1]!, ready[2]!]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`Billsby simulator process exited during start-up (code ${child.exitCode})`));
    });
  });
  const origin = new URL(baseUrl).origin;
  const call = async (route: string, body?: unknown, at = origin) => {
    const res = await fetch(`${at}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`Billsby simulator ${route}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  return {
    baseUrl,
    ...CREDENTIALS,
    where: 'its own process',
    async seed(records) {
      let next = 0;
      const lane = async () => {
        while (next < records.length) {
          const r = records[next++]!;
          await call('/__admin/customers', r.customer);
          await call('/__admin/subscriptions', r.subscription);
          await call('/__admin/invoices', r.invoice);
        }
      };
      await Promise.all(Array.from({ length: Math.min(SEEDING, records.length) }, lane));
    },
    setLatency: async (ms) => void (await call('/__admin/latency', { ms })),
    requestLog: async () => (await call('/__admin/requests')) as BillsbyRequestLogEntry[],
    timeline: async () => (await call('/__bench/timeline', undefined, timelineOrigin)) as BillsbyRead[],
  };
}
