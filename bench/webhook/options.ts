import { parseArgs } from 'node:util';
import type { Engine } from './product';

export const SECTIONS = ['delivery', 'ingest', 'paced', 'backlog', 'many', 'public'] as const;
export type Section = (typeof SECTIONS)[number];
export const SHAPES = ['a', 'b', 'c'] as const;
export type ShapeKey = (typeof SHAPES)[number];

export interface Shape {
  key: ShapeKey;
  accounts: number;
  /** Events in total. */
  events: number;
  /** Simulator latency on every Webex request, ms. */
  latencyMs: number;
}

export interface Options {
  sections: Section[];
  shapes: Shape[];
  /** Webhook requests in flight (delivery shapes and backlog). */
  concurrency: number;
  /** The product's event log in delivery, paced, backlog, many and public. */
  engine: Engine;
  ingestEngines: Engine[];
  /** Peak: `events` as fast as `concurrency` allows; then `rate`/s for `rateSeconds`, open loop. */
  ingest: {
    events: number;
    accounts: number;
    concurrency: number;
    rate: number;
    rateSeconds: number;
    /** Sent first and not timed: a new process's code is not compiled yet, nor its sockets open. */
    warmup: number;
    /** Pause between the peak and the at-rate phase, so the second does not inherit the first's tail. */
    settleSeconds: number;
  };
  paced: { rate: number; seconds: number; accounts: number; minimal: boolean };
  backlog: { events: number };
  /**
   * Many connected accounts: `accounts` connected (`connectConcurrency` at once), left to settle
   * for `settleSeconds`, then idle for `idleMinutes` (workflow tasks counted); then
   * `eventsPerAccount` each at random times over `seconds`, and the same events over
   * `fewAccounts` accounts.
   */
  many: {
    accounts: number;
    idleMinutes: number;
    eventsPerAccount: number;
    seconds: number;
    settleSeconds: number;
    connectConcurrency: number;
    fewAccounts: number;
  };
  /**
   * Billsby's public webhooks (`public`): `customers` customers, 4 thin events each, filled from
   * the Billsby simulator answering after `latencyMs`, against as many rich events. The reads'
   * bounds go to the product's deps (undefined: the product's defaults).
   */
  public: {
    customers: number;
    /** Customers of a first round that is not counted (0: none). */
    warmupCustomers: number;
    latencyMs: number;
    /** Thin/rich pairs, one after the other, alternating which goes first; the verdict is on the median ratio. */
    rounds: number;
    readsPerAccount?: number;
    readsPerProcess?: number;
    /** The Billsby simulator in the benchmark's process rather than one of its own. */
    billsbyInProcess: boolean;
  };
  /** Where each product run's batch time went, from the integration workflows' histories. */
  trace: boolean;
  /** An existing PostgreSQL database; otherwise a throwaway cluster is started. */
  databaseUrl?: string;
  temporalDb: 'memory' | 'sqlite';
  timeoutMs: number;
  quick: boolean;
}

const FULL = {
  a: { accounts: 10, perAccount: 1000 },
  b: 2000,
  c: { events: 300, latency: 100 },
  ingest: { events: 20_000, accounts: 10, rate: 1_000, rateSeconds: 20, warmup: 2_000, settleSeconds: 3 },
  paced: { rate: 10, seconds: 60, accounts: 10 },
  backlog: 20_000,
  many: { accounts: 1_000, idleMinutes: 10, eventsPerAccount: 5, seconds: 60, settleSeconds: 30 },
  publicCustomers: 250,
  publicWarmup: 50,
  publicRounds: 5,
};
const QUICK = {
  a: { accounts: 3, perAccount: 50 },
  b: 200,
  c: { events: 30, latency: 100 },
  ingest: { events: 1_000, accounts: 5, rate: 200, rateSeconds: 3, warmup: 100, settleSeconds: 0 },
  paced: { rate: 10, seconds: 10, accounts: 5 },
  backlog: 500,
  many: { accounts: 50, idleMinutes: 1, eventsPerAccount: 5, seconds: 10, settleSeconds: 10 },
  publicCustomers: 25,
  publicWarmup: 0,
  publicRounds: 1,
};

export const USAGE = `npm run bench:webhook -- [flags]
  --only delivery,ingest,paced,backlog,many,public   sections to run (default: all)
  --shapes a,b,c                          delivery shapes (default: all)
  --quick                                 small sizes, a smoke run (any size flag still wins)
  --a-accounts N --a-events-per-account N shape (a)  (10 × 1000)
  --b-events N                            shape (b), one account (2000)
  --c-events N --c-latency-ms MS          shape (c), one account, simulator latency (300, 100)
  --concurrency C                         webhooks in flight, delivery and backlog (64)
  --engine sqlite|postgres                the product's event log in delivery, paced, backlog, many, public (sqlite)
  --ingest-engines postgres,sqlite        (both) --ingest-events N (20000) --ingest-accounts M (10)
  --ingest-concurrency C                  (64)  peak: as fast as C in flight allow
  --ingest-rate R --ingest-rate-seconds S then R/s for S s, open loop (1000/s, 20 s)
  --ingest-warmup N                       sent first, not timed (2000)
  --ingest-settle-seconds S               pause between the peak and the at-rate phase (3)
  --paced-rate R --paced-seconds S --paced-accounts M   (10/s, 60 s, 10)  --paced-no-minimal
  --backlog-events N                      (20000)
  --many-accounts N --many-idle-minutes M many: N accounts idle for M minutes, workflow tasks counted (1000, 10)
  --many-events-per-account E --many-seconds S   then E events each at random over S s (5, 60),
                                          and the same events over 10 accounts
  --many-settle-seconds S                 between connecting and the idle count (30)
  --many-connect-concurrency C            accounts connecting at once (16)
  --public-customers N                    public: N customers × 4 thin Billsby webhooks, then as many rich (250)
  --public-latency-ms MS                  public: the Billsby simulator answers every read after MS (50)
  --public-rounds R                       public: R thin/rich pairs, alternating which goes first; the target is judged on the median ratio (5)
  --public-warmup N                       public: a first round of N customers, not counted (50; 0: none)
  --public-reads-per-account N            public: the product's Billsby reads in flight per account's batch
  --public-reads-per-process N            and per worker process (default: the product's, 64 and 128)
  --public-billsby-in-process             public: the Billsby simulator in this process, not its own
  --trace                                 where each product run's batches spent their time (or BENCH_TRACE=1)
  --database-url URL                      an existing PostgreSQL; default: a throwaway cluster
  --temporal-db memory|sqlite             the dev server's own database (memory)
  --timeout-minutes T                     abort and tear down after T minutes (60)`;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      shapes: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'a-accounts': { type: 'string' },
      'a-events-per-account': { type: 'string' },
      'b-events': { type: 'string' },
      'c-events': { type: 'string' },
      'c-latency-ms': { type: 'string' },
      concurrency: { type: 'string', default: '64' },
      engine: { type: 'string', default: 'sqlite' },
      'ingest-engines': { type: 'string', default: 'postgres,sqlite' },
      'ingest-events': { type: 'string' },
      'ingest-accounts': { type: 'string' },
      'ingest-concurrency': { type: 'string', default: '64' },
      'ingest-rate': { type: 'string' },
      'ingest-rate-seconds': { type: 'string' },
      'ingest-warmup': { type: 'string' },
      'ingest-settle-seconds': { type: 'string' },
      'paced-rate': { type: 'string' },
      'paced-seconds': { type: 'string' },
      'paced-accounts': { type: 'string' },
      'paced-no-minimal': { type: 'boolean', default: false },
      'backlog-events': { type: 'string' },
      'many-accounts': { type: 'string' },
      'many-idle-minutes': { type: 'string' },
      'many-events-per-account': { type: 'string' },
      'many-seconds': { type: 'string' },
      'many-settle-seconds': { type: 'string' },
      'many-connect-concurrency': { type: 'string', default: '16' },
      'public-customers': { type: 'string' },
      'public-latency-ms': { type: 'string' },
      'public-rounds': { type: 'string' },
      'public-warmup': { type: 'string' },
      'public-reads-per-account': { type: 'string' },
      'public-reads-per-process': { type: 'string' },
      'public-billsby-in-process': { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      'temporal-db': { type: 'string', default: 'memory' },
      'timeout-minutes': { type: 'string', default: '60' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const d = values.quick ? QUICK : FULL;
  const int = (name: string, value: string | undefined, fallback: number, min = 1) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const optionalInt = (name: string, value: string | undefined) =>
    value === undefined ? undefined : int(name, value, 0);
  const list = <T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T[] => {
    if (value === undefined) return [...allowed];
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!allowed.includes(item as T))
        throw new Error(`--${name}: ${item} is not one of ${allowed.join(', ')}`);
    }
    return items as T[];
  };
  const engine = (value: string) => {
    if (value !== 'sqlite' && value !== 'postgres') throw new Error('--engine must be sqlite or postgres');
    return value;
  };
  if (values['temporal-db'] !== 'memory' && values['temporal-db'] !== 'sqlite') {
    throw new Error('--temporal-db must be memory or sqlite');
  }
  const a = {
    accounts: int('a-accounts', values['a-accounts'], d.a.accounts),
    perAccount: int('a-events-per-account', values['a-events-per-account'], d.a.perAccount),
  };
  const shapes: Record<ShapeKey, Shape> = {
    a: { key: 'a', accounts: a.accounts, events: a.accounts * a.perAccount, latencyMs: 0 },
    b: { key: 'b', accounts: 1, events: int('b-events', values['b-events'], d.b), latencyMs: 0 },
    c: {
      key: 'c',
      accounts: 1,
      events: int('c-events', values['c-events'], d.c.events),
      latencyMs: int('c-latency-ms', values['c-latency-ms'], d.c.latency, 0),
    },
  };
  return {
    sections: list('only', values.only, SECTIONS),
    shapes: list('shapes', values.shapes, SHAPES).map((key) => shapes[key]),
    concurrency: int('concurrency', values.concurrency, 64),
    engine: engine(values.engine),
    ingestEngines: list('ingest-engines', values['ingest-engines'], ['postgres', 'sqlite'] as const),
    ingest: {
      events: int('ingest-events', values['ingest-events'], d.ingest.events),
      accounts: int('ingest-accounts', values['ingest-accounts'], d.ingest.accounts),
      concurrency: int('ingest-concurrency', values['ingest-concurrency'], 64),
      rate: int('ingest-rate', values['ingest-rate'], d.ingest.rate),
      rateSeconds: int('ingest-rate-seconds', values['ingest-rate-seconds'], d.ingest.rateSeconds),
      warmup: int('ingest-warmup', values['ingest-warmup'], d.ingest.warmup, 0),
      settleSeconds: int('ingest-settle-seconds', values['ingest-settle-seconds'], d.ingest.settleSeconds, 0),
    },
    paced: {
      rate: int('paced-rate', values['paced-rate'], d.paced.rate),
      seconds: int('paced-seconds', values['paced-seconds'], d.paced.seconds),
      accounts: int('paced-accounts', values['paced-accounts'], d.paced.accounts),
      minimal: !values['paced-no-minimal'],
    },
    backlog: { events: int('backlog-events', values['backlog-events'], d.backlog) },
    many: {
      accounts: int('many-accounts', values['many-accounts'], d.many.accounts),
      idleMinutes: int('many-idle-minutes', values['many-idle-minutes'], d.many.idleMinutes),
      eventsPerAccount: int(
        'many-events-per-account',
        values['many-events-per-account'],
        d.many.eventsPerAccount,
      ),
      seconds: int('many-seconds', values['many-seconds'], d.many.seconds),
      settleSeconds: int('many-settle-seconds', values['many-settle-seconds'], d.many.settleSeconds, 0),
      connectConcurrency: int('many-connect-concurrency', values['many-connect-concurrency'], 16),
      fewAccounts: 10,
    },
    public: {
      customers: int('public-customers', values['public-customers'], d.publicCustomers),
      latencyMs: int('public-latency-ms', values['public-latency-ms'], 50, 0),
      rounds: int('public-rounds', values['public-rounds'], d.publicRounds),
      warmupCustomers: int('public-warmup', values['public-warmup'], d.publicWarmup, 0),
      readsPerAccount: optionalInt('public-reads-per-account', values['public-reads-per-account']),
      readsPerProcess: optionalInt('public-reads-per-process', values['public-reads-per-process']),
      billsbyInProcess: values['public-billsby-in-process'],
    },
    trace: values.trace || Boolean(process.env.BENCH_TRACE),
    databaseUrl: values['database-url'] ?? undefined,
    temporalDb: values['temporal-db'],
    timeoutMs: int('timeout-minutes', values['timeout-minutes'], 60) * 60_000,
    quick: values.quick,
  };
}
