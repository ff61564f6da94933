/**
 * `send-event --account A --file event.json`: posts the file to the Billsby webhook endpoint,
 * the same path Billsby uses, so it exercises authentication, validation and delivery end to end.
 */
import { readFile } from 'node:fs/promises';
import type { Output } from '../engagement';
import { parseCommand, str, UsageError } from './args';
import { callGateway, expectOk, GATEWAY_OPTION, gatewayBase } from './gateway-http';
import { accountIdArg } from './integration';

const USAGE =
  'npm run cli -- send-event --account <accountId> --file <event.json> [--secret-stdin] [--gateway URL]';

/**
 * The account's webhook secret: BILLSBY_WEBHOOK_SECRET, or the first line of standard input with
 * --secret-stdin. Never a command-line value: other users of the machine see those in `ps`.
 * (Secrets are random per account: `connect` and the control page show the current one.)
 */
async function webhookSecret(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdinSecret('--secret-stdin', USAGE);
  const fromEnv = process.env.BILLSBY_WEBHOOK_SECRET?.trim();
  if (fromEnv) return fromEnv;
  throw new UsageError(
    "the account's webhook secret is needed: set BILLSBY_WEBHOOK_SECRET, or pipe it in with --secret-stdin",
    USAGE,
  );
}

/** The first line of standard input, for a secret that must not be a command-line value. */
export async function readStdinSecret(flag: string, usage: string): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const line = text.split('\n')[0]!.trim();
  if (line) return line;
  throw new UsageError(`${flag}: standard input held no secret`, usage);
}

async function readEvent(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // JSON.parse's message names the position, which is what a person needs to fix the file.
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function sendEventCommand(argv: string[], out: Output): Promise<void> {
  const { values } = parseCommand(argv, {
    usage: USAGE,
    options: {
      ...GATEWAY_OPTION,
      account: { type: 'string' },
      file: { type: 'string' },
      'secret-stdin': { type: 'boolean' },
    },
    required: ['account', 'file'],
  });
  const accountId = accountIdArg(str(values.account), USAGE);
  const event = await readEvent(str(values.file)!);
  const secret = await webhookSecret(values['secret-stdin'] === true);
  const base = gatewayBase(values);
  const answer = await callGateway(base, `/webhooks/billsby/${encodeURIComponent(accountId)}`, {
    method: 'POST',
    json: event,
    headers: { secret },
  });
  expectOk(answer);
  const body = answer.body as { eventId?: string; status?: string };
  out.write(`${answer.status} ${body.status ?? ''}: event ${body.eventId ?? '?'} for account ${accountId}\n`);
  if (body.status === 'duplicate') {
    out.write('(an event with this Id was already received; it will not be posted again)\n');
  }
}
