import { mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './levels';
import { redactObject, scrubText, safeError } from './redact';

/**
 * The product's one logger: JSON lines (pino) on stdout, or hand-formatted one-liners for a
 * terminal (`LOG_FORMAT=pretty`), at `LOG_LEVEL`. The gateway (Fastify), the worker (the Temporal
 * runtime logger: SDK, workflow and activity logs) and the processes' own lines all go through it,
 * so they share one format and the redaction rules of ./redact.ts.
 */

export { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel };
export type { Logger };

export interface LoggingOptions {
  level: LogLevel;
  format: LogFormat;
}

/**
 * Test runs only (set by test/harness/global-setup.ts, never by a deployment): a folder where each
 * process also writes every product log line at debug level, one file per process, for the
 * run-wide log scan in test/harness/global-teardown.ts.
 */
export const LOG_CAPTURE_DIR_ENV = 'PRODUCT_LOG_CAPTURE_DIR';

const LEVEL_VALUES: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

let settings: LoggingOptions | undefined;
let root: Logger | undefined;
const taps = new Set<Tap>();

interface Tap {
  level: LogLevel;
  write(line: string): void;
}

/** LOG_LEVEL and LOG_FORMAT as the environment has them (config/env.ts validates them strictly). */
export function loggingFromEnv(env: NodeJS.ProcessEnv = process.env): LoggingOptions {
  const level = env.LOG_LEVEL?.trim().toLowerCase();
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  return {
    level: (LOG_LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'info',
    format: (LOG_FORMATS as readonly string[]).includes(format ?? '') ? (format as LogFormat) : 'json',
  };
}

/** Sets the level and format of every product logger created from now on (call once at start-up). */
export function configureLogging(options: Partial<LoggingOptions>): void {
  settings = { ...(settings ?? loggingFromEnv()), ...options };
  root = undefined;
}

/** The process's product logger, or a child that adds `component` (gateway, worker, start …) to each line. */
export function productLogger(component?: string): Logger {
  root ??= buildRoot(settings ?? loggingFromEnv());
  return component ? root.child({ component }) : root;
}

/** The current console level (the Temporal adapter asks before formatting anything). */
export function isLevelEnabled(level: LogLevel): boolean {
  return productLogger().isLevelEnabled(level);
}

/**
 * Collects every product log line written in this process while it runs (tests: the log scan).
 * Start it before the loggers it should see are created (the gateway takes its logger when built).
 */
export function captureLogs(level: LogLevel = 'trace'): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const tap: Tap = { level, write: (line) => lines.push(line) };
  taps.add(tap);
  root = undefined;
  return {
    lines,
    stop() {
      taps.delete(tap);
      root = undefined;
    },
  };
}

function buildRoot(options: LoggingOptions): Logger {
  const streams: StreamEntry<LogLevel>[] = [];
  if (options.level !== 'silent') {
    streams.push({
      level: options.level,
      stream: options.format === 'pretty' ? prettyStream(process.stdout) : lineStream(process.stdout),
    });
  }
  const captureDir = process.env[LOG_CAPTURE_DIR_ENV];
  if (captureDir) streams.push({ level: 'debug', stream: captureFile(captureDir) });
  for (const tap of taps) streams.push({ level: tap.level, stream: tap });
  const lowest = streams.reduce<LogLevel>(
    (min, entry) =>
      LEVEL_VALUES[entry.level as LogLevel] < LEVEL_VALUES[min] ? (entry.level as LogLevel) : min,
    'silent',
  );
  return pino(
    {
      level: lowest,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactObject(bindings),
        log: (object) => redactObject(summariseHttp(object)),
      },
      // Runs after `formatters.log`, which has already reduced errors to SafeError.
      serializers: { err: (err: unknown) => (err instanceof Error ? safeError(err) : err) },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          if (first instanceof Error) {
            // { err } instead of the Error itself, and its message scrubbed, as the line's msg.
            const msg = typeof rest[0] === 'string' ? rest.shift() : first.message;
            return method.apply(this, [{ err: first }, scrubText(String(msg)), ...rest] as never);
          }
          return method.apply(this, args);
        },
        // The last line of defence: whatever reached the line is scrubbed of credentials and emails.
        streamWrite: scrubText,
      },
    },
    streams.length > 0 ? pino.multistream(streams) : { write() {} },
  );
}

/** Fastify request/reply objects, should one be logged: method, path and status only. */
function summariseHttp(object: Record<string, unknown>): Record<string, unknown> {
  const { req, res } = object as { req?: { method?: string; url?: string }; res?: { statusCode?: number } };
  if (!(req && typeof req === 'object') && !(res && typeof res === 'object')) return object;
  const out = { ...object };
  if (req && typeof req === 'object') out.req = { method: req.method, path: pathOnly(req.url) };
  if (res && typeof res === 'object') out.res = { statusCode: res.statusCode };
  return out;
}

/** A URL's path without its query string (ui-links and OAuth start links carry tokens there). */
export function pathOnly(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** Synchronous writes: a line is out before the process exits or crashes. */
function lineStream(out: NodeJS.WriteStream): DestinationStream {
  const fd = (out as { fd?: number }).fd;
  if (typeof fd === 'number') return pino.destination({ dest: fd, sync: true });
  return { write: (line: string) => void out.write(line) };
}

/** One file per process, opened once per process (Jest loads this module once per test file). */
const CAPTURE_FD = Symbol.for('billsby-pipeline.log-capture-fd');

function captureFile(dir: string): DestinationStream {
  const holder = process as unknown as Record<symbol, number | undefined>;
  if (holder[CAPTURE_FD] === undefined) {
    mkdirSync(dir, { recursive: true });
    holder[CAPTURE_FD] = openSync(path.join(dir, `${process.pid}.jsonl`), 'a', 0o600);
  }
  const fd = holder[CAPTURE_FD];
  return { write: (line: string) => void writeSync(fd, line) };
}

/** `10:17:42.018 INFO  gateway  request completed  method=POST route=/webhooks/… statusCode=202` */
function prettyStream(out: NodeJS.WriteStream): DestinationStream {
  return { write: (line: string) => void out.write(`${prettyLine(line)}\n`) };
}

const PRETTY_SKIP = new Set(['level', 'time', 'pid', 'hostname', 'component', 'msg']);

export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const parts = [time, level];
  if (entry.component) parts.push(`[${String(entry.component)}]`);
  if (entry.msg !== undefined) parts.push(String(entry.msg));
  for (const [key, value] of Object.entries(entry)) {
    if (PRETTY_SKIP.has(key) || value === undefined) continue;
    if (key === 'err' && value && typeof value === 'object') {
      const err = value as { type?: string; message?: string; failureType?: string };
      parts.push(
        `err=${err.type ?? 'Error'}${err.failureType ? `(${err.failureType})` : ''}: ${err.message ?? ''}`,
      );
      continue;
    }
    parts.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return parts.join(' ');
}
