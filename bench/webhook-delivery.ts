/**
 * Benchmark (not a test): Billsby webhooks → Webex messages, the product beside the minimal
 * Temporal program that does the same job, in one run on one Temporal dev server. Sections:
 * delivery shapes (a, b, c), ingest per gateway process (PostgreSQL and SQLite), paced latency,
 * backlog drain, many idle accounts then load spread over them, Billsby's public webhooks filled
 * from its API against rich events. See bench/README.md; `npm run bench:webhook -- --help` lists the flags.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  DEFAULT_FILL_READS_PER_ACCOUNT,
  DEFAULT_FILL_READS_PER_PROCESS,
} from '../activities/webex/billsby-fill/batch-filler';
import { startWebexSimulator } from '../simulators/webex';
import { ensureTemporalCli } from '../temporal/cli';
import { parseEncryptionKeys } from '../temporal/codec';
import { createDataConverter } from '../temporal/data-converter';
import { startTestDevServer } from '../test/harness/dev-server';
import { bundleMinimalWorkflows, startMinimal } from './minimal/program';
import { runBacklog } from './webhook/backlog';
import { runDelivery, runShape } from './webhook/delivery';
import { Teardown, log, type BenchEnv, type Program } from './webhook/env';
import { runIngest } from './webhook/ingest';
import { runMany } from './webhook/many';
import { parseOptions, USAGE, type Options } from './webhook/options';
import { startBenchBillsby } from './webhook/billsby';
import { providePostgres } from './webhook/postgres';
import { runPublic } from './webhook/public';
import { printPublicRun } from './webhook/public-report';
import { bundleProductWorkflows, engineLabel, startProduct, type ProductProgram } from './webhook/product';
import {
  describeShape,
  printBacklogRun,
  printDeliveryRun,
  printIngestRun,
  printManyRun,
  printSummary,
  type Results,
} from './webhook/report';
import { machineLoad } from './webhook/stats';

async function main() {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`[bench] ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const teardown = new Teardown();
  const stop = new AbortController();
  let finishing = false;
  const abort = (code: number, why: string) => {
    if (finishing) return;
    finishing = true;
    stop.abort();
    console.error(`[bench] ${why} — tearing down`);
    void teardown.runAll().then(() => process.exit(code));
  };
  process.on('SIGINT', () => abort(130, 'interrupted'));
  process.on('SIGTERM', () => abort(143, 'terminated'));
  const watchdog = setTimeout(
    () => abort(2, `time limit of ${opts.timeoutMs / 60_000} minutes reached`),
    opts.timeoutMs,
  );
  watchdog.unref();

  let ok = false;
  try {
    ok = await run(opts, teardown, stop.signal);
  } catch (err) {
    if (!stop.signal.aborted) console.error(`[bench] failed: ${(err as Error).stack ?? err}`);
  }
  clearTimeout(watchdog);
  if (finishing) return;
  finishing = true;
  await teardown.runAll();
  log(`machine at the end: ${machineLoad()}`);
  process.exit(ok ? 0 : 1);
}

async function run(opts: Options, teardown: Teardown, signal: AbortSignal): Promise<boolean> {
  const startLoad = machineLoad();
  log(`machine at the start: ${startLoad}${opts.quick ? '; --quick: smoke sizes, not a measurement' : ''}`);
  log(`sections: ${opts.sections.join(', ')}`);
  // Warnings in one line each; failed activity attempts are expected (the backlog's 503s), not shown.
  Runtime.install({
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      if (message === 'Activity failed') return;
      const error = (meta as { error?: { message?: string } } | undefined)?.error?.message;
      console.error(`[bench] worker ${level}: ${message}${error ? `: ${error}` : ''}`);
    }),
  });

  const cli = ensureTemporalCli(log);
  let dbFilename: string | undefined;
  if (opts.temporalDb === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'webhook-bench-temporal-'));
    teardown.add('Temporal database folder', () => rmSync(dir, { recursive: true, force: true }));
    dbFilename = path.join(dir, 'temporal.sqlite');
  }
  const server = await startTestDevServer({ cliPath: cli.path, dbFilename });
  teardown.add('Temporal dev server', () => server.stop());
  const temporalText = opts.temporalDb === 'sqlite' ? 'SQLite file (WAL)' : 'in memory';
  log(`Temporal dev server ${server.address} (${temporalText})`);

  const sim = await startWebexSimulator({ port: 0 });
  teardown.add('Webex simulator', () => sim.close());
  // Billsby's REST API for the product's worker (filling public webhooks); only `public` reads it.
  const billsby = await startBenchBillsby(teardown, {
    latencyMs: opts.public.latencyMs,
    inProcess: opts.public.billsbyInProcess,
  });
  const { companyDomain, apiKey } = billsby;
  const fillReads = {
    readsPerAccount: opts.public.readsPerAccount ?? DEFAULT_FILL_READS_PER_ACCOUNT,
    readsPerProcess: opts.public.readsPerProcess ?? DEFAULT_FILL_READS_PER_PROCESS,
  };
  const keyBase64 = randomBytes(32).toString('base64');
  const keys = parseEncryptionKeys(keyBase64);
  const env: BenchEnv = {
    server,
    temporalDb: opts.temporalDb,
    sim,
    keys,
    keyBase64,
    dataConverter: createDataConverter(keys),
    teardown,
    suffix: randomBytes(3).toString('hex'),
    deadline: Date.now() + opts.timeoutMs,
    signal,
    trace: opts.trace,
    log,
  };

  const has = (s: Options['sections'][number]) => opts.sections.includes(s);
  const needsPostgres =
    (has('ingest') && opts.ingestEngines.includes('postgres')) ||
    (opts.engine === 'postgres' &&
      (has('delivery') || has('paced') || has('backlog') || has('many') || has('public')));
  let databaseUrl = opts.databaseUrl;
  let postgresMissing: string | undefined;
  if (needsPostgres && !databaseUrl) {
    const pg = await providePostgres(teardown, log);
    if ('url' in pg) databaseUrl = pg.url;
    else postgresMissing = pg.missing;
  }
  if (opts.engine === 'postgres' && !databaseUrl && postgresMissing) {
    throw new Error(`--engine postgres, but no PostgreSQL: ${postgresMissing}`);
  }

  const bundleStarted = Date.now();
  const productBundle = await bundleProductWorkflows();
  const needsMinimal = (has('delivery') && opts.shapes.length > 0) || (has('paced') && opts.paced.minimal);
  const minimalBundle = needsMinimal ? await bundleMinimalWorkflows() : undefined;
  log(`workflow bundles built in ${Date.now() - bundleStarted} ms`);

  const results: Results = {
    shapes: [],
    ingest: [],
    paced: { rate: opts.paced.rate, seconds: opts.paced.seconds, accounts: opts.paced.accounts },
  };
  let product: ProductProgram | undefined;
  let minimal: Program | undefined;
  const getProduct = async () =>
    (product ??= await startProduct(env, {
      engine: opts.engine,
      databaseUrl,
      gatewayProcess: false,
      bundleCode: productBundle,
      billsby: { apiBaseUrl: billsby.baseUrl, defaultCredentials: { companyDomain, apiKey }, ...fillReads },
    }));
  const getMinimal = async () => (minimal ??= await startMinimal(env, minimalBundle!));

  if (has('delivery')) {
    for (const shape of opts.shapes) {
      const result: Results['shapes'][number] = { shape };
      results.shapes.push(result);
      for (const name of ['product', 'minimal'] as const) {
        log(`delivery ${describeShape(shape)}: ${name} — ${machineLoad()}`);
        const program = name === 'product' ? await getProduct() : await getMinimal();
        const run = await runShape(env, program, shape, opts.concurrency);
        result[name] = run;
        printDeliveryRun(`delivery ${describeShape(shape)}`, run);
      }
    }
  }

  if (has('public')) {
    const { customers, latencyMs, rounds, warmupCustomers } = opts.public;
    log(
      `public: ${rounds} round(s) of ${customers} customers × 4 thin Billsby webhooks, then as many rich — ${machineLoad()}`,
    );
    const run = await runPublic(env, await getProduct(), billsby, {
      customers,
      warmupCustomers,
      latencyMs,
      rounds,
      concurrency: opts.concurrency,
      ...fillReads,
    });
    results.public = run;
    printPublicRun(run);
  }

  if (has('ingest')) {
    for (const engine of opts.ingestEngines) {
      if (engine === 'postgres' && !databaseUrl) {
        results.ingest.push({ engine: engineLabel(engine), skipped: postgresMissing ?? 'no PostgreSQL' });
        log(`ingest on PostgreSQL skipped: ${postgresMissing}`);
        continue;
      }
      log(`ingest, ${engineLabel(engine)} — ${machineLoad()}`);
      const run = await runIngest(env, { engine, databaseUrl, bundleCode: productBundle, ...opts.ingest });
      results.ingest.push(run);
      printIngestRun(run);
    }
  }

  if (has('paced')) {
    const { rate, seconds, accounts } = opts.paced;
    const programs = opts.paced.minimal ? (['product', 'minimal'] as const) : (['product'] as const);
    for (const name of programs) {
      log(`paced ${rate}/s over ${accounts} accounts for ${seconds} s: ${name} — ${machineLoad()}`);
      const program = name === 'product' ? await getProduct() : await getMinimal();
      const run = await runDelivery(env, program, {
        tag: 'paced',
        accounts,
        events: rate * seconds,
        concurrency: opts.concurrency,
        rate,
      });
      results.paced[name] = run;
      printDeliveryRun(`paced ${rate}/s`, run);
    }
  }

  if (has('backlog')) {
    let steadyRate = results.shapes.find((s) => s.shape.key === 'b')?.product?.deliveredPerS;
    if (!steadyRate || !Number.isFinite(steadyRate)) {
      const b = opts.shapes.find((s) => s.key === 'b') ?? {
        key: 'b' as const,
        accounts: 1,
        events: 2000,
        latencyMs: 0,
      };
      log(`backlog: measuring the steady rate first (shape b, product only) — ${machineLoad()}`);
      const calibration = await runShape(env, await getProduct(), b, opts.concurrency);
      printDeliveryRun(`steady rate for the backlog, ${describeShape(b)}`, calibration);
      if (!calibration.ok) throw new Error('the steady-rate run failed its checks');
      steadyRate = calibration.deliveredPerS;
    }
    log(`backlog of ${opts.backlog.events} — ${machineLoad()}`);
    const run = await runBacklog(env, await getProduct(), {
      events: opts.backlog.events,
      concurrency: opts.concurrency,
      steadyRate,
    });
    results.backlog = run;
    printBacklogRun(run);
  }

  if (has('many')) {
    const m = opts.many;
    log(
      `many: ${m.accounts} accounts, idle ${m.idleMinutes} min, then ${m.eventsPerAccount} events each over ${m.seconds} s — ${machineLoad()}`,
    );
    const run = await runMany(env, await getProduct(), { ...m, concurrency: opts.concurrency });
    results.many = run;
    printManyRun(run);
  }

  return printSummary(results, [
    `Temporal dev server ${temporalText} on loopback; Webex and Billsby simulators on loopback; webhooks ${opts.concurrency} in flight`,
    `the product in delivery, paced, backlog, many and public: ${engineLabel(opts.engine)}` +
      (databaseUrl ? `; PostgreSQL at ${redact(databaseUrl)}` : ''),
    `machine at the start: ${startLoad}`,
    `machine now:          ${machineLoad()}`,
    ...(opts.quick ? ['--quick: smoke sizes; these numbers are not measurements'] : []),
  ]);
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

void main();
