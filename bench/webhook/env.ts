import type { DataConverter } from '@temporalio/common';
import type { WebexSimulator } from '../../simulators/webex';
import type { EncryptionKey } from '../../temporal/codec';
import type { DevServer } from '../../temporal/dev-server';

/** Clean-up steps, run newest first; each one at most once. */
export class Teardown {
  private steps: { name: string; run: () => Promise<unknown> | unknown }[] = [];

  /** Registers a step; the returned function runs it now (and forgets it). */
  add(name: string, run: () => Promise<unknown> | unknown): () => Promise<void> {
    const step = { name, run };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await runStep(step);
    };
  }

  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      if (process.env.BENCH_DEBUG) console.error(`[bench] teardown: ${step.name}`);
      await runStep(step);
    }
  }
}

/** Runs clean-up steps newest first, each even when an earlier one failed. */
export async function runCleanups(steps: (() => Promise<unknown> | unknown)[], what: string): Promise<void> {
  for (const [i, step] of [...steps.splice(0).entries()].reverse()) {
    if (process.env.BENCH_DEBUG) console.error(`[bench] teardown: ${what} step ${i}`);
    await runStep({ name: what, run: step });
  }
}

async function runStep(step: { name: string; run: () => Promise<unknown> | unknown }) {
  try {
    await step.run();
  } catch (err) {
    console.error(`[bench] teardown of ${step.name}: ${(err as Error).message}`);
  }
}

/** What every section shares: one Temporal dev server, one Webex simulator, one key. */
export interface BenchEnv {
  server: DevServer;
  temporalDb: 'memory' | 'sqlite';
  sim: WebexSimulator;
  keys: EncryptionKey[];
  /** The same key as `keys`, base64, for a gateway in another process. */
  keyBase64: string;
  dataConverter: DataConverter;
  teardown: Teardown;
  /** Unique per run: task queues and account ids carry it. */
  suffix: string;
  deadline: number;
  /** Aborted on Ctrl+C or the time limit: senders and waits stop early. */
  signal: AbortSignal;
  /** `--trace` (or BENCH_TRACE=1): after each product run, where its batches' time went (trace.ts). */
  trace: boolean;
  log(line: string): void;
}

/** An account ready for webhooks: where to send them, and the room its messages land in. */
export interface BenchAccount {
  id: string;
  roomId: string;
  webhookUrl: string;
  headers: Record<string, string>;
}

/** The product or the minimal program, seen from the load generator. */
export interface Program {
  name: 'product' | 'minimal';
  /** e.g. `product (event log: SQLite)`. */
  label: string;
  addAccount(accountId: string): Promise<BenchAccount>;
  /** Events delivered for good but refused (the product marks them failed); 0 for the minimal one. */
  failedCount(accounts: BenchAccount[]): Promise<number>;
  close(): Promise<void>;
}

/** The gateways' API key in the benchmark (GATEWAY_API_KEYS); the connect step sends it. */
export const BENCH_API_KEY = 'bench-gateway-api-key-0123456789abcdef';

export const log = (line: string) => console.log(`[bench] ${line}`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
