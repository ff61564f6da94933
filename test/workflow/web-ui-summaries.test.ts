/**
 * Issue 15, a readable Web UI: workflows, their activities and their timers carry summaries
 * (Temporal user metadata) that say what they do, with ids and counts but no personal data. Read
 * here the way the Web UI reads them: from the workflow's description and its history, decoded
 * through the product's data converter (summaries are payloads, encrypted like any other). And a
 * history recorded before summaries existed replays on today's code: summaries are metadata on
 * the same commands (checked by replaying real histories with every summary stripped).
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { billPersonalValues, samplePersonalValues } from '../harness/log-scan';
import { closeTestConnections, testCodec, testDataConverter, testWorkflowBundle } from '../harness/temporal';
import {
  api,
  connectAsOwnUser,
  deliveredByOf,
  eventually,
  integrationStatus,
  sendEvent,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { organizationWorkflowId } from '../../workflows/bill/definitions';
import { SEED_AS_OF } from '../../simulators/bill';
import { startBillEnv } from './bill-harness';

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp();
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

const SAMPLES = ['customer-created', 'customer-updated', 'payment-succeeded'];
const sample = (name: string) =>
  JSON.parse(readFileSync(path.join(__dirname, '../../samples/events', `${name}.json`), 'utf8')) as object;

async function decode(payload: Payload | null | undefined): Promise<string | undefined> {
  if (!payload) return undefined;
  const [decoded] = await testCodec().decode([payload as Payload]);
  return defaultPayloadConverter.fromPayload<string>(decoded!);
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Every summary in a history, as `<event type>: <summary>`. */
async function summariesOf(events: HistoryEvent[]): Promise<string[]> {
  const out: string[] = [];
  for (const event of events) {
    const summary = await decode(event.userMetadata?.summary as Payload | undefined);
    if (summary !== undefined) out.push(`${String(event.eventType)}: ${summary}`);
  }
  return out;
}

const EVENT_TYPE = {
  ACTIVITY_SCHEDULED: 10,
  TIMER_STARTED: 17,
  CHILD_STARTED_INITIATED: 29,
} as const;

describe('Web UI summaries', () => {
  it('workflows, activities and timers say what they do, without personal data', async () => {
    const accountId = `acct-sum-${Date.now().toString(36)}`;
    await connectAsOwnUser(app, accountId);
    for (const name of SAMPLES) expect((await sendEvent(app, accountId, sample(name))).status).toBe(202);
    await eventually(
      () => integrationStatus(app, accountId).then((r) => r.body as { counts: { delivered: number } }),
      (s) => s.counts.delivered === SAMPLES.length,
    );
    // A 401: the integration refreshes the token, then delivers.
    app.sim.control.revokeAccessTokens();
    expect(
      (await sendEvent(app, accountId, { Id: 'sum-4', Type: 'CustomerCreated', CustomerUniqueId: 'C-4' }))
        .status,
    ).toBe(202);
    await eventually(
      () => integrationStatus(app, accountId).then((r) => r.body as { counts: { delivered: number } }),
      (s) => s.counts.delivered === SAMPLES.length + 1,
    );
    // Idle now: its only timer is the token refresh's.
    const integration = app.client.workflow.getHandle(integrationWorkflowId(accountId));
    const description = await integration.describe();
    await expect(description.staticSummary()).resolves.toBe(
      `Webex integration of Billsby account ${accountId}`,
    );
    // From an event's lookup to the run that posted it: the integration's current run.
    await expect(deliveredByOf(app, accountId, '3f9e2a71-5c4d-4b8e-9a06-1d2c3b4a5f60')).resolves.toEqual({
      workflowId: integration.workflowId,
      runId: description.runId,
    });

    // Uninstall, so the histories are complete for the replay below.
    await api(app, `/api/accounts/${accountId}/webex/uninstall`, { method: 'POST' });
    await integration.result();

    const integrationHistory = await integration.fetchHistory();
    const integrationSummaries = await summariesOf(integrationHistory.events ?? []);
    const scheduled = (text: string) => `${EVENT_TYPE.ACTIVITY_SCHEDULED}: ${text}`;
    expect(integrationSummaries).toEqual(
      expect.arrayContaining([
        scheduled('Exchange the authorization code for Webex tokens'),
        scheduled('Identify the connected Webex user (GET /people/me)'),
        scheduled('Find or create the "Billsby Data" space'),
        scheduled('Refresh the Webex token'),
        scheduled("Close the account's event log (what is still queued becomes dropped)"),
        expect.stringMatching(
          new RegExp(
            `^${EVENT_TYPE.TIMER_STARTED}: Wait .+, then refresh the Webex token \\(before it expires\\)$`,
          ),
        ),
        // Each batch's activity names its sequence range and its events' types.
        expect.stringMatching(
          new RegExp(
            `^${EVENT_TYPE.ACTIVITY_SCHEDULED}: Post events? #\\d+(–#\\d+)? \\(CustomerCreated[^)]*\\) to Billsby Data, in order$`,
          ),
        ),
      ]),
    );
    // The event's lookup gives its seq; one batch activity's summary names a range holding it.
    const { seq } = (
      await api(app, `/api/accounts/${accountId}/webex/events/3f9e2a71-5c4d-4b8e-9a06-1d2c3b4a5f60`)
    ).body as { seq: number };
    const ranges = integrationSummaries.flatMap((line) => {
      const m = /: Post events? #(\d+)(?:–#(\d+))? /.exec(line);
      return m ? [[Number(m[1]), Number(m[2] ?? m[1])] as const] : [];
    });
    expect(ranges.filter(([from, to]) => from <= seq && seq <= to)).toHaveLength(1);
    // No idle poll: nothing looks at the event log on a timer any more.
    expect(integrationSummaries.join('\n')).not.toContain('look at the event log');

    // Ids and counts only: no customer's detail, no token.
    const all = integrationSummaries.join('\n');
    for (const value of samplePersonalValues()) expect(all).not.toContain(value);
    expect(all).not.toMatch(/_SIM1_|@/);

    // Histories from before summaries existed (the same, every summary stripped) replay on today's code.
    for (const [workflowId, history] of [[integration.workflowId, integrationHistory]] as const) {
      const stripped = {
        ...history,
        events: (history.events ?? []).map((event) => ({ ...event, userMetadata: null })),
      };
      await expect(
        Worker.runReplayHistory(
          { workflowBundle: testWorkflowBundle(), dataConverter: testDataConverter() },
          stripped,
          workflowId,
        ),
      ).resolves.toBeUndefined();
    }
  });

  it('the engagement run: one line per organization and per BILL call, ids only', async () => {
    const env = await startBillEnv();
    try {
      const workflowId = env.newWorkflowId();
      await env.run({ asOf: SEED_AS_OF, maxOrgs: 2, pageSize: 5, concurrency: 2 }, workflowId);
      const parent = await summariesOf(
        (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [],
      );
      expect(parent).toEqual(
        expect.arrayContaining([
          `${EVENT_TYPE.ACTIVITY_SCHEDULED}: BILL partner login`,
          `${EVENT_TYPE.ACTIVITY_SCHEDULED}: List BILL organizations (page 1)`,
          expect.stringMatching(
            new RegExp(`^${EVENT_TYPE.CHILD_STARTED_INITIATED}: Classify organization 00801SEED\\d+$`),
          ),
          expect.stringMatching(
            /: Save report part 1 \(2 organizations\)$|: Assemble the report from \d+ parts/,
          ),
        ]),
      );
      const orgId = /Classify organization (\S+)$/.exec(
        parent.find((line) => line.includes('Classify'))!,
      )![1]!;
      const child = await summariesOf(
        (await env.client.workflow.getHandle(organizationWorkflowId(workflowId, orgId)).fetchHistory())
          .events ?? [],
      );
      expect(child).toEqual(
        expect.arrayContaining([
          `${EVENT_TYPE.ACTIVITY_SCHEDULED}: List the users of organization ${orgId}`,
          `${EVENT_TYPE.ACTIVITY_SCHEDULED}: Sign in as a user of organization ${orgId}`,
          `${EVENT_TYPE.ACTIVITY_SCHEDULED}: List the organization's bank accounts`,
        ]),
      );
      const all = [...parent, ...child].join('\n');
      for (const value of billPersonalValues()) expect(all).not.toContain(value.replace(/^"|"$/g, ''));
    } finally {
      await env.close();
    }
  });
});
