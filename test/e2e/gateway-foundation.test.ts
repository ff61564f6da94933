import { Client, Connection } from '@temporalio/client';
import { buildGateway } from '../../gateway/server';
import { createIntegrationService } from '../../gateway/start';
import { parseConfig } from '../../config/env';
import { http, listen } from '../harness/http';
import { openTestEventLog, TEST_API_KEY, TEST_SESSION_KEY } from '../harness/webex-app';
import { gatewaySecurity } from '../../gateway/security';
import {
  closeTestConnections,
  createTestClient,
  testCodec,
  testDataConverter,
  testKeys,
  uniqueTaskQueues,
} from '../harness/temporal';

afterAll(closeTestConnections);

const apps: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function gatewayWith(client: Client): Promise<string> {
  const app = await buildGateway({
    client,
    config: parseConfig({}),
    security: gatewaySecurity(
      parseConfig({ GATEWAY_API_KEYS: TEST_API_KEY, GATEWAY_SESSION_KEY: TEST_SESSION_KEY }),
    ),
    codec: testCodec(),
    taskQueues: uniqueTaskQueues('gw'),
    integrations: createIntegrationService(
      client,
      parseConfig({}),
      uniqueTaskQueues('gw'),
      testKeys(),
      await openTestEventLog(),
    ),
    webUiOrigins: ['http://localhost:8233'],
  });
  apps.push(app);
  return listen(app);
}

describe('gateway foundation: healthz, and no codec endpoint on the gateway port', () => {
  it('GET /healthz is 200 while Temporal answers', async () => {
    const base = await gatewayWith(await createTestClient());
    const res = await http(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /healthz is 503 when Temporal is unreachable', async () => {
    const connection = await Connection.connect({ address: '127.0.0.1:1', connectTimeout: 200 }).catch(
      () => undefined,
    );
    // Connection.connect is lazy in some versions; either way the check must fail.
    const client = new Client({
      connection: connection ?? Connection.lazy({ address: '127.0.0.1:1' }),
      dataConverter: testDataConverter(),
    });
    const base = await gatewayWith(client);
    const res = await http(`${base}/healthz`);
    expect(res.status).toBe(503);
  });

  it('does not serve the codec: /decode and /encode are 404 on the gateway port (gateway/codec/server.ts)', async () => {
    const base = await gatewayWith(await createTestClient());
    const wire = { payloads: [{ metadata: {}, data: '' }] };
    for (const op of ['decode', 'encode']) {
      const post = await http(`${base}/${op}`, { json: wire, headers: { origin: 'http://localhost:8233' } });
      expect({ op, status: post.status }).toEqual({ op, status: 404 });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await http(`${base}/${op}`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST' },
      });
      expect({ op, status: preflight.status }).toEqual({ op, status: 404 });
    }
  });
});
