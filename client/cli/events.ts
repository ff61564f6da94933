/** `events <accountId> [--state S] [--limit N]`: delivery states from the event log, through the gateway. */
import { EVENT_STATES, type EventRecord } from '../../eventlog/types';
import type { Output } from '../engagement';
import { parseCommand, str, UsageError } from './args';
import { callGateway, expectOk, GATEWAY_OPTION, gatewayBase } from './gateway-http';
import { accountIdArg } from './integration';

const USAGE = `npm run cli -- events <accountId> [--state ${EVENT_STATES.join('|')}] [--limit N] [--gateway URL] [--json]`;
const OPTIONS = {
  ...GATEWAY_OPTION,
  state: { type: 'string' as const },
  limit: { type: 'string' as const },
  json: { type: 'boolean' as const },
};

type EventView = Omit<EventRecord, 'seq' | 'firstAttemptAt' | 'updatedAt'>;

export async function eventsCommand(argv: string[], out: Output): Promise<void> {
  const parsed = parseCommand(argv, { usage: USAGE, options: OPTIONS, positionals: ['accountId'] });
  const accountId = accountIdArg(parsed.positionals[0], USAGE);
  const state = str(parsed.values.state);
  if (state !== undefined && !(EVENT_STATES as readonly string[]).includes(state)) {
    throw new UsageError(`--state must be one of ${EVENT_STATES.join(', ')}`, USAGE);
  }
  const limit = str(parsed.values.limit) ?? '100';
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) {
    throw new UsageError('--limit must be a whole number from 1 to 1000', USAGE);
  }
  const query = new URLSearchParams({ limit, ...(state ? { state } : {}) });
  const answer = await callGateway(
    gatewayBase(parsed.values),
    `/api/accounts/${encodeURIComponent(accountId)}/webex/events?${query.toString()}`,
  );
  expectOk(answer);
  const { events } = answer.body as { events: EventView[] };
  if (parsed.values.json) return void out.write(`${JSON.stringify(events, null, 2)}\n`);
  if (events.length === 0) return void out.write(`No ${state ? `${state} ` : ''}events for ${accountId}.\n`);
  for (const e of events) {
    const when = e.deliveredAt ?? e.receivedAt;
    const extra = e.lastError ? `  ${e.lastError}` : e.messageIds.length ? `  ${e.messageIds.join(',')}` : '';
    out.write(
      `${e.state.padEnd(9)} ${when}  ${e.type.padEnd(19)} ${e.eventId}  attempts ${e.attempts}${extra}\n`,
    );
  }
}
