/** `rotate-secret <accountId> [--grace-seconds N]`: a new webhook secret, through the gateway. */
import type { Output } from '../engagement';
import { MAX_GRACE_SECONDS } from '../../gateway/integration/webhook-secrets';
import { parseCommand, str, UsageError } from './args';
import { callGateway, expectOk, GATEWAY_OPTION, gatewayBase } from './gateway-http';
import { accountIdArg } from './integration';

const USAGE = 'npm run cli -- rotate-secret <accountId> [--grace-seconds N] [--gateway URL] [--json]';
const OPTIONS = {
  ...GATEWAY_OPTION,
  'grace-seconds': { type: 'string' as const },
  json: { type: 'boolean' as const },
};

export async function rotateSecretCommand(argv: string[], out: Output): Promise<void> {
  const parsed = parseCommand(argv, { usage: USAGE, options: OPTIONS, positionals: ['accountId'] });
  const accountId = accountIdArg(parsed.positionals[0], USAGE);
  const grace = str(parsed.values['grace-seconds']);
  if (grace !== undefined && (!/^\d+$/.test(grace) || Number(grace) > MAX_GRACE_SECONDS)) {
    throw new UsageError(`--grace-seconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}`, USAGE);
  }
  const answer = await callGateway(
    gatewayBase(parsed.values),
    `/api/accounts/${encodeURIComponent(accountId)}/webex/webhook-secret/rotate`,
    { method: 'POST', json: grace === undefined ? {} : { graceSeconds: Number(grace) } },
  );
  expectOk(answer);
  const result = answer.body as { webhookSecret: string; previousSecretValidUntil: string };
  if (parsed.values.json) return void out.write(`${JSON.stringify(result, null, 2)}\n`);
  // Printed on purpose: a person must paste it into Billsby (Settings > Webhooks).
  out.write(
    [
      `New webhook secret for ${accountId}: ${result.webhookSecret}`,
      `The previous secret keeps working until ${result.previousSecretValidUntil}; update Billsby before then.`,
      '',
    ].join('\n'),
  );
}
