/**
 * `engagement run | schedule | report`: flag parsing only. Validation and the Temporal calls live
 * in client/engagement (tested at function level); this file turns argv into their raw options.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { loadConfig } from '../../config/env';
import { openEventLog } from '../../eventlog/open';
import type { EngagementDocumentStore, EventLog } from '../../eventlog/types';
import { connectClient, temporalAddress } from '../../temporal/connection';
import { temporalSecurity } from '../../temporal/security';
import { createDataConverter } from '../../temporal/data-converter';
import { loadEncryptionKeys } from '../../temporal/keys';
import { BILL_TASK_QUEUE } from '../../temporal/task-queues';
import {
  parseOptions,
  printReport,
  reportArgsSchema,
  runEngagement,
  runOptionsSchema,
  scheduleEngagement,
  scheduleOptionsSchema,
  type Output,
} from '../engagement';
import { camel, CommandFailed, parseCommand, str, UsageError } from './args';

export const ENGAGEMENT_USAGE = [
  'npm run cli -- engagement run [--max-orgs N] [--as-of DATE] [--out FILE.json|FILE.csv] [--concurrency N] [--compare-to <workflowId>] [--show-emails] [--post-to <accountId> [--with-contacts]]',
  'npm run cli -- engagement schedule --every <duration, e.g. 24h> [--max-orgs N] [--post-to <accountId> [--with-contacts]]',
  '  --post-to: post each run\'s digest into that account\'s "BILL Engagement" Webex space (default: BILL_ENGAGEMENT_POST_TO)',
  'npm run cli -- engagement report <workflowId> [--out FILE.json|FILE.csv] [--changes-only] [--show-emails]',
  'npm run cli -- engagement report <workflowId> --campaign "complete enrollment"|"make a first payment"|"resume payments"|"deepen use" --out FILE.csv',
  'npm run cli -- engagement report <workflowId> --campaign all --out FOLDER',
].join('\n       ');

const TASK_QUEUE = { 'task-queue': { type: 'string' as const } };

const DIGEST_FLAGS = {
  'post-to': { type: 'string' as const },
  'with-contacts': { type: 'boolean' as const },
};

/** `--post-to`, else BILL_ENGAGEMENT_POST_TO (an invalid value there is named by the config check). */
function digestOptions(values: Record<string, string | boolean | undefined>): {
  postTo?: string;
  withContacts?: true;
} {
  const postTo = str(values['post-to']) ?? loadConfig().BILL_ENGAGEMENT_POST_TO;
  return {
    ...(postTo !== undefined ? { postTo } : {}),
    ...(values['with-contacts'] ? { withContacts: true } : {}),
  };
}

/** Only the flags given, camelCased: absent flags stay absent so the zod defaults apply. */
function rawOptions(values: Record<string, string | boolean | undefined>): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (flag !== 'task-queue' && typeof value === 'string') raw[camel(flag)] = value;
  }
  return raw;
}

async function withClient<T>(
  fn: (
    client: Client,
    documents: () => Promise<EngagementDocumentStore>,
    accountConnected: (accountId: string) => Promise<boolean>,
  ) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  // The event log (DATABASE_URL, or the embedded file on this machine), opened only when a report
  // too large for a workflow result must be read from it.
  let eventLog: Promise<EventLog> | undefined;
  const documents = () =>
    (eventLog ??= openEventLog({
      databaseUrl: config.DATABASE_URL,
      keys: loadEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEY),
    }));
  const address = temporalAddress(config.TEMPORAL_ADDRESS);
  let client: Client;
  try {
    client = await connectClient({
      address,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: createDataConverter(loadEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEY)),
      security: temporalSecurity(config),
      // A person waits at the terminal: fail in seconds, not the worker's 30 s start-up patience.
      waitMs: 5_000,
    });
  } catch (err) {
    throw new CommandFailed(`${(err as Error).message}. Is Temporal running (npm start)?`);
  }
  try {
    return await fn(client, documents, async (accountId) => (await documents()).isAccountActive(accountId));
  } finally {
    await client.connection.close();
    if (eventLog) await (await eventLog).close();
  }
}

/**
 * Validates the raw options before connecting, so a bad flag is a usage error (exit 2) that does
 * not wait for Temporal; the engagement functions validate again with the same schema.
 */
function checked<T extends Record<string, unknown>>(schema: Parameters<typeof parseOptions>[0], raw: T): T {
  try {
    parseOptions(schema, raw);
  } catch (err) {
    throw new UsageError((err as Error).message, ENGAGEMENT_USAGE);
  }
  return raw;
}

/** A run id that does not exist is the person's mistake, not a crash. */
async function notFoundIsFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new CommandFailed(`no workflow with id ${err.workflowId} in this namespace`);
    }
    throw err;
  }
}

export async function engagementCommand(argv: string[], out: Output): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'run': {
      const { values } = parseCommand(rest, {
        usage: ENGAGEMENT_USAGE,
        options: {
          ...TASK_QUEUE,
          'max-orgs': { type: 'string' },
          'as-of': { type: 'string' },
          out: { type: 'string' },
          concurrency: { type: 'string' },
          'compare-to': { type: 'string' },
          'show-emails': { type: 'boolean' },
          ...DIGEST_FLAGS,
        },
      });
      const options = checked(runOptionsSchema, {
        ...rawOptions(values),
        ...digestOptions(values),
        ...(values['show-emails'] ? { showEmails: true } : {}),
      });
      const taskQueue = str(values['task-queue']) ?? BILL_TASK_QUEUE;
      await withClient((client, documents, accountConnected) =>
        runEngagement({ client, out, options, taskQueue, documents, accountConnected }),
      );
      return;
    }
    case 'schedule': {
      const { values } = parseCommand(rest, {
        usage: ENGAGEMENT_USAGE,
        options: {
          ...TASK_QUEUE,
          every: { type: 'string' },
          'max-orgs': { type: 'string' },
          ...DIGEST_FLAGS,
        },
        required: ['every'],
      });
      const options = checked(scheduleOptionsSchema, { ...rawOptions(values), ...digestOptions(values) });
      const taskQueue = str(values['task-queue']) ?? BILL_TASK_QUEUE;
      await withClient((client, _documents, accountConnected) =>
        scheduleEngagement({ client, out, options, taskQueue, accountConnected }),
      );
      return;
    }
    case 'report': {
      const { values, positionals } = parseCommand(rest, {
        usage: ENGAGEMENT_USAGE,
        options: {
          out: { type: 'string' },
          'changes-only': { type: 'boolean' },
          'show-emails': { type: 'boolean' },
          campaign: { type: 'string' },
        },
        positionals: ['workflowId'],
      });
      const options = checked(reportArgsSchema, {
        ...rawOptions(values),
        workflowId: positionals[0],
        ...(values['changes-only'] ? { changesOnly: true } : {}),
        ...(values['show-emails'] ? { showEmails: true } : {}),
      });
      await withClient((client, documents) =>
        notFoundIsFailure(() => printReport({ client, out, options, documents })),
      );
      return;
    }
    default:
      throw new UsageError(
        sub ? `unknown engagement command '${sub}'` : 'missing engagement command',
        ENGAGEMENT_USAGE,
      );
  }
}
