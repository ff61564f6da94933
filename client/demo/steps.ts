/** What the demo does once everything runs: the steps a newcomer watches. */
import { ENGAGEMENT_REASONS, type DigestOutcome } from '../../domain/engagement';
import { ENGAGEMENT_ROOM_TITLE } from '../../domain/integration/constants';
import type { StatusResult } from '../../gateway/integration/service';
import { SEED_AS_OF } from '../../simulators/bill';
import { DEFAULT_TASK_QUEUES } from '../../temporal/task-queues';
import { runEngagement } from '../engagement';
import { integrationWorkflowId } from '../../workflows/webex/definitions';
import { driveBillsbyChanges, storeBillsbyCredentials, type BillsbyChange } from './billsby-steps';
import { DEMO_ACCOUNT, heading, printMessages, status, totals, type Print } from './common';
import { loadDemoEvents, type DemoEvent } from './events';
import { pollUntil, request } from './http';
import { connectThroughBrowser, ScriptBrowser } from './script-browser';
import { mintUiLink } from '../../gateway/browser-sessions';
import type { DemoStack } from './stack';

export { DEMO_ACCOUNT } from './common';
const account = DEMO_ACCOUNT;

/**
 * Connect (API key) → the gateway's start link, which binds the attempt to this "browser" →
 * Webex authorize (the simulated user approves) → our callback → the control page.
 */
async function connect(
  base: string,
  apiKey: string,
  print: Print,
): Promise<{ secret: string; status: StatusResult }> {
  const browser = new ScriptBrowser();
  // replace: a second demo run on the same data reconnects the integration the first one made.
  const flow = await connectThroughBrowser({
    gatewayUrl: base,
    apiKey,
    accountId: account,
    browser,
    replace: true,
  });
  const { webhookSecret } = flow.connect.body as { webhookSecret: string };
  print(`  POST /api/accounts/${account}/webex/connect (API key) → ${flow.connect.status}, a start link`);
  print(`  GET  ${flow.startUrl.split('?')[0]} → 302, this browser is bound to the attempt; on to Webex`);
  print(`  GET  ${flow.webexAuthorizeUrl.split('?')[0]} → 302, the user approves; redirect to our callback`);
  print(`  GET  ${flow.callbackUrl.split('?')[0]} → ${flow.callback.status} → ${flow.landing ?? ''}`);
  if (flow.callback.status !== 302 || !flow.landing?.includes('outcome=connected')) {
    throw new Error(
      `the OAuth callback did not end connected: ${flow.callback.status} ${flow.landing} ${flow.callback.text}`,
    );
  }
  const current = await status(base, apiKey);
  if (current.status !== 'connected' || !current.room) {
    throw new Error(`integration is ${current.status}, not connected: ${current.lastError ?? ''}`);
  }
  print(
    `  connected as ${current.connectedAs?.displayName ?? '?'}; room "${current.room.title}" (${current.room.id})`,
  );
  return { secret: webhookSecret, status: current };
}

async function sendEvents(base: string, secret: string, events: DemoEvent[], print: Print) {
  for (const event of events) {
    const res = await request(`${base}/webhooks/billsby/${account}`, {
      json: event.body,
      headers: { secret },
    });
    if (res.status !== 202) throw new Error(`webhook for ${event.type} answered ${res.status}: ${res.text}`);
    print(
      `  ${event.type.padEnd(20)} Id ${event.id} → ${res.status} ${(res.body as { status: string }).status}`,
    );
  }
}

async function waitForDelivery(
  base: string,
  apiKey: string,
  before: StatusResult,
  count: number,
  print: Print,
) {
  const settled = (s: StatusResult) => s.counts.delivered + s.counts.failed;
  const target = settled(before) + count;
  const after = await pollUntil(
    `delivery of ${count} events`,
    () => status(base, apiKey),
    (s) => settled(s) >= target && s.counts.pending === 0,
    120_000,
  );
  if (after.counts.failed > before.counts.failed) {
    const reasons = after.recentFailures.map((f) => `${f.eventType} ${f.eventId}: ${f.reason}`).join('; ');
    throw new Error(`Webex rejected ${after.counts.failed - before.counts.failed} event(s): ${reasons}`);
  }
  print(`  delivered ${after.counts.delivered - before.counts.delivered} of ${count} (${totals(after)})`);
  return after;
}

export interface DemoResult {
  /** Billsby's own webhooks for the changes made in the Billsby simulator (steps 3 and 4). */
  billsby: BillsbyChange[];
  /** The rich-contract samples (step 5). */
  events: DemoEvent[];
  engagementWorkflowId: string;
}

export async function runDemoSteps(stack: DemoStack, print: Print): Promise<DemoResult> {
  const base = stack.publicUrl!;
  heading(
    print,
    1,
    `Connect account "${account}" to Webex (OAuth redirect flow against the Webex simulator)`,
  );
  const apiKey = stack.security!.callerKey;
  const connected = await connect(base, apiKey, print);
  const roomId = connected.status.room!.id;

  heading(print, 2, `Store the account's Billsby API credentials (checked against the Billsby simulator)`);
  await storeBillsbyCredentials(stack.billsby!, base, apiKey, print);

  heading(print, 3, "Make changes in Billsby: Billsby's own webhooks go to the gateway, one per change");
  const roomBefore = stack.webex!.control.messages(roomId).length;
  const billsby = await driveBillsbyChanges(
    stack.billsby!,
    {
      base,
      apiKey,
      secret: connected.secret,
      webhookUrl: connected.status.webhookUrl,
      before: await status(base, apiKey),
    },
    print,
  );

  heading(print, 4, "Their messages in the room: the webhooks' values, the rest filled from Billsby's API");
  const posted = billsby.filter((c) => c.answer === 'accepted').length;
  const shownBillsby = printMessages(stack, roomId, roomBefore, print);
  if (shownBillsby < posted) throw new Error(`expected at least ${posted} messages, found ${shownBillsby}`);

  heading(print, 5, 'The rich contract: one sample of each type (samples/events/), posted as sent');
  const events = loadDemoEvents(Date.now().toString(36));
  print(`  POST ${base}/webhooks/billsby/${account} (header "secret"), samples from samples/events/`);
  const before = await status(base, apiKey);
  const samplesFrom = stack.webex!.control.messages(roomId).length;
  await sendEvents(base, connected.secret, events, print);
  await waitForDelivery(base, apiKey, before, events.length, print);
  const shown = printMessages(stack, roomId, samplesFrom, print);
  if (shown < events.length) throw new Error(`expected at least ${events.length} messages, found ${shown}`);

  heading(print, 6, `BILL customer engagement over the simulator's seeded data (as of ${SEED_AS_OF})`);
  const out = { write: (text: string) => process.stdout.write(text), isTTY: process.stdout.isTTY };
  const run = await runEngagement({
    client: stack.client!,
    out,
    taskQueue: DEFAULT_TASK_QUEUES.bill,
    // Simulated contacts: shown, as the README promises. The digest goes to the demo account's Webex.
    options: { asOf: SEED_AS_OF, showEmails: true, postTo: account },
    // A report too large for the workflow's result is read from the demo's event log.
    documents: async () => stack.eventLog!,
    accountConnected: (accountId) => stack.eventLog!.isAccountActive(accountId),
  });
  const totalsByReason = ENGAGEMENT_REASONS.map((r) => `${r} ${run.report.totals[r]}`).join(', ');
  print(`\n  Engagement summary: ${run.report.organizations.length} organizations — ${totalsByReason}`);

  heading(print, 7, `The run's digest, posted through the account's Webex integration`);
  await printDigest(stack, connected.status.connectedAs!.id, run.digest, print);
  return { billsby, events, engagementWorkflowId: run.workflowId };
}

/** Waits until the digest is delivered and prints it from the user's own "BILL Engagement" space. */
async function printDigest(
  stack: DemoStack,
  personId: string,
  digest: DigestOutcome | undefined,
  print: Print,
): Promise<void> {
  if (digest?.status !== 'queued') throw new Error(`the digest was not queued: ${JSON.stringify(digest)}`);
  const record = await pollUntil(
    'delivery of the digest',
    () => stack.eventLog!.get(account, digest.eventId),
    (r) => r?.state === 'delivered',
    30_000,
  );
  const webex = stack.webex!.control;
  const room = webex
    .rooms()
    .find((r) => r.title === ENGAGEMENT_ROOM_TITLE && r.creatorId === personId && !r.deleted);
  if (!room) throw new Error('no BILL Engagement space of the connected user');
  const ids = new Set(record!.messageIds);
  const all = webex.messages(room.id);
  printMessages(
    stack,
    room.id,
    all.findIndex((m) => ids.has(m.id)),
    print,
  );
}

export function printUrls(stack: DemoStack, result: DemoResult, print: Print) {
  const ns = stack.config!.TEMPORAL_NAMESPACE;
  const ui = stack.uiUrl!;
  const list = (query: string) => `${ui}/namespaces/${ns}/workflows?query=${encodeURIComponent(query)}`;
  const integration = integrationWorkflowId(account);
  const lookup = (id: string) => `GET ${stack.publicUrl}/api/accounts/${account}/webex/events/${id}`;
  heading(print, 8, 'Where to look');
  print(`  Temporal Web UI:   ${ui}/namespaces/${ns}/workflows`);
  print(`    everything of account "${account}" (search attribute BillsbyAccountId="${account}"):`);
  print(`      ${list(`BillsbyAccountId="${account}"`)}`);
  print(`    integration workflow: ${integration}`);
  print(`      ${list(`WorkflowId="${integration}"`)}`);
  print(`    batch deliveries:     its activities "Post events #<first>–#<last> (<types>) to Billsby Data"`);
  const paid = result.billsby.find((c) => c.type === 'InvoiceUpdated');
  const ignored = result.billsby.find((c) => c.answer === 'ignored');
  const sample = result.events.at(-1);
  print(`    one event's delivery (deliveredBy {workflowId, runId} names the run that posted it), e.g.`);
  if (paid) print(`      ${lookup(paid.id)}  (Billsby's ${paid.type} Paid)`);
  if (ignored) print(`      ${lookup(ignored.id)}  (Billsby's ${ignored.type}: ignored, with its reason)`);
  if (sample) print(`      ${lookup(sample.id)}  (the ${sample.sample} sample)`);
  print(
    `    every event of the account, newest first: GET ${stack.publicUrl}/api/accounts/${account}/webex/events`,
  );
  print(`    engagement run:       ${result.engagementWorkflowId}`);
  print(`      ${list(`WorkflowId="${result.engagementWorkflowId}"`)}`);
  print(`    payloads are encrypted; the Web UI shows them decrypted through the codec endpoint`);
  print(`    ${stack.codecUrl}/decode (its own port on 127.0.0.1, not the gateway's)`);
  const link = mintUiLink(stack.security!, stack.publicUrl!, account);
  print(`  Control page:      ${link.url}`);
  print(
    `    (a sign-in link: works once, until ${link.expiresAt}; later: npm run cli -- ui-link ${account})`,
  );
  print(`  Gateway healthz:   ${stack.publicUrl}/healthz`);
}
