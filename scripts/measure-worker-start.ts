/**
 * Worker start time, both ways: with the prebuilt workflow bundles (`npm run build`, the production
 * path) and bundling at start-up (the development path). Each run is a fresh process against one
 * Temporal dev server; runs of the two ways alternate so that machine load hits both alike.
 *
 *   npx tsx scripts/measure-worker-start.ts [--runs 5]
 *
 * Prints, per way, the time createProductWorkers takes (both queues' workers created and ready to
 * poll) and the time from process start to that point (module loading included), and the load.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { EventLog } from '../eventlog/types';
import { ensureTemporalCli } from '../temporal/cli';
import { createDataConverter } from '../temporal/data-converter';
import { startTestDevServer } from '../test/harness/dev-server';
import { PROJECT_ROOT } from '../temporal/paths';
import { createProductWorkers } from '../workers/create-workers';
import { QUEUE_NAMES, readManifest, staleSource } from '../workers/workflow-bundles';

type Way = 'prebuilt' | 'startup';
interface Timing {
  createMs: number;
  sinceProcessStartMs: number;
}

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** One worker start in this process; prints its timing as the last line. */
async function child(way: Way, address: string): Promise<void> {
  const connection = await NativeConnection.connect({ address });
  const suffix = Math.random().toString(36).slice(2, 8);
  const started = performance.now();
  const workers = await createProductWorkers({
    connection,
    namespace: 'default',
    dataConverter: createDataConverter([{ id: 'measure', key: randomBytes(32) }]),
    taskQueues: { webex: `measure-webex-${suffix}`, bill: `measure-bill-${suffix}` },
    activities: createActivities({
      webex: {
        eventLog: {} as EventLog,
        apiBaseUrl: 'http://127.0.0.1:9',
        redirectUri: 'http://127.0.0.1/cb',
      },
      bill: { apiBaseUrl: 'http://127.0.0.1:9', documents: {} as EventLog },
    }),
    prebuiltBundles: way === 'prebuilt',
  });
  const ready = performance.now();
  if (workers.length !== QUEUE_NAMES.length) throw new Error('expected one worker per queue');
  const timing: Timing = { createMs: ready - started, sinceProcessStartMs: ready };
  console.log(JSON.stringify(timing));
  process.exit(0); // the workers hold the connection; nothing to clean up in a throwaway process
}

function runChild(way: Way, address: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const proc = spawn(TSX, [__filename, '--child', way, address], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`child (${way}) exited ${code}: ${out}`));
      else resolve(JSON.parse(last) as Timing);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) =>
  `median ${Math.round(median(xs))} ms (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Way, args[2]!);
  const runs = Number(args[args.indexOf('--runs') + 1]) || 5;

  const manifest = readManifest();
  const fresh =
    manifest && QUEUE_NAMES.every((q) => manifest.bundles[q] && !staleSource(manifest.bundles[q].sources));
  if (!fresh) {
    console.log('prebuilt bundles missing or stale: npm run build');
    execFileSync(TSX, [path.join(__dirname, 'build-workflow-bundles.ts')], { stdio: 'inherit' });
  }

  const cli = ensureTemporalCli((line) => console.log(line));
  const server = await startTestDevServer({ cliPath: cli.path });
  const results: Record<Way, Timing[]> = { prebuilt: [], startup: [] };
  const loads: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const way of ['prebuilt', 'startup'] as const) {
        loads.push(os.loadavg()[0]!);
        results[way].push(await runChild(way, server.address));
      }
    }
  } finally {
    await server.stop();
  }
  console.log(
    `worker start, ${runs} runs each, ${os.cpus().length} CPUs, load average ${loads.map((l) => l.toFixed(1)).join(' ')}`,
  );
  for (const way of ['prebuilt', 'startup'] as const) {
    const label = way === 'prebuilt' ? 'prebuilt bundle (npm run build)' : 'bundled at start-up     ';
    console.log(
      `  ${label}: createProductWorkers ${fmt(results[way].map((t) => t.createMs))}; ` +
        `process start to ready ${fmt(results[way].map((t) => t.sinceProcessStartMs))}`,
    );
  }
}

main().catch((err) => {
  console.error((err as Error).stack ?? err);
  process.exit(1);
});
