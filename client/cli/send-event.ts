/**
 * `send-event --account A --file event.json`: posts the file to the Billsby webhook endpoint,
 * the same path Billsby uses, so it exercises authentication, validation and delivery end to end.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../config/env';
import { loadEncryptionKeys } from '../../temporal/keys';
import type { Output } from '../engagement';
import { WebhookSecrets } from '../integration/secrets';
import { parseCommand, str, UsageError } from './args';
import { callGateway, expectOk, GATEWAY_OPTION, gatewayBase } from './gateway-http';
import { accountIdArg } from './integration';

const USAGE =
  'npm run cli -- send-event --account <accountId> --file <event.json> [--secret S] [--gateway URL]';

/**
 * `--secret`, else BILLSBY_WEBHOOK_SECRET, else derived exactly as the gateway derives it from the
 * payload key, which only matches when this machine has the gateway's PAYLOAD_ENCRYPTION_KEY
 * (or the same local key file of the embedded default).
 */
function webhookSecret(accountId: string, flag: string | undefined): string {
  if (flag) return flag;
  const fromEnv = process.env.BILLSBY_WEBHOOK_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const key = loadEncryptionKeys(loadConfig().PAYLOAD_ENCRYPTION_KEY)[0]!;
  return new WebhookSecrets(key).secretFor(accountId);
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
      secret: { type: 'string' },
    },
    required: ['account', 'file'],
  });
  const accountId = accountIdArg(str(values.account), USAGE);
  const event = await readEvent(str(values.file)!);
  const base = gatewayBase(values);
  const answer = await callGateway(base, `/webhooks/billsby/${encodeURIComponent(accountId)}`, {
    method: 'POST',
    json: event,
    headers: { secret: webhookSecret(accountId, str(values.secret)) },
  });
  expectOk(answer);
  const body = answer.body as { eventId?: string; status?: string };
  out.write(`${answer.status} ${body.status ?? ''}: event ${body.eventId ?? '?'} for account ${accountId}\n`);
  if (body.status === 'duplicate') {
    out.write('(an event with this Id was already received; it will not be posted again)\n');
  }
}
