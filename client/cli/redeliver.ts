/**
 * `redeliver` and `forget-customer` (DESIGN.md §4.2, issue 15), through the gateway's API:
 *
 *   redeliver --account A (--event ID | --state failed|dropped [--since T]) [--dry-run] [--force]
 *   forget-customer --account A --customer CustomerUniqueId
 */
import type { RedeliverResult } from '../../activities/webex/redeliver';
import { REDELIVER_STATES } from '../../activities/webex/redeliver';
import type { Output } from '../engagement';
import { CommandFailed, parseCommand, str, UsageError } from './args';
import { callGateway, expectOk, GATEWAY_OPTION, gatewayBase } from './gateway-http';
import { accountIdArg } from './integration';

export const REDELIVER_USAGE =
  `npm run cli -- redeliver --account <accountId> (--event <eventId> | --state ${REDELIVER_STATES.join('|')} ` +
  '[--since <ISO date-time>]) [--dry-run] [--force] [--gateway URL] [--json]';
export const FORGET_USAGE =
  'npm run cli -- forget-customer --account <accountId> --customer <CustomerUniqueId> [--gateway URL] [--json]';

const REDELIVER_OPTIONS = {
  ...GATEWAY_OPTION,
  account: { type: 'string' as const },
  event: { type: 'string' as const },
  state: { type: 'string' as const },
  since: { type: 'string' as const },
  'dry-run': { type: 'boolean' as const },
  force: { type: 'boolean' as const },
  json: { type: 'boolean' as const },
};

const FORGET_OPTIONS = {
  ...GATEWAY_OPTION,
  account: { type: 'string' as const },
  customer: { type: 'string' as const },
  json: { type: 'boolean' as const },
};

const apiPath = (accountId: string, action: string) =>
  `/api/accounts/${encodeURIComponent(accountId)}/webex/${action}`;

export async function redeliverCommand(argv: string[], out: Output): Promise<void> {
  const parsed = parseCommand(argv, {
    usage: REDELIVER_USAGE,
    options: REDELIVER_OPTIONS,
    required: ['account'],
  });
  const accountId = accountIdArg(str(parsed.values.account), REDELIVER_USAGE);
  const eventId = str(parsed.values.event);
  const state = str(parsed.values.state);
  const since = str(parsed.values.since);
  const dryRun = parsed.values['dry-run'] === true;
  const force = parsed.values.force === true;
  if ((eventId === undefined) === (state === undefined)) {
    throw new UsageError('give exactly one of --event <eventId> or --state failed|dropped', REDELIVER_USAGE);
  }
  if (eventId === '') throw new UsageError('--event must not be empty', REDELIVER_USAGE);
  if (state !== undefined && !(REDELIVER_STATES as readonly string[]).includes(state)) {
    throw new UsageError(
      `--state must be one of ${REDELIVER_STATES.join(', ')} (a delivered event is redelivered by --event with --force)`,
      REDELIVER_USAGE,
    );
  }
  if (since !== undefined) {
    if (state === undefined) throw new UsageError('--since only applies with --state', REDELIVER_USAGE);
    if (Number.isNaN(Date.parse(since))) {
      throw new UsageError(
        '--since must be an ISO 8601 date-time such as 2026-03-01T09:00:00Z, or a date such as 2026-03-01',
        REDELIVER_USAGE,
      );
    }
  }
  if (force && eventId === undefined)
    throw new UsageError('--force only applies with --event', REDELIVER_USAGE);

  const answer = await callGateway(gatewayBase(parsed.values), apiPath(accountId, 'redeliver'), {
    method: 'POST',
    json: {
      ...(eventId !== undefined ? { eventId } : { state }),
      ...(since !== undefined ? { since } : {}),
      dryRun,
      force,
    },
  });
  expectOk(answer);
  const result = answer.body as RedeliverResult;
  if (parsed.values.json) out.write(`${JSON.stringify(result, null, 2)}\n`);
  else out.write(describeRedelivery(accountId, result));
  // Nothing done and something refused (e.g. a delivered event without --force): a refusal.
  if (result.requeued.length === 0 && result.skippedAlreadyInRoom.length === 0 && result.refused.length > 0) {
    throw new CommandFailed(result.refused.map((r) => r.reason).join('\n'));
  }
}

export function describeRedelivery(accountId: string, r: RedeliverResult): string {
  const lines: string[] = [];
  const list = (ids: string[]) => ids.map((id) => `  ${id}`);
  if (r.dryRun) {
    lines.push(`Dry run for ${accountId}: nothing was changed.`);
    lines.push(
      r.requeued.length
        ? `Would post again, in this order, after what is queued (${r.requeued.length}):`
        : 'Would post nothing again.',
      ...list(r.requeued),
    );
    if (r.skippedAlreadyInRoom.length) {
      lines.push(
        `Already in the room, so the exactly-once check would skip them (${r.skippedAlreadyInRoom.length}):`,
        ...list(r.skippedAlreadyInRoom),
      );
    }
  } else {
    lines.push(
      r.requeued.length
        ? `Re-queued for ${accountId}, in this order, after what was queued (${r.requeued.length}):`
        : `Nothing re-queued for ${accountId}.`,
      ...list(r.requeued),
    );
    if (r.skippedAlreadyInRoom.length) {
      lines.push(
        `Already in the room, not posted again (recorded as delivered) (${r.skippedAlreadyInRoom.length}):`,
        ...list(r.skippedAlreadyInRoom),
      );
    }
  }
  if (r.refused.length) {
    lines.push(`Refused (${r.refused.length}):`, ...r.refused.map((x) => `  ${x.eventId}: ${x.reason}`));
  }
  if (r.more) lines.push('More events matched than one run handles (1000): run it again for the rest.');
  return `${lines.join('\n')}\n`;
}

export async function forgetCustomerCommand(argv: string[], out: Output): Promise<void> {
  const parsed = parseCommand(argv, {
    usage: FORGET_USAGE,
    options: FORGET_OPTIONS,
    required: ['account', 'customer'],
  });
  const accountId = accountIdArg(str(parsed.values.account), FORGET_USAGE);
  const customerUniqueId = str(parsed.values.customer)!;
  if (customerUniqueId.length > 1000)
    throw new UsageError('--customer must be at most 1000 characters', FORGET_USAGE);
  const answer = await callGateway(gatewayBase(parsed.values), apiPath(accountId, 'forget-customer'), {
    method: 'POST',
    json: { customerUniqueId },
  });
  expectOk(answer);
  const result = answer.body as { erased: number; dropped: number };
  if (parsed.values.json) return void out.write(`${JSON.stringify(result, null, 2)}\n`);
  out.write(
    `Erased ${result.erased} stored payload${result.erased === 1 ? '' : 's'} of that customer's events in ${accountId}` +
      (result.dropped
        ? `; ${result.dropped} of them had not been delivered yet and are now dropped (they cannot be posted any more)`
        : '') +
      '.\nTheir records (id, type, state, times, Webex message ids) stay; messages already posted stay in the Webex room.\n',
  );
}
