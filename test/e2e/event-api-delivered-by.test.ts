import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../../gateway/server';
import { createIntegrationService } from '../../gateway/start';
import { gatewaySecurity } from '../../gateway/security';
import { parseConfig } from '../../config/env';
import { openEventLog } from '../../eventlog/open';
import type { EventLog } from '../../eventlog/types';
import { customerCreated } from '../eventlog/engines';
import { http, listen } from '../harness/http';
import {
  closeTestConnections,
  createTestClient,
  testCodec,
  testKeys,
  uniqueTaskQueues,
} from '../harness/temporal';

/**
 * `GET /api/accounts/:accountId/webex/events/:eventId` and the list route answer `deliveredBy`
 * (DESIGN.md §4.2): the run that delivered (or failed) the event, null while it is not known.
 */

const API_KEY = 'event-api-test-key-0123456789abcdef';
const AUTH = { authorization: `Bearer ${API_KEY}` };
const RUN = { workflowId: 'webex-integration:acct', runId: '5d2b2c4e-0000-4000-8000-000000000001' };

let app: FastifyInstance;
let base: string;
let log: EventLog;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'event-api-'));
  log = await openEventLog({ sqlitePath: path.join(dir, 'event-log.sqlite'), keys: testKeys() });
  const client = await createTestClient();
  const config = parseConfig({ GATEWAY_API_KEYS: API_KEY, GATEWAY_SESSION_KEY: 's'.repeat(40) });
  app = await buildGateway({
    client,
    config,
    security: gatewaySecurity(config),
    codec: testCodec(),
    taskQueues: uniqueTaskQueues('events-api'),
    integrations: createIntegrationService(client, config, uniqueTaskQueues('events-api'), testKeys(), log),
    webUiOrigins: [],
  });
  base = await listen(app);
});

afterAll(async () => {
  await app.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  await closeTestConnections();
});

test('an event answers the run that delivered it, and null while queued', async () => {
  const accountId = `acct-${randomUUID().slice(0, 8)}`;
  await log.activateAccount(accountId);
  await log.append(
    ['delivered-1', 'queued-2'].map((id) => ({ accountId, event: customerCreated(id) })),
    { maxUndelivered: 10 },
  );
  await log.markDelivered(accountId, 1, ['m-1'], '2026-03-01T10:00:00.000Z', RUN);

  const one = await http(`${base}/api/accounts/${accountId}/webex/events/delivered-1`, { headers: AUTH });
  expect(one.status).toBe(200);
  expect(one.body).toMatchObject({
    eventId: 'delivered-1',
    state: 'delivered',
    deliveredAt: '2026-03-01T10:00:00.000Z',
    messageIds: ['m-1'],
    deliveredBy: RUN,
  });

  const queued = await http(`${base}/api/accounts/${accountId}/webex/events/queued-2`, { headers: AUTH });
  expect(queued.body).toMatchObject({ state: 'queued', deliveredBy: null });

  const list = await http(`${base}/api/accounts/${accountId}/webex/events?limit=10`, { headers: AUTH });
  expect(list.status).toBe(200);
  expect((list.body as { events: { eventId: string; deliveredBy: unknown }[] }).events).toEqual([
    expect.objectContaining({ eventId: 'queued-2', deliveredBy: null }),
    expect.objectContaining({ eventId: 'delivered-1', deliveredBy: RUN }),
  ]);
});
