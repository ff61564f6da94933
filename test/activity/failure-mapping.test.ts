/**
 * The failure mapping at its seam: a connector error becomes an ApplicationFailure whose type names
 * the service and kind, retryable or not, with the delay the next attempt needs; expected throttling
 * is BENIGN (logged at DEBUG by the worker, not as a warning). Then isFailure, which workflows use
 * to branch on those types through Temporal's cause chain.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ActivityFailure,
  ApplicationFailure,
  ApplicationFailureCategory,
  ChildWorkflowFailure,
  RetryState,
} from '@temporalio/common';
import { toBillFailure } from '../../activities/bill/failures';
import { createWebexActivities } from '../../activities/webex';
import { toWebexFailure } from '../../activities/webex/failures';
import { BillApiError, type BillErrorKind } from '../../connectors/bill';
import { WebexApiError, type WebexErrorKind } from '../../connectors/webex';
import type { EventLog } from '../../eventlog/types';
import { failureType, isFailure } from '../../temporal/failures';
import { runActivity } from './mock-env';

const BACKOFF = { initialMs: 1_000, maxMs: 60_000 };
const BILL_RETRY = { concurrencyBaseMs: 500, initialBackoffMs: 1_000, maxBackoffMs: 120_000 };

const webexError = (kind: WebexErrorKind, retryable: boolean, retryAfterMs?: number) =>
  new WebexApiError({
    kind,
    message: `Webex GET /people/me failed (${kind})`,
    retryable,
    mayHaveBeenApplied: false,
    operation: 'GET /people/me',
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

const billError = (kind: BillErrorKind, retryable: boolean, retryAfterMs?: number) =>
  new BillApiError({
    kind,
    operation: 'listUsers',
    retryable,
    message: `BILL listUsers failed: ${kind}`,
    retryAfterMs,
  });

describe('connector error → Webex.<kind>', () => {
  it.each([
    // kind, retryable error, Retry-After → non-retryable failure, next delay, BENIGN
    ['rate_limited', true, 7_000, false, 7_000, true],
    ['server', true, 30_000, false, 30_000, false],
    ['unauthorized', false, undefined, true, undefined, false],
    ['not_found', false, undefined, true, undefined, false],
    ['bad_request', false, undefined, true, undefined, false],
    ['invalid_grant', false, undefined, true, undefined, false],
    ['invalid_response', false, undefined, true, undefined, false],
  ] as const)(
    '%s (retryable %s, Retry-After %s) → nonRetryable %s, delay %s, benign %s',
    (kind, retryable, retryAfter, nonRetryable, delay, benign) => {
      const err = webexError(kind, retryable, retryAfter);
      const failure = toWebexFailure(err, 1, BACKOFF);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: `Webex.${kind}`, message: err.message, nonRetryable });
      expect(failure.nextRetryDelay).toBe(delay);
      expect(failure.category).toBe(benign ? ApplicationFailureCategory.BENIGN : undefined);
      expect(failure.details).toEqual([err.toJSON()]);
      expect(failure.details?.[0]).not.toHaveProperty('name');
    },
  );

  it('a retryable error without Retry-After waits the jittered backoff of its attempt', () => {
    for (const kind of ['server', 'timeout', 'network'] as const) {
      const failure = toWebexFailure(webexError(kind, true), 3, BACKOFF); // 1 s doubled twice: 4 s
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(2_000);
      expect(failure.nextRetryDelay).toBeLessThanOrEqual(4_000);
    }
    expect(toWebexFailure(webexError('server', true), 30, BACKOFF).nextRetryDelay).toBeLessThanOrEqual(
      60_000,
    );
  });

  it('anything else is Webex.unexpected, named by its class only, and retried', () => {
    class DatabaseError extends Error {
      override name = 'DatabaseError';
    }
    const failure = toWebexFailure(new DatabaseError('connect ECONNREFUSED db.internal:5432'), 1, BACKOFF);
    expect(failure).toMatchObject({ type: 'Webex.unexpected', message: 'unexpected error: DatabaseError' });
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(500);
  });
});

describe('connector error → Bill.<kind>', () => {
  it.each([
    ['concurrency_limited', true, false, true],
    ['hourly_limit', true, false, true],
    ['server', true, false, false],
    ['session_expired', false, true, false],
    ['bad_credentials', false, true, false],
    ['forbidden', false, true, false],
  ] as const)('%s (retryable %s) → nonRetryable %s, benign %s', (kind, retryable, nonRetryable, benign) => {
    const failure = toBillFailure(
      billError(kind, retryable, kind === 'hourly_limit' ? 90_000 : undefined),
      2,
      BILL_RETRY,
    );
    expect(failure).toMatchObject({ type: `Bill.${kind}`, nonRetryable });
    expect(failure.category).toBe(benign ? ApplicationFailureCategory.BENIGN : undefined);
    if (nonRetryable) expect(failure.nextRetryDelay).toBeUndefined();
    else expect(failure.nextRetryDelay).toBeGreaterThan(0);
  });

  it('each kind waits as BILL says: BDC_1322 briefly, BDC_1144 until the hour, 5xx backoff', () => {
    const delay = (kind: BillErrorKind, attempt: number, retryAfterMs?: number) =>
      toBillFailure(billError(kind, true, retryAfterMs), attempt, BILL_RETRY).nextRetryDelay as number;
    expect(delay('concurrency_limited', 2)).toBeGreaterThanOrEqual(500); // 1 s, half of it random
    expect(delay('concurrency_limited', 2)).toBeLessThanOrEqual(1_000);
    expect(delay('hourly_limit', 1, 90_000)).toBeGreaterThanOrEqual(90_000); // + up to 5 s spread
    expect(delay('hourly_limit', 1, 90_000)).toBeLessThanOrEqual(95_000);
    expect(delay('server', 3)).toBeGreaterThanOrEqual(2_000);
    expect(delay('server', 3)).toBeLessThanOrEqual(4_000);
  });

  it('a failure raised on purpose passes through unchanged; anything else is Bill.unexpected', () => {
    const own = ApplicationFailure.nonRetryable('no email', 'Bill.invalid_response');
    expect(toBillFailure(own, 1, BILL_RETRY)).toBe(own);
    expect(toBillFailure(new TypeError('x is undefined'), 1, BILL_RETRY)).toMatchObject({
      type: 'Bill.unexpected',
      message: 'unexpected error: TypeError',
      nonRetryable: false,
    });
  });
});

describe('through the activity: what the worker logs', () => {
  let server: http.Server;
  let answer: { status: number; headers?: Record<string, string> };
  let baseUrl: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify({ message: 'scripted' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const identify = () =>
    createWebexActivities({
      eventLog: {} as EventLog,
      apiBaseUrl: baseUrl,
      redirectUri: 'http://localhost/cb',
      timeoutMs: 2_000,
    }).identifyWebexUser({ accessToken: 'token' });

  it('a 429 is Webex.rate_limited with the Retry-After as next delay, logged at DEBUG (BENIGN)', async () => {
    answer = { status: 429, headers: { 'retry-after': '7' } };
    const { error, lines } = await runActivity(identify);
    expect(error).toMatchObject({
      type: 'Webex.rate_limited',
      nonRetryable: false,
      nextRetryDelay: 7_000,
      category: ApplicationFailureCategory.BENIGN,
    });
    expect(lines).toContainEqual({ level: 'DEBUG', message: 'Activity failed' });
    expect(lines.filter((l) => l.level === 'WARN')).toEqual([]);
  });

  it('a 503 is Webex.server, retried with backoff, and logged as a warning', async () => {
    answer = { status: 503 };
    const { error, lines } = await runActivity(identify);
    expect(error).toMatchObject({ type: 'Webex.server', nonRetryable: false });
    expect((error as ApplicationFailure).category).toBeUndefined();
    expect(lines).toContainEqual({ level: 'WARN', message: 'Activity failed' });
  });

  it('a 401 is Webex.unauthorized and not retried (the workflow refreshes the token)', async () => {
    answer = { status: 401 };
    const { error } = await runActivity(identify);
    expect(error).toMatchObject({ type: 'Webex.unauthorized', nonRetryable: true });
  });
});

describe('isFailure', () => {
  const inner = ApplicationFailure.create({ type: 'Webex.invalid_grant', message: 'refused' });
  const viaActivity = new ActivityFailure(
    'activity failed',
    'refreshWebexToken',
    '1',
    RetryState.NON_RETRYABLE_FAILURE,
    'w',
    inner,
  );
  const viaChild = new ChildWorkflowFailure(
    'default',
    { workflowId: 'c', runId: 'r' },
    'webexDelivery',
    RetryState.NON_RETRYABLE_FAILURE,
    viaActivity,
  );

  it('finds the innermost type through the cause chain, for any of the types asked', () => {
    expect(failureType(viaChild)).toBe('Webex.invalid_grant');
    expect(isFailure(viaChild, 'Webex.invalid_grant')).toBe(true);
    expect(isFailure(viaActivity, 'Webex.unauthorized', 'Webex.invalid_grant')).toBe(true);
    expect(isFailure(viaChild, 'Webex.unauthorized')).toBe(false);
    expect(isFailure(new Error('plain'), 'Webex.server')).toBe(false);
    expect(isFailure(undefined, 'Bill.bad_credentials')).toBe(false);
  });

  it('a misspelt type does not compile', () => {
    // @ts-expect-error 'Webex.unauthorised' is not a failure type (tsc fails if this line compiles)
    expect(isFailure(viaChild, 'Webex.unauthorised')).toBe(false);
  });
});
