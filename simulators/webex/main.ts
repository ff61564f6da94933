/**
 * Standalone entry: `tsx simulators/webex/main.ts --port N [--seed S]`.
 * The repo-level dispatcher (`npm run simulator -- webex --port N`) calls runStandalone().
 */
import { WebexSimulator, WebexSimulatorOptions, startWebexSimulator } from './server';

export async function runStandalone(
  port: number,
  opts: Omit<WebexSimulatorOptions, 'port'> = {},
): Promise<WebexSimulator> {
  const sim = await startWebexSimulator({ ...opts, port });
  // Only non-secret facts: the default client credentials are documented in README.md.
  process.stdout.write(
    `Webex simulator listening: WEBEX_API_BASE_URL=${sim.baseUrl} (admin: ${sim.baseUrl.replace(/\/v1$/, '')}/__admin/state)\n`,
  );
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sim;
}

export function parseArgs(argv: string[]): { port: number; seed?: number } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i >= 0) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`${name}=`));
    return eq?.slice(name.length + 1);
  };
  const port = Number(get('--port') ?? process.env.WEBEX_SIM_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error('--port must be an integer 0..65535');
  const seedRaw = get('--seed');
  return seedRaw === undefined ? { port } : { port, seed: Number(seedRaw) };
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2));
  runStandalone(args.port, args.seed !== undefined ? { seed: args.seed } : {}).catch((e: unknown) => {
    process.stderr.write(`Webex simulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
