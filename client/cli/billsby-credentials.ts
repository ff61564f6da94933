/**
 * `billsby-credentials <accountId> (--company-domain <cd> [--api-key-stdin] | --show | --remove)`:
 * the account's own Billsby credentials, through the gateway (DESIGN.md §4.2). The key comes from
 * standard input (--api-key-stdin) or BILLSBY_API_KEY, never from the command line (other users of
 * the machine see argv in `ps`), and is never printed.
 */
import type { Output } from '../engagement';
import { COMPANY_DOMAIN_PATTERN } from '../../gateway/integration/billsby-credentials';
import { parseCommand, str, UsageError } from './args';
import { callGateway, expectOk, GATEWAY_OPTION, gatewayBase } from './gateway-http';
import { accountIdArg } from './integration';
import { readStdinSecret } from './send-event';

const USAGE =
  'npm run cli -- billsby-credentials <accountId> (--company-domain <cd> [--api-key-stdin] | --show | --remove) [--gateway URL] [--json]';
const OPTIONS = {
  ...GATEWAY_OPTION,
  'company-domain': { type: 'string' as const },
  'api-key-stdin': { type: 'boolean' as const },
  show: { type: 'boolean' as const },
  remove: { type: 'boolean' as const },
  json: { type: 'boolean' as const },
};

interface View {
  companyDomain: string | null;
  state: string;
  checkedAt: string | null;
}

export async function billsbyCredentialsCommand(argv: string[], out: Output): Promise<void> {
  const parsed = parseCommand(argv, { usage: USAGE, options: OPTIONS, positionals: ['accountId'] });
  const accountId = accountIdArg(parsed.positionals[0], USAGE);
  const { values } = parsed;
  const domain = str(values['company-domain']);
  const modes = [domain !== undefined, values.show === true, values.remove === true].filter(Boolean);
  if (modes.length !== 1)
    throw new UsageError('give exactly one of --company-domain, --show, --remove', USAGE);
  const path = `/api/accounts/${encodeURIComponent(accountId)}/billsby`;
  const base = gatewayBase(values);

  if (values.remove) {
    expectOk(await callGateway(base, path, { method: 'DELETE' }));
    return void out.write(`Removed the Billsby credentials of ${accountId}.\n`);
  }
  let view: View;
  if (values.show) {
    const answer = await callGateway(base, path);
    expectOk(answer);
    view = answer.body as View;
  } else {
    if (!COMPANY_DOMAIN_PATTERN.test(domain!)) {
      throw new UsageError(
        '--company-domain must be the login subdomain, e.g. widgets for widgets.billsby.com',
        USAGE,
      );
    }
    const apiKey = await apiKeyFrom(values['api-key-stdin'] === true);
    const answer = await callGateway(base, path, { method: 'PUT', json: { companyDomain: domain, apiKey } });
    expectOk(answer);
    view = answer.body as View;
  }
  if (values.json) return void out.write(`${JSON.stringify(view, null, 2)}\n`);
  out.write(
    [
      `Billsby for ${accountId}: ${view.state}${view.companyDomain ? ` (company ${view.companyDomain})` : ''}`,
      ...(view.checkedAt ? [`Checked with Billsby at ${view.checkedAt}.`] : []),
      '',
    ].join('\n'),
  );
}

async function apiKeyFrom(stdin: boolean): Promise<string> {
  if (stdin) return readStdinSecret('--api-key-stdin', USAGE);
  const fromEnv = process.env.BILLSBY_API_KEY?.trim();
  if (!fromEnv) {
    throw new UsageError(
      'the Billsby API key is needed: pipe it in with --api-key-stdin, or set BILLSBY_API_KEY',
      USAGE,
    );
  }
  return fromEnv;
}
