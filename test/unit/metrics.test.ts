/** The metrics' pure parts: answer classes and codes, call observation, the status's alerts, the listener. */
import { BillApiError } from '../../connectors/bill';
import { WebexApiError } from '../../connectors/webex';
import { describeCallError, observeClient, type ObservedCall } from '../../activities/observe-calls';
import { integrationAlerts, undeliveredAgeSeconds } from '../../gateway/integration/alerts';
import { METRIC } from '../../metrics/names';
import { startMetricsServer } from '../../metrics/server';
import { billAnswerCode, webexAnswerClass, WorkerMetrics } from '../../metrics/worker-metrics';
import { http } from '../harness/http';
import { parsePrometheus, valueOf } from '../harness/prometheus';

const webexError = (kind: WebexApiError['kind'], status?: number, retryAfterMs?: number) =>
  new WebexApiError({
    kind,
    message: 'x',
    retryable: true,
    mayHaveBeenApplied: false,
    ...(status !== undefined ? { status } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

describe('Webex answer classes', () => {
  it.each([
    [{ operation: 'postMessage', outcome: 'ok' }, '2xx'],
    [describeCallError('postMessage', webexError('unauthorized', 401)), '401'],
    [describeCallError('postMessage', webexError('not_found', 404)), '404'],
    [describeCallError('postMessage', webexError('rate_limited', 429, 5_000)), '429'],
    [describeCallError('postMessage', webexError('rate_limited', 423, 5_000)), '4xx'],
    [describeCallError('postMessage', webexError('bad_request', 400)), '4xx'],
    [describeCallError('postMessage', webexError('server', 503)), '5xx'],
    [describeCallError('postMessage', webexError('timeout')), 'timeout'],
    [describeCallError('postMessage', webexError('network')), 'network'],
    [describeCallError('postMessage', webexError('invalid_response', 200)), '2xx'],
    [describeCallError('postMessage', new Error('unexpected')), 'other'],
  ] as [ObservedCall, string][])('%j → %s', (call, expected) => {
    expect(webexAnswerClass(call)).toBe(expected);
  });

  it('takes Retry-After (as the connector honours it) from a 429, never from a 400', () => {
    expect(describeCallError('postMessage', webexError('rate_limited', 429, 2_500)).retryAfterSeconds).toBe(
      2.5,
    );
    expect(
      describeCallError('postMessage', webexError('bad_request', 400, 2_500)).retryAfterSeconds,
    ).toBeUndefined();
  });
});

describe('BILL answer codes', () => {
  const billError = (code: string | undefined, status: number | undefined, kind = 'bad_request') =>
    new BillApiError({ kind, operation: 'listUsers', retryable: false, message: 'x', code, status } as never);
  it.each([
    [{ operation: 'listUsers', outcome: 'ok' } as ObservedCall, 'OK'],
    [describeCallError('listUsers', billError('BDC_1109', 401, 'session_expired')), 'BDC_1109'],
    [describeCallError('listUsers', billError(undefined, 502, 'server')), 'HTTP_502'],
    // A remote cannot invent label values: anything but BILL's code shape becomes HTTP_<status>.
    [describeCallError('listUsers', billError('<script>', 400)), 'HTTP_400'],
    [describeCallError('listUsers', billError(undefined, undefined, 'timeout')), 'timeout'],
  ])('%j → %s', (call, expected) => {
    expect(billAnswerCode(call)).toBe(expected);
  });
});

describe('observeClient', () => {
  it('reports each method call once, passes results and errors through, and survives an observer that throws', async () => {
    const calls: ObservedCall[] = [];
    const client = {
      async ok(n: number) {
        return n * 2;
      },
      async fails() {
        throw webexError('rate_limited', 429, 1_000);
      },
    };
    const observed = observeClient(client, (call) => {
      calls.push(call);
      throw new Error('metrics broke');
    });
    await expect(observed.ok(21)).resolves.toBe(42);
    await expect(observed.fails()).rejects.toBeInstanceOf(WebexApiError);
    expect(calls).toEqual([
      { operation: 'ok', outcome: 'ok' },
      { operation: 'fails', outcome: 'error', status: 429, retryAfterSeconds: 1 },
    ]);
    expect(observeClient(client, undefined)).toBe(client);
  });
});

describe('the status API’s alerts', () => {
  it('name a needed reauthorization, and undelivered events past the threshold', () => {
    expect(integrationAlerts('connected', null, 900)).toEqual([]);
    expect(integrationAlerts('connected', 900, 900)).toEqual([]);
    expect(integrationAlerts('connected', 901, 900).map((a) => a.code)).toEqual([
      'undelivered_events_waiting',
    ]);
    expect(integrationAlerts('reauthorization_required', 5, 900).map((a) => a.code)).toEqual([
      'reauthorization_required',
    ]);
    expect(undeliveredAgeSeconds(null)).toBeNull();
    expect(undeliveredAgeSeconds('2026-01-01T00:00:00.000Z', Date.parse('2026-01-01T00:01:30.900Z'))).toBe(
      90,
    );
    expect(undeliveredAgeSeconds('2026-01-01T00:00:10.000Z', Date.parse('2026-01-01T00:00:00.000Z'))).toBe(0);
  });
});

describe('the metrics listener', () => {
  it('serves GET and HEAD /metrics in the text format and nothing else; a busy port names its variable', async () => {
    const metrics = new WorkerMetrics();
    metrics.webexActivity.eventsDropped!(3);
    const server = await startMetricsServer({
      registry: metrics.registry,
      host: '127.0.0.1',
      port: 0,
      what: 'worker metrics',
      variable: 'WORKER_METRICS_PORT',
    });
    try {
      const res = await http(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(valueOf(parsePrometheus(res.text), METRIC.events, { outcome: 'dropped' })).toBe(3);
      expect((await http(`${server.url}/metrics`, { method: 'HEAD' })).status).toBe(200);
      expect((await http(`${server.url}/metrics`, { method: 'POST', body: 'x' })).status).toBe(404);
      expect((await http(`${server.url}/decode`)).status).toBe(404);
      await expect(
        startMetricsServer({
          registry: metrics.registry,
          host: '127.0.0.1',
          port: server.port,
          what: 'worker metrics',
          variable: 'WORKER_METRICS_PORT',
        }),
      ).rejects.toThrow(/WORKER_METRICS_PORT/);
    } finally {
      await server.close();
    }
  });
});
