/**
 * The worker, the gateway and the CLI's client reach a TLS-only Temporal frontend with client
 * certificates (mTLS), from TEMPORAL_TLS_* given as file paths; wrong settings fail at start-up
 * naming the variable. The frontend is the run's dev server behind a TLS proxy that requires a
 * client certificate signed by a CA the test makes.
 */
import { startGateway, type RunningGateway } from '../../gateway/start';
import { parseConfig, type AppConfig } from '../../config/env';
import { connectClient } from '../../temporal/connection';
import { createDataConverter } from '../../temporal/data-converter';
import { temporalSecurity } from '../../temporal/security';
import { startWorkers, type RunningWorkers } from '../../workers/start';
import { diagnosticEcho } from '../../workflows';
import { http } from '../harness/http';
import { createTestDatabase } from '../harness/postgres';
import { testAddress, testKeys, uniqueTaskQueues } from '../harness/temporal';
import { makeTestPki, startTlsProxy, type TestPki } from '../harness/tls';

jest.setTimeout(180_000);

let pki: TestPki;
let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
let base: Record<string, string>;
const taskQueues = uniqueTaskQueues('tls');

beforeAll(async () => {
  pki = makeTestPki();
  proxy = await startTlsProxy(pki, testAddress());
  base = {
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_CA: pki.ca,
    TEMPORAL_TLS_CERT: pki.clientCert,
    TEMPORAL_TLS_KEY: pki.clientKey,
    TEMPORAL_TLS_SERVER_NAME: pki.serverName,
    PAYLOAD_ENCRYPTION_KEY: process.env.TEST_PAYLOAD_KEY!,
    GATEWAY_PORT: '0',
    CODEC_PORT: '0',
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    TEMPORAL_METRICS_PORT: '0',
    DATABASE_URL: await createTestDatabase(),
  };
});
afterAll(async () => {
  await proxy?.close();
});

const config = (overrides: Record<string, string | undefined> = {}): AppConfig =>
  parseConfig({ ...base, ...overrides });

it('worker, gateway and client work over mTLS', async () => {
  let workers: RunningWorkers | undefined;
  let gateway: RunningGateway | undefined;
  try {
    workers = await startWorkers(config(), { taskQueues });
    gateway = await startGateway(config(), { taskQueues, host: '127.0.0.1' });
    expect((await http(`${gateway.url}/healthz`)).body).toEqual({ status: 'ok' });
    const client = await connectClient({
      address: proxy.address,
      namespace: 'default',
      dataConverter: createDataConverter(testKeys()),
      security: temporalSecurity(config()),
    });
    const answer = await client.workflow.execute(diagnosticEcho, {
      taskQueue: taskQueues.webex,
      workflowId: `tls-echo-${Date.now().toString(36)}`,
      args: ['over mTLS'],
    });
    expect(answer.message).toBe('over mTLS');
    await client.connection.close();
  } finally {
    await gateway?.close();
    await workers?.shutdown();
  }
});

it('a CA that did not sign the server certificate stops start-up, naming TEMPORAL_TLS_CA', async () => {
  await expect(startGateway(config({ TEMPORAL_TLS_CA: pki.otherCa }), { taskQueues })).rejects.toThrow(
    /TEMPORAL_TLS_CA/,
  );
  await expect(startWorkers(config({ TEMPORAL_TLS_CA: pki.otherCa }), { taskQueues })).rejects.toThrow(
    /TEMPORAL_TLS_CA/,
  );
});

it('without the client certificate the server refuses; unreadable or half settings are refused up front', async () => {
  const noClientCert = config({ TEMPORAL_TLS_CERT: undefined, TEMPORAL_TLS_KEY: undefined });
  await expect(
    connectClient({
      address: proxy.address,
      namespace: 'default',
      dataConverter: createDataConverter(testKeys()),
      security: temporalSecurity(noClientCert),
      waitMs: 3_000,
    }).then((client) => client.workflowService.getSystemInfo({})),
  ).rejects.toThrow();
  expect(() => temporalSecurity(config({ TEMPORAL_TLS_CA: '/nowhere/ca.pem' }))).toThrow(
    'TEMPORAL_TLS_CA: no such file',
  );
  expect(() => temporalSecurity(config({ TEMPORAL_TLS_KEY: undefined }))).toThrow(
    'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together',
  );
  expect(() => temporalSecurity(config({ TEMPORAL_TLS_CERT: pki.clientKey }))).toThrow(
    'TEMPORAL_TLS_CERT: expected a PEM certificate',
  );
  // PEM text works as well as a path, and an API key alone turns TLS on with the system's roots.
  expect(
    temporalSecurity(config({ TEMPORAL_TLS_CA: require('node:fs').readFileSync(pki.ca, 'utf8') })).tls,
  ).toMatchObject({
    serverNameOverride: pki.serverName,
  });
  expect(temporalSecurity(parseConfig({ TEMPORAL_API_KEY: 'key' }))).toEqual({ tls: true, apiKey: 'key' });
});
