/** `npm run demo -- [flags]`: the demo's command line. */

export interface DemoArgs {
  /** Stop after printing instead of running until Ctrl+C. */
  exit: boolean;
  temporalPort: number;
  uiPort: number;
  gatewayPort: number;
  /** The codec listener the Web UI decrypts payloads through (never the gateway's port). */
  codecPort: number;
  /** Folder for the demo's SQLite file, the payload key and reports; default the product's data folder. */
  dataDir?: string;
  /** Hidden (tests): with --exit, wait this long after printing before stopping. */
  holdMs: number;
  help: boolean;
}

export const DEMO_USAGE = `Usage: npm run demo -- [options]

  --exit              stop after printing the results (exit code 0 on success)
  --temporal-port N   Temporal dev server gRPC port (default 7233)
  --ui-port N         Temporal Web UI port (default 8233)
  --port N            gateway port (default: GATEWAY_PORT or 3000)
  --codec-port N      codec endpoint port for the Web UI, on 127.0.0.1 (default: CODEC_PORT or 3001)
  --data-dir DIR      data folder (default: PIPELINE_DATA_DIR or .data); the demo's
                      Temporal database is DIR/demo/temporal.sqlite
  --help              show this help
`;

const VALUE_FLAGS = [
  '--temporal-port',
  '--ui-port',
  '--port',
  '--codec-port',
  '--data-dir',
  '--hold-ms',
] as const;

function port(flag: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) throw new Error(`${flag} must be a port number 1..65535`);
  return n;
}

/** Parses argv (without node and script); throws an Error naming the bad flag. */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): DemoArgs {
  const values = new Map<string, string>();
  let exit = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--exit') exit = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else {
      const [name, inline] = arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
      if (!(VALUE_FLAGS as readonly string[]).includes(name!))
        throw new Error(`unknown option ${name}\n\n${DEMO_USAGE}`);
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new Error(`${name} needs a value`);
      values.set(name!, value);
    }
  }
  const holdRaw = values.get('--hold-ms') ?? '0';
  if (!/^\d+$/.test(holdRaw)) throw new Error('--hold-ms must be a whole number of milliseconds');
  const envGateway = env.GATEWAY_PORT?.trim();
  const envCodec = env.CODEC_PORT?.trim();
  const args: DemoArgs = {
    exit,
    help,
    temporalPort: port('--temporal-port', values.get('--temporal-port') ?? '7233'),
    uiPort: port('--ui-port', values.get('--ui-port') ?? '8233'),
    gatewayPort: port(
      values.has('--port') ? '--port' : 'GATEWAY_PORT',
      values.get('--port') ?? (envGateway || '3000'),
    ),
    codecPort: port(
      values.has('--codec-port') ? '--codec-port' : 'CODEC_PORT',
      values.get('--codec-port') ?? (envCodec || '3001'),
    ),
    dataDir: values.get('--data-dir'),
    holdMs: Number(holdRaw),
  };
  const ports = [args.temporalPort, args.uiPort, args.gatewayPort, args.codecPort];
  if (new Set(ports).size !== ports.length) {
    throw new Error(
      `--temporal-port, --ui-port, --port and --codec-port must differ (got ${ports.join(', ')})`,
    );
  }
  return args;
}
