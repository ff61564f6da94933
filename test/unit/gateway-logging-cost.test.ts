/**
 * Issue 10 (ingest): the gateway's per-request costs that profiling found, made cheap without
 * changing what is written: request loggers bind lazily, security headers are worked out once.
 */
import { captureLogs, configureLogging, lazyChild, productLogger } from '../../logging';
import { securityHeaders } from '../../gateway/security-headers';

describe('lazyChild', () => {
  let capture: ReturnType<typeof captureLogs>;
  afterEach(() => capture.stop());

  it('writes every binding of the chain, once each, on the first line at an enabled level', () => {
    configureLogging({ level: 'silent', format: 'json' });
    capture = captureLogs('info');
    const parent = productLogger('gateway');
    const child = lazyChild(parent, { reqId: 'req-1' })
      .child({ accountId: 'acct-1' })
      .child({ eventId: 'e-1' });
    child.debug('below the level');
    expect(capture.lines).toEqual([]);
    child.info({ statusCode: 202 }, 'request');
    expect(capture.lines).toHaveLength(1);
    const line = JSON.parse(capture.lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      component: 'gateway',
      reqId: 'req-1',
      accountId: 'acct-1',
      eventId: 'e-1',
      statusCode: 202,
      msg: 'request',
    });
    expect(capture.lines[0]!.match(/"accountId"/g)).toHaveLength(1);
  });

  it('builds no pino child while nothing is written', () => {
    configureLogging({ level: 'silent', format: 'json' });
    capture = captureLogs('debug');
    const parent = productLogger('gateway');
    const spy = jest.spyOn(parent, 'child');
    const child = lazyChild(parent, { reqId: 'req-2' }).child({ accountId: 'acct-2' });
    // (Jest's run-wide log capture keeps debug on, so the level below everything here is trace.)
    child.trace('not written');
    expect(spy).not.toHaveBeenCalled();
    child.warn('written');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(JSON.parse(capture.lines[0]!)).toMatchObject({
      reqId: 'req-2',
      accountId: 'acct-2',
      msg: 'written',
    });
    expect(child.isLevelEnabled('trace')).toBe(false);
    expect(child.isLevelEnabled('error')).toBe(true);
  });
});

describe('securityHeaders', () => {
  it("are Helmet's headers for the options, computed without a request", () => {
    const headers = securityHeaders({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"] } },
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: false,
    });
    expect(headers['content-security-policy']).toBe("default-src 'none'");
    expect(headers['referrer-policy']).toBe('same-origin');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('refuses a directive that depends on the request (it could not be computed once)', () => {
    expect(() =>
      securityHeaders({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { defaultSrc: ["'none'"], scriptSrc: [(req) => `'nonce-${String(req.url)}'`] },
        },
      }),
    ).toThrow(/scriptSrc depends on the request/);
  });
});
