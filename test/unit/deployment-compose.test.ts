import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, parseConfig } from '../../config/env';
import { GATEWAY_ONLY_VARIABLES, WORKER_ONLY_VARIABLES } from '../../config/process-variables';
import { DEFAULT_CONNECTION_LIMITS } from '../../gateway/connection-limits';
import { devServerArgs } from '../../temporal/dev-server';
import {
  DYNAMIC_CONFIG_FILE,
  EVENT_LOG_DATABASE,
  NAMESPACE_RETENTION_HOURS,
  NUM_HISTORY_SHARDS,
  POSTGRES_MAJOR_VERSION,
  TEMPORAL_DATABASES,
  TEMPORAL_SERVER_VERSION,
} from '../../scripts/temporal-cluster/cluster';
import { PRODUCT_SEARCH_ATTRIBUTES, searchAttributeTypeName } from '../../temporal/search-attributes';

/**
 * Docker cannot run here, so this reads docker-compose.yml, the Dockerfile and .env.example and
 * checks they agree with the code: the configuration schema, the search attributes, the npm
 * scripts, the codec's CORS allowlist, what is published where, and the embedded server's dynamic config.
 */

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published: string | number })[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  expose?: (string | number)[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  cap_drop?: string[];
  cap_add?: string[];
}

interface Network {
  internal?: boolean;
  ipam?: { config?: { subnet?: string; ip_range?: string; gateway?: string }[] };
}

// Compose honours YAML merge keys (`<<: *common-environment`); so does this parse.
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  networks?: Record<string, Network | null>;
};
const services = compose.services;
const packageJson = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
};

/** Compose's variable substitution: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      if (bare) return env[bare] ?? '';
      const set = env[name!];
      const missing = colon ? !set : set === undefined;
      if (op === '-') return missing ? arg! : set!;
      if (op === '?') {
        if (missing) throw new Error(`required variable ${name}: ${arg}`);
        return set!;
      }
      return set ?? '';
    },
  );
}

function rawEnvironment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => {
        const eq = line.indexOf('=');
        return [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(entries);
}

function resolvedEnvironment(service: Service, env: Record<string, string | undefined>) {
  return Object.fromEntries(
    Object.entries(rawEnvironment(service)).map(([k, v]) => [k, interpolate(v, env)]),
  );
}

const words = (value: string[] | string | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : value.trim().split(/\s+/);

const dependsOn = (service: Service): Record<string, string> => {
  const deps = service.depends_on ?? {};
  return Array.isArray(deps)
    ? Object.fromEntries(deps.map((d) => [d, 'service_started']))
    : Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v.condition]));
};

/** "host:container", "ip:host:container" or long syntax → {published, target}. */
function portMappings(service: Service, env: Record<string, string | undefined>) {
  return (service.ports ?? []).map((p) => {
    if (typeof p !== 'string') return { published: String(p.published), target: String(p.target) };
    const parts = interpolate(p, env).split(':');
    return { published: parts.at(-2) ?? '', target: parts.at(-1)! };
  });
}

/** The host address each port is published on ("" means every interface of the host). */
function publishedHosts(service: Service, env: Record<string, string | undefined>): string[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p !== 'string') return (p as { host_ip?: string }).host_ip ?? '';
    const parts = interpolate(p, env).split(':');
    return parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  });
}

/** Whether an IPv4 address is inside an IPv4 CIDR range. */
function inCidr(address: string, cidr: string): boolean {
  const toNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(toNumber(base!) / size) * size;
  return toNumber(address) >= start && toNumber(address) < start + size;
}

/** The folder mounted as the postgres image's /docker-entrypoint-initdb.d. */
function initDir(): string {
  const init = (compose.services.postgresql!.volumes ?? [])
    .map((v) => v.split(':'))
    .find(([, target]) => target === '/docker-entrypoint-initdb.d');
  if (!init) throw new Error('postgresql mounts no /docker-entrypoint-initdb.d');
  return path.join(ROOT, init[0]!);
}

const initScript = () => readFileSync(path.join(initDir(), '10-event-log.sh'), 'utf8');

// A syntactically valid key, only for resolving ${PAYLOAD_ENCRYPTION_KEY:?…}.
const KEY = Buffer.alloc(32, 7).toString('base64');
// Only for resolving ${CODEC_AUTH_TOKEN:?…} (the gateway's codec listener is off loopback in its container).
const CODEC_TOKEN = 'codec-token-for-the-compose-test-0123';
// Only for resolving ${GATEWAY_API_KEYS:?…} (containers share no key file).
const API_KEY = 'gateway-api-key-for-the-compose-test-01';
// Only for resolving ${GATEWAY_SESSION_KEY:?…} (the gateways of a deployment share it).
const SESSION_KEY = 'gateway-session-key-for-the-compose-test-0123';
// Only for resolving ${POSTGRES_PASSWORD:?…} and ${EVENT_LOG_DB_PASSWORD:?…} (no default passwords).
const POSTGRES_PASSWORD = 'postgres-superuser-password-for-the-compose-test';
const EVENT_LOG_DB_PASSWORD = '0123456789abcdef0123456789abcdef';
const MINIMAL_ENV = {
  PAYLOAD_ENCRYPTION_KEY: KEY,
  CODEC_AUTH_TOKEN: CODEC_TOKEN,
  GATEWAY_API_KEYS: API_KEY,
  GATEWAY_SESSION_KEY: SESSION_KEY,
  POSTGRES_PASSWORD,
  EVENT_LOG_DB_PASSWORD,
};
/** MINIMAL_ENV without one required variable. */
function without(name: keyof typeof MINIMAL_ENV): Record<string, string> {
  const env: Record<string, string> = { ...MINIMAL_ENV };
  delete env[name];
  return env;
}

const APP_SERVICES = ['worker', 'gateway'] as const;
/** Names a container may get beyond the product's configuration schema. */
const ALLOWED_EXTRA = new Set(['PIPELINE_DATA_DIR', 'NODE_ENV']);
/** Schema variables that mean nothing inside a container: only the embedded dev server uses it. */
/** Read by the CLI on an operator's machine only (`engagement run`'s default `--post-to`). */
const NOT_FOR_CONTAINERS = new Set(['TEMPORAL_CLI_PATH', 'BILL_ENGAGEMENT_POST_TO']);
const SECRET_LIKE = /SECRET|PASSWORD|KEY|TOKEN/;
/** Set by the deployment to its own services (checked below), not taken from .env. */
const WIRED_BY_COMPOSE = new Set([
  'TEMPORAL_ADDRESS',
  'DATABASE_URL',
  'CODEC_HOST',
  'METRICS_HOST',
  'GATEWAY_TRUST_PROXY',
]);
/** Taken from .env, with the deployment's own default instead of the schema's (checked below). */
const COMPOSE_DEFAULTS: Record<string, unknown> = { PUBLIC_BASE_URL: 'https://localhost' };
/**
 * Variables docker-compose.yml reads for its own services (PostgreSQL, the proxy); the product
 * never reads them, and .env.example lists them for the deployment.
 */
const COMPOSE_ONLY_VARIABLES = ['POSTGRES_PASSWORD', 'EVENT_LOG_DB_PASSWORD', 'PROXY_TLS', 'PROXY_CERT_DIR'];

describe('docker-compose.yml', () => {
  test('has the database, schema set-up, Temporal, namespace/search-attribute set-up, Web UI, worker, gateway and TLS proxy', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'gateway',
        'postgresql',
        'proxy',
        'temporal',
        'temporal-schema',
        'temporal-setup',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    expect(services.postgresql!.image).toMatch(/^postgres:\d+/);
    expect(services.temporal!.image).toMatch(/^temporalio\/server:\d+\.\d+/);
    expect(services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:\d+\.\d+/);
    expect(services['temporal-setup']!.image).toMatch(/^temporalio\/admin-tools:\d+\.\d+/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:\d+\.\d+/);
    // A pinned release, never `latest` or a floating major.
    expect(services.proxy!.image).toMatch(/^caddy:\d+\.\d+\.\d+(-alpine)?$/);
  });

  test('Temporal runs on the PostgreSQL service, after it is healthy, with the dynamic config mounted', () => {
    const temporal = services.temporal!;
    const env = rawEnvironment(temporal);
    expect(env.DB).toBe('postgres12');
    expect(env.POSTGRES_SEEDS).toBe('postgresql');
    expect(env.POSTGRES_PWD).toBe(rawEnvironment(services.postgresql!).POSTGRES_PASSWORD);
    expect(env.POSTGRES_USER).toBe(rawEnvironment(services.postgresql!).POSTGRES_USER);
    // The schema job runs once PostgreSQL is healthy; the server once the schemas are set up.
    expect(dependsOn(temporal)).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    expect(dependsOn(services['temporal-schema']!)).toEqual({ postgresql: 'service_healthy' });
    expect(services.postgresql!.healthcheck).toBeDefined();
    const schemaEnv = rawEnvironment(services['temporal-schema']!);
    for (const key of ['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'DB_PORT'])
      expect({ key, value: schemaEnv[key] }).toEqual({ key, value: env[key] });
  });

  test('the server gets the same dynamic config switches as the embedded dev server', () => {
    const temporal = services.temporal!;
    const mount = (temporal.volumes ?? [])
      .map((v) => v.split(':'))
      .find(([, target]) => target === '/etc/temporal/config/dynamicconfig');
    expect(mount).toBeDefined();
    const file = path.join(
      ROOT,
      mount![0]!,
      path.basename(rawEnvironment(temporal).DYNAMIC_CONFIG_FILE_PATH ?? '(unset)'),
    );
    expect(existsSync(file)).toBe(true);
    const dynamicConfig = parse(readFileSync(file, 'utf8')) as Record<string, { value: unknown }[]>;

    const args = devServerArgs({ cliPath: 'temporal', port: 7233 });
    const embedded = args
      .filter((_, i) => args[i - 1] === '--dynamic-config-value')
      .map((kv) => kv.split('='));
    expect(embedded.length).toBeGreaterThan(0);
    for (const [key, value] of embedded) {
      expect({ key, value: dynamicConfig[key!]?.[0]?.value }).toEqual({ key, value: JSON.parse(value!) });
    }
  });

  test('the set-up service registers exactly the code’s search attributes, with their types, after Temporal', () => {
    const setup = services['temporal-setup']!;
    const [shell, script, ...inlineArgs] = words(setup.entrypoint);
    expect(shell).toBe('/bin/sh');
    const specs = [...inlineArgs, ...words(setup.command)];
    // NAME means Keyword; NAME=TYPE names another type (BillsbyEventIds is a KeywordList).
    expect(specs).toEqual(
      PRODUCT_SEARCH_ATTRIBUTES.map((key) =>
        searchAttributeTypeName(key) === 'Keyword' ? key.name : `${key.name}=${searchAttributeTypeName(key)}`,
      ),
    );

    // The script runs from the repository's deploy/ folder, mounted into the container.
    const mount = (setup.volumes ?? [])
      .map((v) => v.split(':'))
      .find(([, target]) => script!.startsWith(`${target}/`));
    expect(mount).toBeDefined();
    const scriptFile = path.join(ROOT, mount![0]!, path.relative(mount![1]!, script!));
    expect(existsSync(scriptFile)).toBe(true);
    const body = readFileSync(scriptFile, 'utf8');
    expect(body).toContain('temporal operator search-attribute create');
    expect(body).toContain('--type "$type"');

    const env = rawEnvironment(setup);
    const workerEnv = rawEnvironment(services.worker!);
    expect(env.TEMPORAL_ADDRESS).toBe(workerEnv.TEMPORAL_ADDRESS);
    expect(env.TEMPORAL_NAMESPACE).toBe(workerEnv.TEMPORAL_NAMESPACE);
    expect(dependsOn(setup)).toHaveProperty('temporal');
  });

  describe('is the cluster the tests run for real (scripts/temporal-cluster/cluster.ts, npm run cluster)', () => {
    const tag = (image: string | undefined) => image?.split(':')[1];
    const mountedScript = (service: Service) => {
      const [, script] = words(service.entrypoint);
      const mount = (service.volumes ?? [])
        .map((v) => v.split(':'))
        .find(([, target]) => script!.startsWith(`${target}/`));
      return readFileSync(path.join(ROOT, mount![0]!, path.relative(mount![1]!, script!)), 'utf8');
    };

    test('the same Temporal server version (server and admin-tools images)', () => {
      const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
      expect(tag(services.temporal!.image)).toBe(version);
      expect(tag(services['temporal-schema']!.image)).toBe(version);
      expect(tag(services['temporal-setup']!.image)).toBe(version);
    });

    test('the same PostgreSQL major version', () => {
      expect(tag(services.postgresql!.image)).toBe(String(POSTGRES_MAJOR_VERSION));
    });

    test('the same history shard count and the same dynamic config file', () => {
      expect(String(rawEnvironment(services.temporal!).NUM_HISTORY_SHARDS)).toBe(String(NUM_HISTORY_SHARDS));
      const mount = (services.temporal!.volumes ?? [])
        .map((v) => v.split(':'))
        .find(([, target]) => target === '/etc/temporal/config/dynamicconfig');
      const file = path.join(
        ROOT,
        mount![0]!,
        path.basename(rawEnvironment(services.temporal!).DYNAMIC_CONFIG_FILE_PATH ?? '(unset)'),
      );
      expect(file).toBe(DYNAMIC_CONFIG_FILE);
    });

    test('the same schema steps for both databases', () => {
      const script = mountedScript(services['temporal-schema']!);
      expect(script).toContain(`for db in ${TEMPORAL_DATABASES.join(' ')}; do`);
      for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -d'])
        expect(script).toContain(step);
      // The image's schemas for the server's version, as the cluster uses the module's.
      expect(script).toMatch(
        /^schema_root="\$\{TEMPORAL_SCHEMA_ROOT:-\/etc\/temporal\/schema\/postgresql\/v12\}"$/m,
      );
      expect(script).toContain('${schema_root}/temporal/versioned');
      expect(script).toContain('${schema_root}/visibility/versioned');
    });

    test('the namespace is created with the same retention', () => {
      const setup = services['temporal-setup']!;
      expect(rawEnvironment(setup).NAMESPACE_RETENTION).toBe(`${NAMESPACE_RETENTION_HOURS}h`);
      expect(mountedScript(setup)).toContain('temporal operator namespace create');
    });

    test('the same event-log database, on the same PostgreSQL server as Temporal', () => {
      expect(initScript()).toContain(`CREATE DATABASE ${EVENT_LOG_DATABASE} OWNER eventlog`);
      for (const name of APP_SERVICES) {
        const url = new URL(resolvedEnvironment(services[name]!, MINIMAL_ENV).DATABASE_URL!);
        expect(url.hostname).toBe('postgresql');
        expect(url.pathname).toBe(`/${EVENT_LOG_DATABASE}`);
      }
    });
  });

  describe.each(APP_SERVICES)('%s', (name) => {
    const service = services[name]!;

    test('is built from the Dockerfile and runs the compiled entry of its npm script', () => {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      expect(build?.context).toBe('.');
      expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(existsSync(path.join(ROOT, build!.context!, build?.dockerfile ?? 'Dockerfile'))).toBe(true);
      // `npm run worker` is `tsx workers/main.ts`; the image runs that file compiled (dist/app).
      const entry = /^tsx\s+(\S+)\.ts$/.exec(packageJson.scripts[name] ?? '')?.[1];
      expect(entry).toBeDefined();
      expect(words(service.command)).toEqual(['node', `dist/app/${entry}.js`]);
    });

    test('passes only variables the configuration schema knows (or an allowed extra)', () => {
      const unknown = Object.keys(rawEnvironment(service)).filter(
        (key) => !(CONFIG_VARIABLES as string[]).includes(key) && !ALLOWED_EXTRA.has(key),
      );
      expect(unknown).toEqual([]);
    });

    // Least privilege: each process gets exactly the variables it reads (config/env.ts).
    const notHere = new Set<string>(name === 'gateway' ? WORKER_ONLY_VARIABLES : GATEWAY_ONLY_VARIABLES);
    const expected = CONFIG_VARIABLES.filter((v) => !NOT_FOR_CONTAINERS.has(v) && !notHere.has(v));

    test('passes exactly the product variables its process reads, each overridable from .env, none with a secret written in', () => {
      const env = rawEnvironment(service);
      expect(expected.filter((v) => !(v in env))).toEqual([]);
      expect([...notHere].filter((v) => v in env)).toEqual([]);
      for (const variable of expected) {
        if (WIRED_BY_COMPOSE.has(variable)) continue;
        // ${NAME}, ${NAME:-default} or ${NAME:?message}: the operator's value always wins.
        expect({ variable, value: env[variable] }).toEqual({
          variable,
          value: expect.stringMatching(new RegExp(`^\\$\\{${variable}(:?[-?][^}]*)?\\}$`)),
        });
        if (SECRET_LIKE.test(variable)) {
          expect({ variable, value: env[variable] }).toEqual({
            variable,
            value: expect.stringMatching(new RegExp(`^\\$\\{${variable}(:-|:\\?[^}]*)?\\}$`)),
          });
        }
      }
    });

    test('reaches Temporal through the temporal service', () => {
      const [host, port] = rawEnvironment(service).TEMPORAL_ADDRESS!.split(':');
      expect(Object.keys(services)).toContain(host);
      expect(host).toBe('temporal');
      expect(port).toBe('7233');
      expect(dependsOn(service)['temporal-setup']).toBe('service_completed_successfully');
    });

    test('requires PAYLOAD_ENCRYPTION_KEY (containers share no local key file)', () => {
      expect(() => resolvedEnvironment(service, without('PAYLOAD_ENCRYPTION_KEY'))).toThrow(
        /PAYLOAD_ENCRYPTION_KEY/,
      );
    });

    test('resolves to a valid configuration whose defaults are the schema’s defaults (PUBLIC_BASE_URL: the proxy’s https://localhost)', () => {
      const resolved = resolvedEnvironment(service, MINIMAL_ENV);
      const config = parseConfig(resolved);
      const schemaDefaults = parseConfig(MINIMAL_ENV);
      for (const variable of CONFIG_VARIABLES) {
        if (WIRED_BY_COMPOSE.has(variable) || notHere.has(variable)) continue;
        const expected = variable in COMPOSE_DEFAULTS ? COMPOSE_DEFAULTS[variable] : schemaDefaults[variable];
        expect({ variable, value: config[variable] }).toEqual({ variable, value: expected });
      }
      expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    });

    test('takes every product value from the environment', () => {
      const custom: Record<string, string> = {
        ...MINIMAL_ENV,
        TEMPORAL_NAMESPACE: 'billing-prod',
        GATEWAY_PORT: '4123',
        PUBLIC_BASE_URL: 'https://hooks.example.com',
        WEBEX_CLIENT_ID: 'client-id',
        BILL_DEV_KEY: 'dev-key',
        BILLSBY_API_KEY: 'billsby-key',
      };
      const config = parseConfig(resolvedEnvironment(service, custom));
      const wanted: Record<string, unknown> = {
        TEMPORAL_NAMESPACE: 'billing-prod',
        GATEWAY_PORT: 4123,
        PUBLIC_BASE_URL: 'https://hooks.example.com',
        WEBEX_CLIENT_ID: 'client-id',
        BILL_DEV_KEY: 'dev-key',
        BILLSBY_API_KEY: 'billsby-key',
        PAYLOAD_ENCRYPTION_KEY: KEY,
      };
      for (const variable of notHere) delete wanted[variable];
      expect(config).toMatchObject(wanted);
    });
  });

  test('the worker keeps its data folder (engagement reports) on a volume', () => {
    const worker = services.worker!;
    const dataDir = rawEnvironment(worker).PIPELINE_DATA_DIR;
    expect(dataDir).toMatch(/^\//);
    const targets = (worker.volumes ?? []).map((v) => v.split(':')[1]);
    expect(targets).toContain(dataDir);
  });

  test.each([{}, { GATEWAY_PORT: '4123' }])(
    'the gateway publishes no port; it exposes the one it listens on (GATEWAY_PORT) to the compose network, env %j',
    (overrides) => {
      const env = { ...MINIMAL_ENV, ...overrides };
      const port = String(parseConfig(resolvedEnvironment(services.gateway!, env)).GATEWAY_PORT);
      expect(services.gateway!.ports ?? []).toEqual([]);
      expect((services.gateway!.expose ?? []).map((p) => interpolate(String(p), env))).toEqual([port]);
    },
  );

  test('the gateway has a health check on /healthz', () => {
    const check = words(services.gateway!.healthcheck?.test).join(' ');
    expect(check).toContain('/healthz');
    expect(check).toContain('GATEWAY_PORT');
  });

  test('the Web UI talks to the same Temporal namespace as the gateway', () => {
    const ui = resolvedEnvironment(services['temporal-ui']!, MINIMAL_ENV);
    const gateway = parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV));
    expect(ui.TEMPORAL_ADDRESS).toBe(gateway.TEMPORAL_ADDRESS);
    expect(ui.TEMPORAL_DEFAULT_NAMESPACE).toBe(gateway.TEMPORAL_NAMESPACE);
  });

  // DESIGN.md §4.6: the Web UI and the codec are for operators, not the internet.
  describe('trust boundary', () => {
    test('the Web UI is published on 127.0.0.1 only', () => {
      const hosts = publishedHosts(services['temporal-ui']!, MINIMAL_ENV);
      expect(hosts.length).toBeGreaterThan(0);
      expect(hosts.every((host) => host === '127.0.0.1')).toBe(true);
    });

    test('the Web UI has its write actions disabled (TEMPORAL_DISABLE_WRITE_ACTIONS of temporalio/ui)', () => {
      const ui = resolvedEnvironment(services['temporal-ui']!, MINIMAL_ENV);
      expect(ui.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    });

    test.each([{}, { CODEC_PORT: '4555' }, { GATEWAY_PORT: '4123' }])(
      'the codec listener is not published, and the gateway publishes nothing, env %j',
      (overrides) => {
        const env = { ...MINIMAL_ENV, ...overrides };
        const gateway = parseConfig(resolvedEnvironment(services.gateway!, env));
        expect(gateway.CODEC_PORT).not.toBe(gateway.GATEWAY_PORT);
        expect(portMappings(services.gateway!, env)).toEqual([]);
        for (const [name, service] of Object.entries(services)) {
          const targets = portMappings(service, env).map((p) => p.target);
          expect({ name, publishesCodec: targets.includes(String(gateway.CODEC_PORT)) }).toEqual({
            name,
            publishesCodec: false,
          });
        }
      },
    );

    test('the codec listener is off loopback inside its container, so the gateway requires CODEC_AUTH_TOKEN', () => {
      const gateway = parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV));
      expect(gateway.CODEC_HOST).toBe('0.0.0.0');
      expect(gateway.CODEC_AUTH_TOKEN).toBe(CODEC_TOKEN);
      expect(() => resolvedEnvironment(services.gateway!, without('CODEC_AUTH_TOKEN'))).toThrow(
        /CODEC_AUTH_TOKEN/,
      );
      // Even were compose's check bypassed, the product refuses a non-loopback codec without a token.
      const withoutToken = { ...resolvedEnvironment(services.gateway!, MINIMAL_ENV), CODEC_AUTH_TOKEN: '' };
      expect(() => parseConfig(withoutToken)).toThrow(/CODEC_AUTH_TOKEN/);
    });

    test('the gateway requires GATEWAY_API_KEYS (containers share no key file) and accepts them', () => {
      expect(() => resolvedEnvironment(services.gateway!, without('GATEWAY_API_KEYS'))).toThrow(
        /GATEWAY_API_KEYS/,
      );
      expect(parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV)).GATEWAY_API_KEYS).toEqual([
        API_KEY,
      ]);
    });

    test('the gateway requires GATEWAY_SESSION_KEY (its gateways seal and open each other’s links) and accepts it', () => {
      expect(() => resolvedEnvironment(services.gateway!, without('GATEWAY_SESSION_KEY'))).toThrow(
        /GATEWAY_SESSION_KEY/,
      );
      expect(parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV)).GATEWAY_SESSION_KEY).toEqual([
        SESSION_KEY,
      ]);
      // The worker never holds it.
      expect(resolvedEnvironment(services.worker!, MINIMAL_ENV).GATEWAY_SESSION_KEY).toBeUndefined();
    });

    test('the Web UI’s codec endpoint is never the gateway’s public URL: unset, or the operator’s proxy', () => {
      const ui = resolvedEnvironment(services['temporal-ui']!, MINIMAL_ENV);
      expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe('');
      const proxied = resolvedEnvironment(services['temporal-ui']!, {
        ...MINIMAL_ENV,
        TEMPORAL_CODEC_ENDPOINT: 'https://codec.ops.example.com',
      });
      expect(proxied.TEMPORAL_CODEC_ENDPOINT).toBe('https://codec.ops.example.com');
      const gateway = parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV));
      expect(rawEnvironment(services['temporal-ui']!).TEMPORAL_CODEC_ENDPOINT).not.toContain(
        'PUBLIC_BASE_URL',
      );
      expect(ui.TEMPORAL_CODEC_ENDPOINT).not.toBe(gateway.PUBLIC_BASE_URL);
    });
  });

  test('metrics listeners take every interface inside their containers and no metrics port is published', () => {
    const gateway = parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV));
    const worker = parseConfig(resolvedEnvironment(services.worker!, MINIMAL_ENV));
    expect(gateway.METRICS_HOST).toBe('0.0.0.0');
    expect(worker.METRICS_HOST).toBe('0.0.0.0');
    const metricsPorts = [gateway.METRICS_PORT, worker.WORKER_METRICS_PORT, worker.TEMPORAL_METRICS_PORT].map(
      String,
    );
    expect(new Set(metricsPorts).size).toBe(3);
    for (const [name, service] of Object.entries(services)) {
      const targets = portMappings(service, MINIMAL_ENV).map((p) => p.target);
      expect({ name, published: targets.filter((t) => metricsPorts.includes(t)) }).toEqual({
        name,
        published: [],
      });
    }
  });

  test('the Web UI is published on an origin the codec listener allows (CORS)', () => {
    const ports = portMappings(services['temporal-ui']!, MINIMAL_ENV);
    expect(ports.length).toBeGreaterThan(0);
    const gateway = parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV));
    for (const { published } of ports) {
      expect(gateway.WEB_UI_ORIGINS).toContain(`http://localhost:${published}`);
    }
  });

  // Issue 23: the internet reaches the gateway through the TLS proxy only.
  describe('TLS proxy in front of the gateway', () => {
    const proxy = services.proxy!;
    const proxyDir = () => {
      const mount = (proxy.volumes ?? [])
        .map((v) => v.split(':'))
        .find(([, target]) => target === '/etc/caddy');
      expect(mount).toBeDefined();
      return path.join(ROOT, mount![0]!);
    };
    const caddyfile = () => readFileSync(path.join(proxyDir(), 'Caddyfile'), 'utf8');
    const networksOf = (service: Service) =>
      Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? { default: null });
    const edge = () => {
      const names = networksOf(proxy);
      expect(names).toHaveLength(1);
      const config = compose.networks?.[names[0]!]?.ipam?.config?.[0];
      expect(config?.subnet).toBeDefined();
      return { name: names[0]!, ...config! };
    };
    const proxyAddress = () => {
      const networks = proxy.networks as Record<string, { ipv4_address?: string } | null>;
      return networks[edge().name]?.ipv4_address;
    };

    test('only the proxy publishes a port on every interface of the host: 443, and 80 (redirects to https)', () => {
      for (const [name, service] of Object.entries(services)) {
        if (name === 'proxy') continue;
        const hosts = publishedHosts(service, MINIMAL_ENV);
        expect({ name, hosts: hosts.filter((host) => host !== '127.0.0.1') }).toEqual({ name, hosts: [] });
      }
      expect(portMappings(proxy, MINIMAL_ENV)).toEqual([
        { published: '443', target: '443' },
        { published: '80', target: '80' },
      ]);
    });

    test.each([{}, { GATEWAY_PORT: '4123' }])(
      'the proxy forwards to the gateway’s port on the compose network, env %j',
      (overrides) => {
        const env = { ...MINIMAL_ENV, ...overrides };
        const port = parseConfig(resolvedEnvironment(services.gateway!, env)).GATEWAY_PORT;
        expect(resolvedEnvironment(proxy, env).GATEWAY_UPSTREAM).toBe(`gateway:${port}`);
        expect(caddyfile()).toMatch(/^\s*reverse_proxy \{\$GATEWAY_UPSTREAM\} \{$/m);
        expect(dependsOn(proxy)).toHaveProperty('gateway');
      },
    );

    test('the proxy serves PUBLIC_BASE_URL, the gateway’s own, https by default', () => {
      expect(rawEnvironment(proxy).PUBLIC_BASE_URL).toBe(rawEnvironment(services.gateway!).PUBLIC_BASE_URL);
      const gateway = parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV));
      expect(new URL(gateway.PUBLIC_BASE_URL).protocol).toBe('https:');
      expect(gateway.ALLOW_INSECURE_PUBLIC_URL).toBeUndefined();
      expect(caddyfile()).toMatch(/^\{\$PROXY_SITE\} \{$/m);
    });

    test('the gateway believes X-Forwarded-For from the proxy’s fixed address only, on a network the two share alone', () => {
      const { name, subnet, ip_range: ipRange, gateway: bridge } = edge();
      const address = proxyAddress();
      expect(address).toBeDefined();
      expect(parseConfig(resolvedEnvironment(services.gateway!, MINIMAL_ENV)).GATEWAY_TRUST_PROXY).toEqual([
        address,
      ]);
      // The fixed address is in the subnet, but outside the range the others' addresses come from.
      expect(inCidr(address!, subnet!)).toBe(true);
      expect(ipRange).toBeDefined();
      expect(inCidr(address!, ipRange!)).toBe(false);
      expect(inCidr(ipRange!.split('/')[0]!, subnet!)).toBe(true);
      expect(address).not.toBe(bridge);
      const members = Object.entries(services)
        .filter(([, service]) => networksOf(service).includes(name))
        .map(([member]) => member);
      expect(members.sort()).toEqual(['gateway', 'proxy']);
      // The proxy reaches the gateway and nothing else (not PostgreSQL, not Temporal).
      expect(networksOf(proxy)).toEqual([name]);
      expect(networksOf(services.gateway!)).toContain('default');
    });

    test('the proxy replaces a client’s X-Forwarded-For (no trusted_proxies) and keeps idle connections shorter than the gateway does', () => {
      const text = caddyfile();
      expect(text).not.toMatch(/trusted_proxies|header_up\s+X-Forwarded/i);
      const keepalive = /^\s*keepalive (\d+)s$/m.exec(text);
      expect(keepalive).not.toBeNull();
      expect(Number(keepalive![1]) * 1000).toBeLessThan(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs);
      const readBody = /^\s*read_body (\d+)s$/m.exec(text);
      expect(Number(readBody![1]) * 1000).toBeLessThanOrEqual(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs);
    });

    test('its certificate: Caddy’s automatic one, its internal CA (self-signed) or the operator’s files', () => {
      const text = caddyfile();
      expect(text).toMatch(/^\s*import tls-\{\$PROXY_TLS\}$/m);
      expect(text).toMatch(/^\(tls-auto\) \{$/m);
      expect(text).toMatch(/^\(tls-internal\) \{\n\s*tls internal\n\}$/m);
      expect(text).toMatch(/^\(tls-files\) \{\n\s*tls \/certs\/cert\.pem \/certs\/key\.pem\n\}$/m);
      expect(resolvedEnvironment(proxy, MINIMAL_ENV).PROXY_TLS).toBe('auto');
      const certs = (proxy.volumes ?? [])
        .map((v) => interpolate(v, MINIMAL_ENV).split(':'))
        .find(([, target]) => target === '/certs');
      expect(certs?.[2]).toBe('ro');
      expect(existsSync(path.join(ROOT, certs![0]!))).toBe(true);
      // A key dropped there is never committed.
      expect(read(path.join(certs![0]!, '.gitignore')).split('\n')).toContain('*');
    });

    test('the proxy runs its start script, with no capability beyond binding 80 and 443', () => {
      const [shell, script] = words(proxy.entrypoint);
      expect(shell).toBe('/bin/sh');
      expect(path.join(proxyDir(), path.relative('/etc/caddy', script!))).toBe(
        path.join(ROOT, 'deploy/proxy/start.sh'),
      );
      expect(proxy.cap_drop).toEqual(['ALL']);
      expect(proxy.cap_add).toEqual(['NET_BIND_SERVICE']);
    });

    describe('start.sh (run here with a stand-in caddy that prints what it was given)', () => {
      const startScript = path.join(ROOT, 'deploy/proxy/start.sh');
      const bin = mkdtempSync(path.join(tmpdir(), 'fake-caddy-'));
      writeFileSync(
        path.join(bin, 'caddy'),
        '#!/bin/sh\necho "site=$PROXY_SITE tls=$PROXY_TLS upstream=$GATEWAY_UPSTREAM args=$*"\n',
        { mode: 0o755 },
      );
      const run = (env: Record<string, string>) => {
        try {
          const out = execFileSync('sh', [startScript], {
            env: { PATH: `${bin}:/usr/bin:/bin`, GATEWAY_UPSTREAM: 'gateway:3000', ...env },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          return { ok: true, out: out.trim() };
        } catch (err) {
          return { ok: false, out: String((err as { stderr?: string }).stderr).trim() };
        }
      };

      test.each([
        ['https://localhost', 'https://localhost'],
        ['https://hooks.example.com/', 'https://hooks.example.com'],
        ['https://hooks.example.com:8443', 'https://hooks.example.com'],
        ['https://[2001:db8::1]', 'https://[2001:db8::1]'],
      ])('serves the host of PUBLIC_BASE_URL=%s on 443: %s', (url, site) => {
        expect(run({ PUBLIC_BASE_URL: url })).toEqual({
          ok: true,
          out: `site=${site} tls=auto upstream=gateway:3000 args=run --config ${path.dirname(startScript)}/Caddyfile --adapter caddyfile`,
        });
      });

      test.each([
        [{ PUBLIC_BASE_URL: 'http://hooks.example.com' }, /PUBLIC_BASE_URL must be https/],
        [{ PUBLIC_BASE_URL: '' }, /PUBLIC_BASE_URL must be https/],
        [{ PUBLIC_BASE_URL: 'https://hooks.example.com/billsby' }, /no path/],
        [
          { PUBLIC_BASE_URL: 'https://localhost', PROXY_TLS: 'letsencrypt' },
          /PROXY_TLS must be auto, internal or files/,
        ],
        [
          { PUBLIC_BASE_URL: 'https://localhost', PROXY_TLS: 'files' },
          /PROXY_TLS=files needs \/certs\/cert\.pem/,
        ],
        [{ PUBLIC_BASE_URL: 'https://localhost', GATEWAY_UPSTREAM: '' }, /GATEWAY_UPSTREAM/],
      ])('refuses %j', (env, message) => {
        const result = run(env);
        expect(result.ok).toBe(false);
        expect(result.out).toMatch(message);
      });
    });
  });

  // Issue 23: no default password; the event log's own role cannot open Temporal's databases.
  describe('database roles', () => {
    const SECRET_VARIABLE = /PASSWORD|PWD|SECRET|KEY|TOKEN/;

    test('no service has a password, key or token written in: each is required (${X:?…}), or empty unless set', () => {
      for (const [name, service] of Object.entries(services)) {
        for (const [variable, value] of Object.entries(rawEnvironment(service))) {
          if (!SECRET_VARIABLE.test(variable)) continue;
          expect({ name, variable, value }).toEqual({
            name,
            variable,
            value: expect.stringMatching(/^\$\{[A-Z_]+(:\?[^}]*|:-)?\}$/),
          });
        }
      }
      // And no URL carries one: DATABASE_URL's password is the required variable's.
      expect(read('docker-compose.yml')).not.toMatch(/:\/\/[^:/\s]+:(?!\$\{)[^@\s]+@/);
      for (const text of [read('docker-compose.yml')]) {
        for (const match of text.matchAll(/\$\{(POSTGRES_PASSWORD|EVENT_LOG_DB_PASSWORD)([^}]*)\}/g)) {
          expect({ variable: match[1], form: match[2]!.slice(0, 2) }).toEqual({
            variable: match[1],
            form: ':?',
          });
        }
      }
    });

    test.each(['postgresql', 'temporal-schema', 'temporal'])(
      '%s refuses to start without POSTGRES_PASSWORD',
      (name) => {
        expect(() => resolvedEnvironment(services[name]!, without('POSTGRES_PASSWORD'))).toThrow(
          /POSTGRES_PASSWORD/,
        );
      },
    );

    test.each([...APP_SERVICES, 'postgresql'])(
      '%s refuses to start without EVENT_LOG_DB_PASSWORD',
      (name) => {
        expect(() => resolvedEnvironment(services[name]!, without('EVENT_LOG_DB_PASSWORD'))).toThrow(
          /EVENT_LOG_DB_PASSWORD/,
        );
      },
    );

    test('the worker and gateway reach the event log as its own role, never as Temporal’s superuser', () => {
      const superuser = rawEnvironment(services.postgresql!).POSTGRES_USER;
      expect(superuser).toBe(rawEnvironment(services.temporal!).POSTGRES_USER);
      for (const name of APP_SERVICES) {
        const url = new URL(resolvedEnvironment(services[name]!, MINIMAL_ENV).DATABASE_URL!);
        expect({ name, user: url.username, password: url.password }).toEqual({
          name,
          user: 'eventlog',
          password: EVENT_LOG_DB_PASSWORD,
        });
        expect(url.username).not.toBe(superuser);
        expect(url.pathname).toBe(`/${EVENT_LOG_DATABASE}`);
      }
      expect(resolvedEnvironment(services.postgresql!, MINIMAL_ENV).EVENT_LOG_DB_PASSWORD).toBe(
        EVENT_LOG_DB_PASSWORD,
      );
    });

    test('the image runs exactly one init script: the executable 10-event-log.sh', () => {
      const dir = initDir();
      const run = readdirSync(dir).filter((file) => /\.(sh|sql|sql\.gz|sql\.xz|sql\.zst)$/.test(file));
      expect(run).toEqual(['10-event-log.sh']);
      expect(statSync(path.join(dir, '10-event-log.sh')).mode & 0o111).not.toBe(0);
    });

    test('the init script: the role may log in only; it owns the event log’s database; Temporal’s are closed to it', () => {
      const sql = initScript().replace(/\s+/g, ' ');
      expect(sql).toContain(
        'ALTER ROLE eventlog WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
      );
      expect(sql).toContain(`CREATE DATABASE ${EVENT_LOG_DATABASE} OWNER eventlog`);
      expect(sql).toContain(`ALTER DATABASE ${EVENT_LOG_DATABASE} OWNER TO eventlog;`);
      // Temporal's databases exist before anyone else could connect, and PUBLIC may not.
      for (const db of TEMPORAL_DATABASES) {
        expect(sql).toContain(`SELECT 'CREATE DATABASE ${db}'`);
        expect(sql).toContain(`REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC;`);
      }
      expect(sql).toContain(`REVOKE CONNECT, TEMPORARY ON DATABASE ${EVENT_LOG_DATABASE} FROM PUBLIC;`);
      // Nothing is granted to the role: what it has, it has as the owner of its database.
      expect(sql).not.toMatch(/\bGRANT\b/i);
      // Its password comes from the environment, not psql's command line.
      expect(sql).toContain('\\getenv eventlog_password EVENT_LOG_DB_PASSWORD');
      expect(sql).toContain("PASSWORD :'eventlog_password'");
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  /** The instructions of each stage (`FROM … [AS name]` starts one). */
  const stages = instructions.reduce<string[][]>((all, line) => {
    if (/^FROM\s/i.test(line)) all.push([]);
    all.at(-1)?.push(line);
    return all;
  }, []);
  const runtime = stages.at(-1)!;

  test('uses, in every stage, a Node base image of a supported LTS that package.json engines allow', () => {
    const minimum = Number(/(\d+)/.exec(packageJson.engines.node)?.[1]);
    expect(minimum).toBeGreaterThanOrEqual(24);
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) {
      const major = Number(/^FROM\s+(?:--\S+\s+)?node:(\d+)/i.exec(stage[0]!)?.[1]);
      expect(major).toBe(minimum);
    }
  });

  test('runs compiled JavaScript, not tsx: the worker by default, from the build stage’s dist/', () => {
    const cmd = runtime.find((line) => /^CMD\s/i.test(line))!;
    const entry = /^tsx\s+(\S+)\.ts$/.exec(packageJson.scripts.worker ?? '')?.[1];
    expect(JSON.parse(cmd.replace(/^CMD\s+/i, ''))).toEqual(['node', `dist/app/${entry}.js`]);
    expect(runtime.some((line) => /^COPY\s+--from=\S+\s+\/app\/dist\s+\.\/dist$/.test(line))).toBe(true);
    expect(runtime.some((line) => /\btsx\b/.test(line))).toBe(false);
    const build = JSON.parse(read('tsconfig.build.json')) as {
      include: string[];
      compilerOptions: { outDir: string };
    };
    expect(build.compilerOptions.outDir).toBe('dist/app');
    // Every file the worker and gateway import is compiled.
    const uncovered = [...closure.files]
      .map((file) => path.relative(ROOT, file))
      .filter((file) => !build.include.some((dir) => file === dir || file.startsWith(`${dir}/`)));
    expect(uncovered).toEqual([]);
  });

  test('installs the versions of the lock file with npm and runs as a non-root user', () => {
    expect(instructions.some((line) => /^RUN\s.*\bnpm (ci|install)\b/.test(line))).toBe(true);
    expect(instructions.some((line) => /^COPY\s.*\bpackage-lock\.json\b/.test(line))).toBe(true);
    const user = instructions.filter((line) => /^USER\s/i.test(line)).at(-1);
    expect(user).toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
  });

  const closure = importClosure(
    ['worker', 'gateway'].map((script) => {
      const match = /^tsx\s+(\S+\.ts)$/.exec(packageJson.scripts[script] ?? '');
      if (!match) throw new Error(`npm script ${script} is not "tsx <file>.ts"`);
      return path.join(ROOT, match[1]!);
    }),
  );

  test('copies every folder the worker and gateway import, and .dockerignore keeps them', () => {
    const needed = new Set([...closure.files].map((file) => path.relative(ROOT, file).split(path.sep)[0]!));
    expect(needed).toContain('workflows');
    needed.add('tsconfig.json');
    const copied = new Set(
      instructions
        .filter((line) => /^COPY\s/i.test(line))
        .flatMap((line) =>
          line
            .split(/\s+/)
            .slice(1, -1)
            .filter((arg) => !arg.startsWith('--')),
        )
        .map((src) => src.replace(/^\.\//, '').replace(/\/$/, '')),
    );
    const copiesAll = copied.has('.');
    expect([...needed].filter((dir) => !copiesAll && !copied.has(dir))).toEqual([]);

    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'));
    expect([...needed].filter((dir) => ignored.includes(dir))).toEqual([]);
  });

  test('builds the workflow bundles after copying the sources, and carries no simulators, samples, tests or benchmarks', () => {
    const builder = stages.find((stage) => stage.includes('RUN npm run build'))!;
    expect(builder).toBeDefined();
    const build = builder.indexOf('RUN npm run build');
    const builderCopies = builder.filter((line) => /^COPY\s/i.test(line));
    expect(builderCopies.every((line) => builder.indexOf(line) < build)).toBe(true);
    const copies = instructions.filter((line) => /^COPY\s/i.test(line) && !/^COPY\s+--from=/i.test(line));
    const sources = copies
      .flatMap((line) => line.split(/\s+/).slice(1, -1))
      .map((src) => src.replace(/^\.\//, ''));
    for (const dir of ['simulators', 'samples', 'test', 'bench', 'scripts', '.'])
      expect(sources).not.toContain(dir);
    expect(sources.filter((src) => src.startsWith('scripts/'))).toEqual([
      'scripts/build-workflow-bundles.ts',
    ]);
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['simulators', 'samples', 'test', 'bench']));
  });

  test('everything the worker and gateway load at run time is a production dependency', () => {
    // The image installs with --omit=dev when the Dockerfile says so; tsx must be there either way.
    const omitsDev = runtime.some((line) => /^RUN\s.*\bnpm (ci|install)\b.*--omit[= ]dev/.test(line));
    const installed = new Set(Object.keys(packageJson.dependencies));
    expect(installed).toContain('tsx');
    expect(closure.packages.size).toBeGreaterThan(0);
    if (omitsDev) expect([...closure.packages].filter((name) => !installed.has(name))).toEqual([]);
  });
});

describe('.env.example', () => {
  const lines = read('.env.example')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const entries = lines.map((line) => {
    const eq = line.indexOf('=');
    const value = line.slice(eq + 1);
    return [line.slice(0, eq), value.replace(/^"(.*)"$/, '$1')] as const;
  });

  test('lists exactly the configuration schema’s variables and the deployment’s own, once each', () => {
    const names = entries.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...CONFIG_VARIABLES, ...COMPOSE_ONLY_VARIABLES].sort());
    // The deployment's own are docker-compose.yml's, never the product's.
    const composeText = read('docker-compose.yml');
    for (const name of COMPOSE_ONLY_VARIABLES) {
      expect({ name, inSchema: (CONFIG_VARIABLES as string[]).includes(name) }).toEqual({
        name,
        inSchema: false,
      });
      expect({ name, used: composeText.includes(`\${${name}`) }).toEqual({ name, used: true });
    }
  });

  test('its values are the schema’s defaults (or empty), so copying it changes nothing', () => {
    const values = Object.fromEntries(entries);
    const fromExample = parseConfig(values);
    const defaults = parseConfig({});
    expect(fromExample).toEqual(defaults);
    for (const [name, value] of entries) {
      if (SECRET_LIKE.test(name)) expect({ name, value }).toEqual({ name, value: '' });
    }
  });
});

/**
 * Every project file reachable from the entry files through relative imports and requires, and
 * the packages they load at run time (type-only imports are erased, so they do not count).
 */
function importClosure(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [...entries];
  const pattern =
    /(?:\bimport\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?|\bexport\s+(type\s+)?[^'";]*?\sfrom\s+|\bimport\s*\(\s*|\brequire(?:\.resolve)?\s*\(\s*)'([^']+)'/g;
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const specifier = match[3]!;
      if (!specifier.startsWith('.')) {
        if (match[1] || match[2] || specifier.startsWith('node:') || builtinModules.includes(specifier))
          continue;
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
        continue;
      }
      const base = path.resolve(path.dirname(file), specifier);
      const resolved = [base, `${base}.ts`, path.join(base, 'index.ts')].find(
        (candidate) => existsSync(candidate) && candidate.endsWith('.ts'),
      );
      if (resolved) queue.push(resolved);
      else if (existsSync(base)) files.add(base);
    }
  }
  return { files, packages };
}
