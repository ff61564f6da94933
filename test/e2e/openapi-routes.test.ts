import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { GATEWAY_ROUTES, openApiDocument, openApiText } from '../../gateway/api-description';
import { buildGateway, registeredRoutes } from '../../gateway/server';
import { createIntegrationService } from '../../gateway/start';
import { gatewaySecurity } from '../../gateway/security';
import { parseConfig } from '../../config/env';
import { openTestEventLog, TEST_API_KEY, TEST_SESSION_KEY } from '../harness/webex-app';
import { testCodec, testDataConverter, testKeys, uniqueTaskQueues } from '../harness/temporal';

/**
 * docs/openapi.json is generated from gateway/api-description.ts (`npm run openapi`). These
 * tests tie the three together: a route renamed, added or removed in the gateway, or a request
 * schema changed without regenerating, fails here.
 */
describe('docs/openapi.json describes the routes the gateway serves', () => {
  it('the committed file is exactly what `npm run openapi` writes', () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8');
    expect(committed).toBe(openApiText());
  });

  it('every route the gateway registers is described, and every description is a registered route', async () => {
    // No Temporal call is made: building the app only registers its routes.
    const client = new Client({
      connection: Connection.lazy({ address: '127.0.0.1:1' }),
      dataConverter: testDataConverter(),
    });
    const config = parseConfig({});
    const app = await buildGateway({
      client,
      config,
      security: gatewaySecurity(
        parseConfig({ GATEWAY_API_KEYS: TEST_API_KEY, GATEWAY_SESSION_KEY: TEST_SESSION_KEY }),
      ),
      codec: testCodec(),
      taskQueues: uniqueTaskQueues('openapi'),
      integrations: createIntegrationService(
        client,
        config,
        uniqueTaskQueues('openapi'),
        testKeys(),
        await openTestEventLog(),
      ),
      webUiOrigins: ['http://localhost:8233'],
    });
    try {
      await app.ready();
      const described = GATEWAY_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
      expect(registeredRoutes(app)).toEqual(described);
    } finally {
      await app.close();
    }
  });

  it('request bodies are the handlers’ own schemas: a redeliver body’s fields and a webhook’s rich and public forms', () => {
    const doc = openApiDocument() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
      >;
    };
    const redeliver =
      doc.paths['/api/accounts/{accountId}/webex/redeliver'].post.requestBody!.content['application/json']
        .schema;
    expect(Object.keys(redeliver.properties as object).sort()).toEqual([
      'dryRun',
      'eventId',
      'force',
      'since',
      'state',
    ]);
    expect(redeliver.additionalProperties).toBe(false);
    const webhook = JSON.stringify(
      doc.paths['/webhooks/billsby/{accountId}'].post.requestBody!.content['application/json'].schema,
    );
    for (const type of ['CustomerCreated', 'PaymentSucceeded', 'InvoiceUpdated', 'SubscriptionUpdated'])
      expect(webhook).toContain(`"${type}"`);
    expect(webhook).toContain('"BillsbyPlanId"'); // the public form's ids
  });
});
