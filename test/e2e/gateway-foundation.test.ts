import { defaultPayloadConverter } from '@temporalio/common';
import { Client, Connection } from '@temporalio/client';
import { buildGateway } from '../../client/gateway/server';
import { createIntegrationService } from '../../client/gateway/start';
import { parseConfig } from '../../config/env';
import { http, listen } from '../harness/http';
import { openTestEventLog } from '../harness/webex-app';
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

describe('gateway foundation: healthz and codec endpoint', () => {
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

  it('decodes what the codec encoded, with CORS for the Web UI origin only', async () => {
    const base = await gatewayWith(await createTestClient());
    const payload = defaultPayloadConverter.toPayload({ email: 'a@example.com' });
    const wire = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(payload.data!).toString('base64'),
        },
      ],
    };
    const encoded = await http(`${base}/encode`, {
      json: wire,
      headers: { origin: 'http://localhost:8233' },
    });
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(
      Buffer.from((encoded.body as { payloads: { data: string }[] }).payloads[0]!.data, 'base64').toString(
        'latin1',
      ),
    ).not.toContain('a@example.com');

    const decoded = await http(`${base}/decode`, {
      json: encoded.body,
      headers: { origin: 'http://evil.example' },
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBeNull();
    expect(decoded.body).toEqual(wire);

    const preflight = await http(`${base}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8233' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-namespace');

    const bad = await http(`${base}/decode`, { json: { payloads: 'nope' } });
    expect(bad.status).toBe(400);
  });
});
