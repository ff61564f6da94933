import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { RuntimeOptions } from '@temporalio/worker';
import { productLogger, type LogLevel } from './logger';

/**
 * The Temporal runtime's logger (`Runtime.install({ logger })`): the SDK's own lines, workflow
 * `log` (through the SDK's sink) and activity `log` all arrive here with the SDK's context, and
 * leave as the product's JSON lines with `workflowId`, `runId` and, from the workflow id, the
 * Billsby `accountId`. The activity's task token is dropped (it can complete the activity).
 */

const LEVELS: Record<TemporalLogLevel, LogLevel> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** `webex-integration:<accountId>`, `webex-delivery:<accountId>:<from>-<to>`. */
const ACCOUNT_WORKFLOW = /^webex-(?:integration|delivery):([^:]+)/;

export function temporalLogContext(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  const { taskToken: _taskToken, workflowRunId, ...rest } = meta as Record<string, unknown>;
  const context: Record<string, unknown> = { ...rest };
  if (workflowRunId !== undefined && context.runId === undefined) context.runId = workflowRunId;
  const workflowId = context.workflowId;
  if (context.accountId === undefined && typeof workflowId === 'string') {
    const match = ACCOUNT_WORKFLOW.exec(workflowId);
    if (match) context.accountId = match[1];
  }
  return context;
}

export class ProductTemporalLogger implements TemporalLogger {
  constructor(private readonly component = 'worker') {}

  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    const logger = productLogger(this.component);
    const method = LEVELS[level] ?? 'info';
    if (!logger.isLevelEnabled(method)) return;
    logger[method as Exclude<LogLevel, 'silent'>](temporalLogContext(meta), message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * The logging part of the worker's `Runtime.install` options: the product logger, and the SDK
 * core's own (Rust) lines forwarded to it at WARN and above, so they come out in the same format.
 */
export function runtimeLoggingOptions(): Pick<RuntimeOptions, 'logger'> & {
  telemetryOptions: NonNullable<RuntimeOptions['telemetryOptions']>;
} {
  return {
    logger: new ProductTemporalLogger(),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  };
}
