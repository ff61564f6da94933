/**
 * Starter scripts: `npm run cli -- <command>` (DESIGN.md §4.2, fixed command names).
 * Exit codes: 0 done; 1 the gateway/Temporal refused or could not be reached; 2 usage error or
 * unusable input file (nothing was sent).
 */
import { CommandFailed, UsageError } from './args';
import { ENGAGEMENT_USAGE, engagementCommand } from './engagement';
import { connectCommand, statusCommand, uiLinkCommand, uninstallCommand } from './integration';
import { rotateSecretCommand } from './rotate-secret';
import { billsbyCredentialsCommand } from './billsby-credentials';
import { forgetCustomerCommand, redeliverCommand } from './redeliver';
import { eventsCommand } from './events';
import { sendEventCommand } from './send-event';

type Command = (argv: string[], out: NodeJS.WriteStream) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  connect: connectCommand,
  status: statusCommand,
  uninstall: uninstallCommand,
  'ui-link': uiLinkCommand,
  'send-event': sendEventCommand,
  events: eventsCommand,
  'rotate-secret': rotateSecretCommand,
  'billsby-credentials': billsbyCredentialsCommand,
  redeliver: redeliverCommand,
  'forget-customer': forgetCustomerCommand,
  engagement: engagementCommand,
};

export const HELP = `Usage: npm run cli -- <command> [options]

Webex integration (through the gateway at PUBLIC_BASE_URL, or --gateway URL):
  connect <accountId> [--replace]
                                 start connecting Webex: prints the URL to open, the webhook URL and secret
                                 (--replace: reconnect a connected integration, possibly as another Webex user)
  ui-link <accountId>            a single-use link to the account's control page (15 minutes)
  status <accountId>             integration status, Webex user, room and event counts
  uninstall <accountId>          uninstall the integration (nothing more is posted)
  send-event --account <accountId> --file <event.json> [--secret-stdin]
                                 post a Billsby event to the webhook endpoint, with the account's
                                 secret from BILLSBY_WEBHOOK_SECRET or (--secret-stdin) standard input
  rotate-secret <accountId> [--grace-seconds N]
                                 issue a new webhook secret; the old one keeps working for N seconds
                                 (default 86400, at most 604800)
  billsby-credentials <accountId> (--company-domain <cd> [--api-key-stdin] | --show | --remove)
                                 the account's own Billsby API credentials, for filling Billsby's
                                 webhooks from its API; checked with Billsby before they are stored;
                                 the key from --api-key-stdin or BILLSBY_API_KEY, never shown
  events <accountId> [--state queued|delivered|failed|dropped|ignored] [--limit N]
                                 each event's delivery state from the event log (newest first;
                                 queued: oldest first), with Webex message ids or the failure
  redeliver --account <accountId> (--event <eventId> | --state failed|dropped [--since T])
            [--dry-run] [--force]
                                 post events again after what is queued; --dry-run lists what would
                                 be posted and what is already in the room (skipped); a delivered
                                 event needs --event and --force
  forget-customer --account <accountId> --customer <CustomerUniqueId>
                                 erase every stored payload of that customer's events (records stay;
                                 undelivered ones are dropped) and print how many
  (connect, status, uninstall, ui-link, events, redeliver and forget-customer also take --json to
   print the gateway's JSON answer)
  The API key: the first of GATEWAY_API_KEYS, else the key file the gateway made in the data folder.

BILL customer engagement (through Temporal at TEMPORAL_ADDRESS):
  engagement run [--max-orgs N] [--as-of DATE] [--out FILE.json|FILE.csv] [--concurrency N]
                 [--compare-to <workflowId>] [--show-emails]
                                 run the chain with a live progress bar, then print the summary
                                 (contact emails only with --show-emails, or in --out)
  engagement schedule --every <duration>
                                 create or update the Temporal Schedule (e.g. --every 24h)
  engagement report <workflowId> [--out FILE.json|FILE.csv] [--changes-only] [--show-emails]
                                 print the report of a finished run
  engagement report <workflowId> --campaign <name>|all --out FILE.csv|FOLDER
                                 a campaign's contact list ("complete enrollment", "make a first
                                 payment", "resume payments", "deepen use"; all: one file each)

Exit codes: 0 ok, 1 refused or unreachable, 2 usage error or unusable input file.
`;

export async function runCli(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    err.write(`error: missing command\n\n${HELP}`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    out.write(HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err.write(`error: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out.write(name === 'engagement' ? `Usage: ${ENGAGEMENT_USAGE}\n` : HELP);
    return 0;
  }
  try {
    await command(rest, out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`error: ${e.message}\n${e.usage ? `usage: ${e.usage}\n` : ''}`);
      return 2;
    }
    if (e instanceof CommandFailed) {
      err.write(`error: ${e.message}\n`);
      return 1;
    }
    // Unexpected: the message only (never a stack full of request options that might hold secrets).
    err.write(`error: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      // exitCode, not exit(): lets stdout drain when piped.
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
