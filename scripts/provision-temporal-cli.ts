import { cliVersion, ensureTemporalCli } from '../temporal/cli';

// `npm run provision`: idempotent; a second run only finds the binary and says where it is.
try {
  const started = Date.now();
  const cli = ensureTemporalCli((line) => console.log(`[provision] ${line}`));
  console.log(
    `[provision] temporal CLI (${cli.source}): ${cli.path}\n[provision] ${cliVersion(cli.path)} — ${Date.now() - started} ms`,
  );
} catch (err) {
  console.error(`[provision] ${(err as Error).message}`);
  process.exit(1);
}
