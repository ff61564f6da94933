import { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from '../domain/integration/constants';
import { LOG_FORMATS, LOG_LEVELS } from '../logging/levels';
import { httpUrl, keyList, metricsPort, optionalNonEmpty, trustedProxies } from './fields';

/**
 * The product's configuration: every environment variable of DESIGN.md §4.1, parsed once.
 * A wrong value stops the process with a message naming the variable and what it expects,
 * never echoing the value itself (it may be a secret).
 */

export const DEFAULT_WEB_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

const DEFAULT_WEBEX_SCOPES =
  'spark:rooms_read spark:rooms_write spark:messages_read spark:messages_write spark:people_read';

export const envSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TEMPORAL_NAMESPACE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a namespace name (letters, digits, . _ -)')
    .default('default'),
  TEMPORAL_CLI_PATH: optionalNonEmpty,
  GATEWAY_PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0..65535')
    .max(65535, 'must be 0..65535')
    .default(3000),
  PUBLIC_BASE_URL: httpUrl('http://localhost:3000'),
  /**
   * `1` lets PUBLIC_BASE_URL be plain http on a host other than loopback. Without it start-up
   * refuses: webhook secrets, OAuth codes, sign-in links and session cookies would cross the
   * network in clear (put the gateway behind TLS instead).
   */
  ALLOW_INSECURE_PUBLIC_URL: optionalNonEmpty.refine(
    (value) => value === undefined || value === '0' || value === '1',
    'must be 1 or unset',
  ),
  /**
   * The reverse proxy in front of the gateway (TLS): the only peer whose `X-Forwarded-For` and
   * `X-Forwarded-Proto` the gateway believes. Addresses or CIDR ranges, comma-separated, or a hop
   * count. Unset: nobody's; the connection's own address is the client's (rate limits per
   * address key on it, so a client cannot choose its own by sending the header).
   */
  GATEWAY_TRUST_PROXY: trustedProxies,
  WEBEX_API_BASE_URL: httpUrl('https://webexapis.com/v1'),
  WEBEX_CLIENT_ID: optionalNonEmpty,
  WEBEX_CLIENT_SECRET: optionalNonEmpty,
  WEBEX_SCOPES: z
    .string()
    .trim()
    .regex(/^[\w:.-]+( [\w:.-]+)*$/, 'must be space-separated scope names')
    .default(DEFAULT_WEBEX_SCOPES),
  BILL_API_BASE_URL: httpUrl('https://gateway.stage.bill.com/connect'),
  BILL_USERNAME: optionalNonEmpty,
  BILL_PASSWORD: optionalNonEmpty,
  BILL_APP_KEY: optionalNonEmpty,
  BILL_DEV_KEY: optionalNonEmpty,
  BILLSBY_API_BASE_URL: httpUrl('https://public.billsby.com/api/v1/rest'),
  /** Default Billsby credentials (with BILLSBY_API_KEY) for accounts that have none of their own. */
  BILLSBY_COMPANY_DOMAIN: optionalNonEmpty.refine(
    (value) => value === undefined || /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(value),
    'must be the login subdomain, e.g. widgets for widgets.billsby.com',
  ),
  BILLSBY_API_KEY: optionalNonEmpty,
  /**
   * Billsby reads in flight while filling webhooks: per account (across its batches) and per worker
   * process. Billsby documents no rate limit (reference/billsby-webhooks.md): lower them if it answers 429.
   */
  BILLSBY_READS_PER_ACCOUNT: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be 1 to 1024')
    .max(1024, 'must be 1 to 1024')
    .default(64),
  BILLSBY_READS_PER_PROCESS: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be 1 to 4096')
    .max(4096, 'must be 1 to 4096')
    .default(128),
  PAYLOAD_ENCRYPTION_KEY: optionalNonEmpty,
  /** TLS / mTLS / API key for the Temporal connection: PEM text or a file path (temporal/security.ts). */
  TEMPORAL_TLS_CERT: optionalNonEmpty,
  TEMPORAL_TLS_KEY: optionalNonEmpty,
  TEMPORAL_TLS_CA: optionalNonEmpty,
  TEMPORAL_TLS_SERVER_NAME: optionalNonEmpty,
  TEMPORAL_API_KEY: optionalNonEmpty,
  /** PostgreSQL URL of the event log; unset → the embedded engine (SQLite) in the data folder. */
  DATABASE_URL: optionalNonEmpty.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\//.test(value),
    'must be a postgres:// or postgresql:// URL',
  ),
  /** Per-account cap on undelivered events; at the cap the webhook answers 429 with Retry-After. */
  EVENT_LOG_MAX_UNDELIVERED: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(1_000_000),
  /**
   * Days a delivered event's payload stays in the event log; then the worker erases it (the
   * record stays: id, type, state, times, Webex message ids). 0: erased at the next sweep.
   */
  EVENT_PAYLOAD_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(0, 'must be 0 or more')
    .max(36_500, 'must be at most 36500')
    .default(30),
  /**
   * Days an engagement run's report parts, reports and snapshots stay in the event log's database
   * (they hold customers' emails); then the worker's retention sweep deletes them.
   */
  ENGAGEMENT_REPORT_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(0, 'must be 0 or more')
    .max(36_500, 'must be at most 36500')
    .default(90),
  /**
   * How long a queued event may wait with no delivery attempt before the worker's wake sweep
   * signals its account's workflow (the gateway's own wake-up after the append was lost).
   */
  DELIVERY_SWEEP_AFTER_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be 1 to 3600')
    .max(3600, 'must be 1 to 3600')
    .default(30),
  /**
   * The engagement run's share of the devKey's 20,000 BILL requests per hour (the partner's
   * production application needs the rest): requests are spread evenly at this rate, per worker.
   */
  BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(20_000, "must be at most 20000 (BILL's hourly limit per devKey)")
    .default(10_000),
  /**
   * The CLI's default `--post-to` for `engagement run` and `engagement schedule`: the account whose
   * Webex integration posts each run's digest into its BILL Engagement space. Unset: no digest.
   */
  BILL_ENGAGEMENT_POST_TO: optionalNonEmpty.refine((v) => v === undefined || ACCOUNT_ID_PATTERN.test(v), {
    message: 'must be an account id (1-64 letters, digits, _ or -, starting with a letter or digit)',
  }),
  /**
   * Bearer keys accepted on `/api/*` (comma-separated, several for rotation). Unset: the embedded
   * default, one key generated into the data folder (0600) that the CLI on this machine also reads.
   */
  GATEWAY_API_KEYS: keyList(24),
  /**
   * The gateway's own keys for sealed links, sessions and CSRF tokens (comma-separated; the first
   * seals, all open, for rotation). Unset: the embedded default, one key generated into the data
   * folder (0600). Never derived from PAYLOAD_ENCRYPTION_KEY.
   */
  GATEWAY_SESSION_KEY: keyList(32),
  /** The codec endpoint's own listener (the Web UI decodes payloads through it); never the gateway port. */
  CODEC_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  CODEC_PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number (0 picks a free one)')
    .max(65_535, 'must be at most 65535')
    .default(3001),
  /** Bearer token the codec listener requires; required when CODEC_HOST is not a loopback address. */
  CODEC_AUTH_TOKEN: optionalNonEmpty.refine(
    (token) => token === undefined || token.length >= 24,
    'must be at least 24 characters',
  ),
  /**
   * The metrics listeners' host (Prometheus text on `GET /metrics`); loopback by default. The
   * metrics name no account and carry no secret, so another host needs no token.
   */
  METRICS_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  /** The gateway's metrics listener (never the gateway port). 0 picks a free one. */
  METRICS_PORT: metricsPort(9464),
  /** The worker's own metrics listener (the product's counters). 0 picks a free one. */
  WORKER_METRICS_PORT: metricsPort(9465),
  /** The Temporal SDK runtime's Prometheus exporter in the worker (SDK and worker metrics). 0 picks a free one. */
  TEMPORAL_METRICS_PORT: metricsPort(9466),
  /**
   * The status API's `alerts` name an integration whose oldest undelivered event has waited longer
   * than this (seconds); deploy/prometheus/alerts.yml uses the same default.
   */
  ALERT_UNDELIVERED_AGE_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1')
    .default(900),
  /** Browser origins of the Temporal Web UI allowed to call the gateway's codec endpoint (CORS). */
  WEB_UI_ORIGINS: z
    .string()
    .trim()
    .default(DEFAULT_WEB_UI_ORIGINS.join(','))
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine(
      (origins) => origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)),
      'must be comma-separated origins like http://localhost:8233 (scheme://host[:port], no path)',
    ),
  /** Lowest level the processes log (JSON lines on stdout, logging/); both processes read it. */
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .default('info')
    .transform((value) => value || 'info')
    .pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })),
  /** `json` (one JSON object a line, for collectors) or `pretty` (one readable line, for a terminal). */
  LOG_FORMAT: z
    .string()
    .trim()
    .toLowerCase()
    .default('json')
    .transform((value) => value || 'json')
    .pipe(z.enum(LOG_FORMATS, { message: `must be ${LOG_FORMATS.join(' or ')}` })),
});

export type AppConfig = z.infer<typeof envSchema>;

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Names of every variable the product reads; docker-compose and .env.example are checked against it. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof AppConfig)[];

export function parseConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const input: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) input[name] = env[name];
  const result = envSchema.safeParse(input);
  if (result.success) {
    const publicUrl = new URL(result.data.PUBLIC_BASE_URL);
    if (
      publicUrl.protocol === 'http:' &&
      !isLoopbackHost(publicUrl.hostname) &&
      result.data.ALLOW_INSECURE_PUBLIC_URL !== '1'
    ) {
      throw new ConfigError([
        'PUBLIC_BASE_URL: must be https:// unless its host is loopback (secrets, OAuth codes and session cookies would cross the network in clear); set ALLOW_INSECURE_PUBLIC_URL=1 to allow plain http',
      ]);
    }
    if (!isLoopbackHost(result.data.CODEC_HOST) && !result.data.CODEC_AUTH_TOKEN) {
      throw new ConfigError([
        'CODEC_AUTH_TOKEN: must be set when CODEC_HOST is not a loopback address (the codec decrypts payloads)',
      ]);
    }
    return result.data;
  }
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

let cached: AppConfig | undefined;

/** Parse once per process; on a bad value print what is wrong and exit, rather than start half-configured. */
export function loadConfig(): AppConfig {
  if (cached) return cached;
  loadDotEnv();
  try {
    cached = parseConfig();
    return cached;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/** Reads `.env` from the working directory if there is one; real environment variables win. */
function loadDotEnv(path = '.env'): void {
  const load = (process as { loadEnvFile?: (file: string) => void }).loadEnvFile;
  if (!load) return;
  try {
    load(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
