/**
 * The failure types the product raises and matches, defined once. A connector error of kind `k`
 * becomes an ApplicationFailure of type `<Service>.<k>` (`connectorFailure`, activities/failures.ts); workflows,
 * activities and the client match types with {@link isFailure}, so a misspelt type does not compile.
 *
 * Imported by workflow code too (it is in the workflow bundle): nothing here may use Node built-ins
 * or do IO; the connector imports are type-only (lint applies the workflow rules to this file).
 */
import type { BillErrorKind } from '../connectors/bill/errors';
import type { BillsbyErrorKind } from '../connectors/billsby/errors';
import type { WebexErrorKind } from '../connectors/webex/errors';

/** Raised by our own code around the Webex connector. */
type WebexOwnKind =
  | 'not_configured' // WEBEX_CLIENT_ID / WEBEX_CLIENT_SECRET missing on the worker
  | 'unexpected'; // not a Webex error at all (most likely the event log's database)

/** Raised by our own code around the BILL connector. */
type BillOwnKind =
  | 'not_configured' // BILL_* settings missing on the worker
  | 'unexpected' // not a BILL error at all
  | 'sign_in_lost' // signing in again as the organization's user was refused
  | 'bad_input' // the engagement run's input is invalid
  | 'login_failed' // the first partner login failed without a typed cause
  | 'fatal'; // a fatal failure without a typed cause

export type WebexFailure = `Webex.${WebexErrorKind | WebexOwnKind}`;
export type BillFailure = `Bill.${BillErrorKind | BillOwnKind}`;
export type BillsbyFailure = `Billsby.${BillsbyErrorKind}`;
export type FailureType = WebexFailure | BillFailure | BillsbyFailure;

/** Webex refusing a refresh token for good: the integration needs the user to connect again. */
export const REFRESH_REFUSED: readonly WebexFailure[] = [
  'Webex.invalid_grant',
  'Webex.unauthorized',
  'Webex.bad_request',
];

/**
 * Expected throttling: the remote asked us to slow down and the retry waits as long as it said.
 * Failures of these kinds are marked BENIGN, so they are not logged or counted as errors.
 */
const THROTTLING_KINDS: ReadonlySet<string> = new Set([
  'rate_limited',
  'concurrency_limited',
  'hourly_limit',
]);

/** Whether a connector error kind is expected throttling rather than a fault. */
export function isThrottling(kind: string): boolean {
  return THROTTLING_KINDS.has(kind);
}

/** How far down a failure chain we look (ChildWorkflowFailure → ActivityFailure → ApplicationFailure). */
const MAX_DEPTH = 6;

function* chain(err: unknown): Generator<{ type?: unknown; message?: unknown; cause?: unknown }> {
  let current = err as { type?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    yield current;
    current = current.cause as typeof current;
  }
}

/** The innermost failure `type` in the cause chain, if any: the one that names the problem. */
export function failureType(err: unknown): string | undefined {
  let found: string | undefined;
  for (const link of chain(err)) if (typeof link.type === 'string') found = link.type;
  return found;
}

/** The innermost message: the one that names the problem. */
export function failureMessage(err: unknown): string {
  let message = 'unknown error';
  for (const link of chain(err)) if (typeof link.message === 'string' && link.message) message = link.message;
  return message;
}

/** Whether the innermost failure type of `err` (walking `.cause`) is one of `types`. */
export function isFailure(err: unknown, ...types: FailureType[]): boolean {
  const type = failureType(err);
  return type !== undefined && (types as string[]).includes(type);
}
