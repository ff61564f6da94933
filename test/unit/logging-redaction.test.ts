/**
 * Issue 15: no token, secret, session id, email, name or phone number can reach a log line. Each
 * kind is logged through the product logger (as the gateway and processes use it) and through the
 * Temporal runtime logger (as the SDK, workflows and activities use it); the output is grepped.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  captureLogs,
  configureLogging,
  prettyLine,
  ProductTemporalLogger,
  productLogger,
  scrubText,
  temporalLogContext,
} from '../../logging';

const SECRETS = {
  accessToken: 'ZDI3MGEyYzQtNmFlNS00NDNhLWFiNWQt_PF84_1eb65fdf-9643-417f-9974-ad72cae0e10f',
  refreshToken: 'refresh-0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  webhookSecret: 'whsec-5d41402abc4b2a76b9719d911017c592',
  clientSecret: 'client-secret-7c4a8d09ca3762af61e59520943dc264',
  password: 'hunter2-correct-horse-battery',
  sessionId: 'sess-!h9f8e7d6c5b4a3928',
  cookie: 'ui_session=cookie-value-a1b2c3d4e5f6',
  authorization: 'Bearer api-key-0123456789abcdef0123',
  apiKey: 'gateway-api-key-abcdefabcdefabcdef',
  codeVerifier: 'verifier-9f86d081884c7d659a2feaa0c55ad015',
  csrfToken: 'csrf-2c26b46b68ffc68ff99b453c1d304134',
  taskToken: 'CiQ0ZjE2NGQ5Ny1hYzFlLTQ4ZGQtOTVlZS1lZDk0ZjI0YjQ2NmYSEg==',
};
const PERSONAL = {
  Email: 'madeline.parsons@example.com',
  FirstName: 'Madeline',
  LastName: 'Parsons',
  PhoneNumber: '7700900123',
  AddressLine1: '23 Turnabout Road',
  displayName: 'Madeline Parsons',
};
const NEEDLES = [...Object.values(SECRETS), ...Object.values(PERSONAL), 'api-key-0123456789abcdef0123'];

let capture: ReturnType<typeof captureLogs>;
beforeEach(() => {
  configureLogging({ level: 'silent', format: 'json' });
  capture = captureLogs('trace');
});
afterEach(() => capture.stop());

function leaks(lines: string[]): string[] {
  return NEEDLES.filter((needle) => lines.some((line) => line.includes(needle)));
}
const parsed = () => capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('product logger redaction', () => {
  it('redacts secrets and personal data by key, at any depth, whatever the case', () => {
    const log = productLogger('gateway');
    log.info(
      {
        accountId: 'acct-1',
        eventId: 'evt-1',
        tokens: { access_token: SECRETS.accessToken, RefreshToken: SECRETS.refreshToken },
        accessToken: SECRETS.accessToken,
        integration: { webhookSecret: SECRETS.webhookSecret, clientSecret: SECRETS.clientSecret },
        credentials: [{ password: SECRETS.password }, { sessionId: SECRETS.sessionId }],
        request: {
          headers: { authorization: SECRETS.authorization, cookie: SECRETS.cookie },
          apiKey: SECRETS.apiKey,
        },
        oauth: { codeVerifier: SECRETS.codeVerifier, csrfToken: SECRETS.csrfToken },
        event: {
          Id: 'evt-1',
          Type: 'CustomerCreated',
          CustomerUniqueId: '5VL9JC0NE0',
          CustomerDetails: PERSONAL,
          NewDetails: { Email: PERSONAL.Email, BillingAddress: { AddressLine1: PERSONAL.AddressLine1 } },
        },
        deeply: { nested: { user: { email: PERSONAL.Email, first_name: PERSONAL.FirstName } } },
        taskToken: SECRETS.taskToken,
      },
      'event accepted',
    );
    expect(leaks(capture.lines)).toEqual([]);
    const [entry] = parsed();
    // What is not sensitive stays readable.
    expect(entry).toMatchObject({
      level: 'info',
      component: 'gateway',
      accountId: 'acct-1',
      eventId: 'evt-1',
      msg: 'event accepted',
      accessToken: '[redacted]',
      event: {
        Id: 'evt-1',
        Type: 'CustomerCreated',
        CustomerUniqueId: '5VL9JC0NE0',
        CustomerDetails: '[redacted]',
      },
    });
    expect(typeof entry!.time).toBe('string');
  });

  it('scrubs credentials and emails out of free text: messages, errors and child bindings', () => {
    const log = productLogger('worker').child({ note: `owner ${PERSONAL.Email}` });
    log.warn(`GET /ui/accounts/a/webex/open?token=${SECRETS.csrfToken} for ${PERSONAL.Email}`);
    log.warn(`Webex said 401 to Authorization: ${SECRETS.authorization}`);
    log.error(`refresh failed: {"access_token":"${SECRETS.refreshToken}","expires_in":3600}`);
    log.info(`token ${SECRETS.accessToken} expired`);
    const err = Object.assign(new Error(`POST failed for ${PERSONAL.Email} with ${SECRETS.authorization}`), {
      config: { headers: { Authorization: SECRETS.authorization }, data: `password=${SECRETS.password}` },
      response: { data: { email: PERSONAL.Email } },
    });
    log.error(err);
    log.error({ err }, 'delivery failed');
    log.error(
      new Error(`callback /oauth/webex/callback?code=${SECRETS.codeVerifier}&state=${SECRETS.csrfToken}`),
    );
    expect(capture.lines.length).toBe(7);
    expect(leaks(capture.lines)).toEqual([]);
    // An error keeps its kind and scrubbed message; its request, config and response are gone.
    const errored = parsed()[5]!;
    expect(errored).toMatchObject({ msg: 'delivery failed', err: { type: 'Error' } });
    expect((errored.err as { message: string }).message).toContain('[email]');
    expect(JSON.stringify(errored)).not.toContain('config');
  });

  it('drops query strings from logged requests', () => {
    productLogger('gateway').info(
      { req: { method: 'GET', url: `/ui/accounts/a/webex/open?token=${SECRETS.csrfToken}`, headers: {} } },
      'request',
    );
    expect(parsed()[0]).toMatchObject({ req: { method: 'GET', path: '/ui/accounts/a/webex/open' } });
    expect(leaks(capture.lines)).toEqual([]);
  });

  it('scrubText masks each kind it knows', () => {
    expect(scrubText(`mail ${PERSONAL.Email}.`)).toBe('mail [email].');
    expect(scrubText(SECRETS.authorization)).toBe('Bearer [redacted]');
    expect(scrubText('/x?a=1&token=abc&b=2')).toBe('/x?a=1&token=[redacted]&b=2');
    expect(scrubText('refresh_token=abc&x=1')).toBe('refresh_token=[redacted]&x=1');
    expect(scrubText(`t=${SECRETS.accessToken}`)).toBe('t=[token]');
    expect(scrubText('connect postgres://temporal:s3cret@postgresql:5432/db failed')).toBe(
      'connect postgres://[redacted]@postgresql:5432/db failed',
    );
    // Ordinary words and ids are left alone.
    expect(scrubText('Basic plan for customer 5VL9JC0NE0 at 2026-07-22T10:17:42.018Z')).toBe(
      'Basic plan for customer 5VL9JC0NE0 at 2026-07-22T10:17:42.018Z',
    );
  });
});

describe('Temporal runtime logger', () => {
  it('writes the SDK, workflow and activity lines as product JSON with ids and without secrets', () => {
    const logger = new ProductTemporalLogger();
    logger.info('Activity started', {
      sdkComponent: 'activity',
      activityType: 'deliverQueuedEvents',
      workflowId: 'webex-delivery:acct-7:10-21',
      workflowRunId: 'run-123',
      taskToken: SECRETS.taskToken,
      attempt: 1,
    });
    logger.warn('Activity failed', {
      workflowId: 'webex-integration:acct-7',
      runId: 'run-9',
      error: ApplicationFailure.create({
        type: 'Webex.unauthorized',
        message: `401 for ${PERSONAL.Email}`,
        details: [{ accessToken: SECRETS.accessToken }],
      }),
    });
    logger.debug('delivered', {
      accountId: 'acct-7',
      eventId: 'evt-3',
      grant: { refresh_token: SECRETS.refreshToken },
    });
    expect(leaks(capture.lines)).toEqual([]);
    const [started, failed, delivered] = parsed();
    expect(started).toMatchObject({
      level: 'info',
      component: 'worker',
      msg: 'Activity started',
      workflowId: 'webex-delivery:acct-7:10-21',
      runId: 'run-123',
      accountId: 'acct-7',
    });
    expect(started).not.toHaveProperty('taskToken');
    expect(failed).toMatchObject({
      level: 'warn',
      accountId: 'acct-7',
      runId: 'run-9',
      error: { type: 'ApplicationFailure', failureType: 'Webex.unauthorized', message: '401 for [email]' },
    });
    expect(delivered).toMatchObject({ level: 'debug', accountId: 'acct-7', eventId: 'evt-3' });
  });

  it('maps the SDK context to accountId, workflowId and runId', () => {
    expect(temporalLogContext({ workflowId: 'webex-integration:acct-2', workflowRunId: 'r1' })).toEqual({
      workflowId: 'webex-integration:acct-2',
      runId: 'r1',
      accountId: 'acct-2',
    });
    expect(temporalLogContext({ workflowId: 'bill-engagement-1' })).toEqual({
      workflowId: 'bill-engagement-1',
    });
  });
});

describe('levels and formats', () => {
  it('LOG_LEVEL filters; the pretty format is one readable line with the same redaction', () => {
    capture.stop();
    configureLogging({ level: 'warn', format: 'json' });
    capture = captureLogs('warn');
    productLogger().info('hidden');
    productLogger().warn({ accountId: 'a', email: PERSONAL.Email }, 'shown');
    expect(capture.lines).toHaveLength(1);
    const pretty = prettyLine(capture.lines[0]!);
    expect(pretty).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}shown accountId=a email=\[redacted\]$/);
  });
});
