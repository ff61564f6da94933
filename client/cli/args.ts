/**
 * Argument parsing shared by every command: `node:util` parseArgs in strict mode, so an unknown
 * flag or a stray argument is a usage error (exit 2) instead of being silently ignored.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Wrong command line or unusable input file: the CLI prints the message (and usage) and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran but the remote said no (4xx/5xx) or could not be reached: exit 1. */
export class CommandFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailed';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` against `options`, expecting exactly `positionalNames` positionals.
 * Errors from node:util are reworded into one line that names the command.
 */
export function parseCommand(
  argv: string[],
  spec: { usage: string; options?: Options; positionals?: string[]; required?: string[] },
): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: spec.options ?? {}, allowPositionals: true, strict: true });
  } catch (err) {
    // node:util's messages are good ("Unknown option '--foo'"); drop its hint about `--` and codes.
    const message = (err as Error).message.split('. To specify')[0]!.replace(/\.$/, '');
    throw new UsageError(message, spec.usage);
  }
  const names = spec.positionals ?? [];
  if (parsed.positionals.length < names.length) {
    throw new UsageError(`missing <${names[parsed.positionals.length]}>`, spec.usage);
  }
  if (parsed.positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${parsed.positionals[names.length]}'`, spec.usage);
  }
  const values = parsed.values as Parsed['values'];
  for (const flag of spec.required ?? []) {
    if (values[flag] === undefined || values[flag] === '') {
      throw new UsageError(`missing --${flag}`, spec.usage);
    }
  }
  return { values, positionals: parsed.positionals };
}

/** A flag value as a string (parseArgs types every value as string | boolean). */
export const str = (value: string | boolean | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** `--max-orgs` → `maxOrgs`: the engagement functions take camelCase raw options. */
export const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
