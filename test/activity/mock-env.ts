/** A MockActivityEnvironment whose worker log is kept (not printed), for the activity seam tests. */
import type { Info } from '@temporalio/activity';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';

export interface LoggedLine {
  level: LogLevel;
  message: string;
}

export function mockActivityEnvironment(info: Partial<Info> = {}): {
  env: MockActivityEnvironment;
  lines: LoggedLine[];
  heartbeats: unknown[];
} {
  const lines: LoggedLine[] = [];
  const at =
    (level: LogLevel) =>
    (message: string, _meta?: LogMetadata): void => {
      lines.push({ level, message });
    };
  const logger: Logger = {
    log: (level, message) => lines.push({ level, message }),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
  const env = new MockActivityEnvironment({ attempt: 1, ...info }, { logger });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  return { env, lines, heartbeats };
}

/** Runs `fn` in a fresh mock activity context: its result, or what it threw, and the log. */
export async function runActivity<T>(
  fn: () => Promise<T>,
  info: Partial<Info> = {},
): Promise<{ result?: T; error?: unknown; lines: LoggedLine[]; heartbeats: unknown[] }> {
  const { env, lines, heartbeats } = mockActivityEnvironment(info);
  const outcome: { result?: T; error?: unknown } = await env.run(fn).then(
    (result) => ({ result: result as T }),
    (error: unknown) => ({ error }),
  );
  return { ...outcome, lines, heartbeats };
}
