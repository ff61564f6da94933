/**
 * The refused-login mapping at its seam: the BILL sign-in activities in a mock activity context
 * against the BILL simulator. What the workflow gets for each way a sign-in can go wrong: a typed,
 * non-retryable failure (bad credentials, missing settings, an expired partner session) or, for a
 * user who cannot be signed in as, an answer to move on to the next user.
 */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { createBillActivities, type BillActivityDeps } from '../../activities/bill';
import {
  SEED_AS_OF,
  SEED_CREDENTIALS as C,
  startBillSimulator,
  type BillSimulator,
} from '../../simulators/bill';
import type { EventLog } from '../../eventlog/types';
import type { BillFailure } from '../../temporal/failures';
import { runActivity } from './mock-env';

const ORG = '00801SEED000001';
const ACTIVE_USER = '00601S01USER01';
const ARCHIVED_USER = '00601S01USER04';

let sim: BillSimulator;

async function start(opts: Parameters<typeof startBillSimulator>[0] = {}) {
  const clock = Date.parse(SEED_AS_OF);
  sim = await startBillSimulator({ now: () => clock, ...opts });
}
afterEach(() => sim?.close());

function activities(over: Partial<BillActivityDeps> = {}) {
  return createBillActivities({
    apiBaseUrl: sim.baseUrl,
    username: C.username,
    password: C.password,
    appKey: C.appKey,
    devKey: C.devKey,
    timeoutMs: 2_000,
    documents: {} as EventLog, // no report is written here
    retry: { maxHourlyWaitMs: 1_000 },
    ...over,
  });
}

/** Runs an activity in a mock context and answers what it threw. */
async function failureOf(fn: () => Promise<unknown>): Promise<ApplicationFailure> {
  const { error } = await runActivity(fn);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** Runs an activity in a mock context and answers its result. */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  const { result, error } = await runActivity(fn);
  if (error) throw error;
  return result as T;
}

describe('partner sign-in', () => {
  it('a wrong password is Bill.bad_credentials: not retried, names the settings, not the secret', async () => {
    await start();
    const acts = activities({ password: 'wrong-password' });
    const failure = await failureOf(() => acts.billPartnerLogin());
    expect(failure).toMatchObject({ type: 'Bill.bad_credentials' satisfies BillFailure, nonRetryable: true });
    expect(failure.message).toMatch(
      /BDC_1101.*Check BILL_USERNAME, BILL_PASSWORD, BILL_APP_KEY and BILL_DEV_KEY/,
    );
    expect(failure.message).not.toContain('wrong-password');
    expect(failure.category).toBeUndefined(); // a real error, not throttling
  });

  it('a wrong appKey is Bill.bad_credentials too (BDC_1102)', async () => {
    await start();
    const failure = await failureOf(() => activities({ appKey: 'not-the-app-key' }).billPartnerLogin());
    expect(failure).toMatchObject({ type: 'Bill.bad_credentials' satisfies BillFailure, nonRetryable: true });
    expect(failure.message).toContain('BDC_1102');
  });

  it('missing settings are Bill.not_configured, and BILL is not asked', async () => {
    await start();
    for (const over of [{ username: undefined }, { password: '' }, { appKey: undefined }]) {
      const failure = await failureOf(() => activities(over).billPartnerLogin());
      expect(failure).toMatchObject({
        type: 'Bill.not_configured' satisfies BillFailure,
        nonRetryable: true,
      });
    }
    expect(sim.control.requestLog()).toEqual([]);
  });

  it('BILL busy (BDC_1322) is retryable throttling, marked BENIGN, with its own short delay', async () => {
    await start();
    sim.control.failNext(1, { code: 'BDC_1322', status: 429, path: '/partner/login' });
    const failure = await failureOf(() => activities().billPartnerLogin());
    expect(failure).toMatchObject({
      type: 'Bill.concurrency_limited' satisfies BillFailure,
      nonRetryable: false,
      category: ApplicationFailureCategory.BENIGN,
    });
    expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(250);
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(500);
  });
});

describe('signing in as an organization user', () => {
  const signIn = async (userId: string, over: Partial<BillActivityDeps> = {}) => {
    const acts = activities(over);
    const { sessionId } = await run(() => acts.billPartnerLogin());
    return { acts, sessionId, input: { sessionId, organizationId: ORG, userId } };
  };

  it('an active user gives an organization session', async () => {
    await start();
    const { acts, input } = await signIn(ACTIVE_USER);
    expect(await run(() => acts.billLoginAsUser(input))).toEqual({ sessionId: expect.any(String) });
  });

  it.each([
    ['400 BDC_1002', { status: 400, code: 'BDC_1002' }],
    ['403', { status: 403, code: 'BDC_1003' }],
    ['404', { status: 404, code: 'BDC_1004' }],
  ])(
    'a user BILL refuses (%s) is an answer, not a failure: the workflow tries the next user',
    async (_, rejection) => {
      await start({ loginAsUserRejection: rejection });
      const { acts, input } = await signIn(ARCHIVED_USER);
      const answer = await run(() => acts.billLoginAsUser(input));
      expect(answer).toEqual({ refused: true, reason: expect.stringContaining('cannot sign in') });
    },
  );

  it('an expired partner session is Bill.session_expired, not a refusal: the workflow signs in again', async () => {
    await start();
    const { acts, input } = await signIn(ACTIVE_USER);
    sim.control.expireAllSessions();
    const failure = await failureOf(() => acts.billLoginAsUser(input));
    expect(failure).toMatchObject({ type: 'Bill.session_expired' satisfies BillFailure, nonRetryable: true });
  });

  it('the hourly limit (BDC_1144) is BENIGN throttling that waits for the hour (capped here)', async () => {
    await start();
    const { acts, input } = await signIn(ACTIVE_USER);
    sim.control.failNext(1, { code: 'BDC_1144', status: 429, path: '/login-as-user' });
    const failure = await failureOf(() => acts.billLoginAsUser(input));
    expect(failure).toMatchObject({
      type: 'Bill.hourly_limit' satisfies BillFailure,
      nonRetryable: false,
      category: ApplicationFailureCategory.BENIGN,
      nextRetryDelay: 1_000,
    });
  });
});
