/**
 * The trust boundary of the payload codec (DESIGN.md §4.6, issue 11): `/decode` and `/encode` are
 * not on the gateway's port; the codec has its own listener (CODEC_HOST:CODEC_PORT, loopback by
 * default) that decrypts what the product encrypted into Temporal's history, answers CORS for the
 * Web UI's origins only, and with CODEC_AUTH_TOKEN requires that bearer token. Real servers on
 * loopback against the run's Temporal dev server; nothing is mocked.
 */
import { request } from 'node:http';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { buildCodecServer, startCodecServer } from '../../gateway/codec/server';
import { startGateway, type RunningGateway } from '../../gateway/start';
import { ConfigError, parseConfig, type AppConfig } from '../../config/env';
import { http, listen } from '../harness/http';
import { createTestDatabase } from '../harness/postgres';
import {
  closeTestConnections,
  createTestClient,
  testAddress,
  testCodec,
  testNamespace,
  uniqueTaskQueues,
} from '../harness/temporal';

jest.setTimeout(120_000);

const UI_ORIGIN = 'http://localhost:8233';
const CODEC_TOKEN = 'codec-token-0123456789abcdef-XYZ';
const taskQueues = uniqueTaskQueues('codec');

let base: Record<string, string>;
const config = (overrides: Record<string, string> = {}): AppConfig => parseConfig({ ...base, ...overrides });

const toWire = (payload: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});
const fromWire = (wire: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(wire.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(wire.data, 'base64'),
});

const closers: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  base = {
    TEMPORAL_ADDRESS: testAddress(),
    PAYLOAD_ENCRYPTION_KEY: process.env.TEST_PAYLOAD_KEY!,
    GATEWAY_PORT: '0',
    METRICS_PORT: '0',
    GATEWAY_API_KEYS: 'codec-test-gateway-key-0123456789abcdef',
    DATABASE_URL: await createTestDatabase(),
  };
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await closeTestConnections();
});

describe('the gateway started as in production (startGateway)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(config(), { taskQueues, host: '127.0.0.1', codecPort: 0 });
    closers.push(() => gateway.close());
  });

  it('serves no /decode or /encode on its own port', async () => {
    expect(new URL(gateway.codecUrl).port).not.toBe(String(gateway.port));
    for (const op of ['decode', 'encode']) {
      const res = await http(`${gateway.url}/${op}`, {
        json: { payloads: [] },
        headers: { origin: UI_ORIGIN },
      });
      expect({ op, status: res.status }).toEqual({ op, status: 404 });
    }
  });

  it('its codec listener decrypts a workflow input from Temporal history, with CORS for the Web UI', async () => {
    // The product's client (encrypting data converter) starts a workflow; no worker needs to run:
    // the input is in the history as the product's codec wrote it.
    const client = await createTestClient();
    const workflowId = `codec-listener-${Date.now().toString(36)}`;
    const input = { email: 'jane.doe@example.com', accessToken: 'webex-token-secret' };
    const handle = await client.workflow.start('codecListenerProbe', {
      taskQueue: taskQueues.webex,
      workflowId,
      args: [input],
    });
    closers.push(() => handle.terminate('test done'));
    const history = await client.workflowService.getWorkflowExecutionHistory({
      namespace: testNamespace,
      execution: { workflowId },
    });
    const stored = history.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!
      .payloads as Payload[];
    const wire = { payloads: stored.map(toWire) };
    expect(Buffer.from(stored[0]!.data!).toString('latin1')).not.toContain('jane.doe@example.com');

    const decoded = await http(`${gateway.codecUrl}/decode`, {
      json: wire,
      headers: { origin: UI_ORIGIN, 'x-namespace': testNamespace },
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(decoded.headers.get('cache-control')).toBe('no-store');
    const [plain] = (decoded.body as { payloads: { metadata: Record<string, string>; data: string }[] })
      .payloads;
    expect(defaultPayloadConverter.fromPayload(fromWire(plain!))).toEqual(input);

    // Another origin is refused (issue 23), and gets no CORS grant to read even that.
    const other = await http(`${gateway.codecUrl}/decode`, {
      json: wire,
      headers: { origin: 'http://evil.example' },
    });
    expect(other.status).toBe(403);
    expect(other.text).not.toContain('Jane');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // A page that re-pointed its own name at 127.0.0.1 (DNS rebinding) sends its own Host: refused.
    const rebound = await rawPost(`${gateway.codecUrl}/decode`, JSON.stringify(wire), {
      host: 'evil.example:3001',
    });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain('Jane');
    // Without Origin, for a loopback Host (curl on this machine): decoded.
    expect((await rawPost(`${gateway.codecUrl}/decode`, JSON.stringify(wire), {})).status).toBe(200);
  });

  it('answers the Web UI’s preflight, has no /encode, and rejects a malformed body', async () => {
    const preflight = await http(`${gateway.codecUrl}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-namespace');

    expect((await http(`${gateway.codecUrl}/encode`, { json: { payloads: [] } })).status).toBe(404);
    const bad = await http(`${gateway.codecUrl}/decode`, { json: { payloads: 'nope' } });
    expect(bad.status).toBe(400);
  });

  it('with CODEC_AUTH_TOKEN in the configuration, its codec listener requires that token', async () => {
    const guarded = await startGateway(config({ CODEC_AUTH_TOKEN: CODEC_TOKEN }), {
      taskQueues,
      host: '127.0.0.1',
      codecPort: 0,
    });
    closers.push(() => guarded.close());
    expect((await http(`${guarded.codecUrl}/decode`, { json: { payloads: [] } })).status).toBe(401);
    const ok = await http(`${guarded.codecUrl}/decode`, {
      json: { payloads: [] },
      headers: { authorization: `Bearer ${CODEC_TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ payloads: [] });
  });
});

describe('a codec server built with an auth token', () => {
  let url: string;
  let wire: { payloads: ReturnType<typeof toWire>[] };
  const input = { customer: 'Jane Doe' };

  beforeAll(async () => {
    const app: FastifyInstance = await buildCodecServer({
      codec: testCodec(),
      allowedOrigins: [UI_ORIGIN],
      authToken: CODEC_TOKEN,
    });
    closers.push(() => app.close());
    url = await listen(app);
    const encrypted = await testCodec().encode([defaultPayloadConverter.toPayload(input)]);
    wire = { payloads: encrypted.map(toWire) };
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer codec-token-0123456789abcdef-XYZ-wrong'],
    ['a prefix of the token', `Bearer ${CODEC_TOKEN.slice(0, -1)}`],
    ['the token under another scheme', `Basic ${CODEC_TOKEN}`],
    ['the token without a scheme', CODEC_TOKEN],
  ])('answers 401 with %s, naming no token, readable by the Web UI', async (_what, authorization) => {
    const res = await http(`${url}/decode`, {
      json: wire,
      headers: { origin: UI_ORIGIN, ...(authorization ? { authorization } : {}) },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.any(String) });
    expect(res.text).not.toContain(CODEC_TOKEN);
    expect(res.text).not.toContain('Jane');
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });

  it('decodes with the right token (any case of "Bearer"), and the preflight needs none', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const res = await http(`${url}/decode`, {
        json: wire,
        headers: { origin: UI_ORIGIN, authorization: `${scheme} ${CODEC_TOKEN}` },
      });
      expect(res.status).toBe(200);
      const [plain] = (res.body as { payloads: { metadata: Record<string, string>; data: string }[] })
        .payloads;
      expect(defaultPayloadConverter.fromPayload(fromWire(plain!))).toEqual(input);
    }
    const preflight = await http(`${url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
  });
});

describe('a codec reachable from other machines needs a token', () => {
  it('parseConfig refuses CODEC_HOST=0.0.0.0 without CODEC_AUTH_TOKEN, naming it', () => {
    expect(() => parseConfig({ CODEC_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => parseConfig({ CODEC_HOST: '0.0.0.0' })).toThrow(/CODEC_AUTH_TOKEN/);
    expect(parseConfig({ CODEC_HOST: '0.0.0.0', CODEC_AUTH_TOKEN: CODEC_TOKEN }).CODEC_HOST).toBe('0.0.0.0');
    expect(parseConfig({ CODEC_HOST: '127.0.0.1' }).CODEC_AUTH_TOKEN).toBeUndefined();
  });

  it('startCodecServer refuses a non-loopback host without a token, before listening', async () => {
    await expect(
      startCodecServer({ codec: testCodec(), allowedOrigins: [], host: '0.0.0.0', port: 0 }),
    ).rejects.toThrow(/CODEC_AUTH_TOKEN/);
  });
});

/** A POST with headers fetch would not let us set (Host). */
function rawPost(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path: pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
