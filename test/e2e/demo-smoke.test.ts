/**
 * `npm run demo -- --exit` as a newcomer runs it (issue 7): a real child process on embedded
 * defaults — its own Temporal dev server with the Web UI, simulators, worker and gateway — on
 * free ports and a fresh data folder. Checks the path a real Billsby account takes (issue 21:
 * credentials stored through the API and never printed, Billsby's own webhooks for changes made in
 * the Billsby simulator, the ignored ones reported, messages filled from Billsby's API), the rich
 * samples against the golden texts, the engagement summary against the seed's hand-written
 * reasons, the URLs, the Web UI while it runs, a second run on the same data, and the clear
 * failure on a busy port.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENGAGEMENT_REASONS } from '../../domain/engagement';
import { SEED_AS_OF, SEED_EXPECTED_REASONS } from '../../simulators/bill';
import { billsbySeed } from '../../simulators/billsby';
import { GOLDEN_MESSAGES, SAMPLE_EVENT_NAMES } from '../fixtures/golden-messages';
import { freePort } from '../harness/free-port';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const HOLD_MS = 20_000;

/** The environment of a fresh clone: nothing configured that would move the demo off its defaults. */
function demoEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'PAYLOAD_ENCRYPTION_KEY',
    'GATEWAY_PORT',
    'CODEC_PORT',
  ]) {
    delete env[name];
  }
  delete env.PIPELINE_DATA_DIR;
  return env;
}

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the demo; `whileHeld` runs once the demo says it holds (after printing everything). */
function runDemo(args: string[], whileHeld?: () => Promise<void>): Promise<DemoRun & { held?: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['client/demo/main.ts', ...args], { cwd: ROOT, env: demoEnv() });
    let stdout = '';
    let stderr = '';
    let heldCheck: Promise<unknown> | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (whileHeld && !heldCheck && stdout.includes('Holding for')) {
        heldCheck = whileHeld().then(
          () => undefined,
          (err: unknown) => err,
        );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      void (heldCheck ?? Promise.resolve('the demo never reached its hold')).then((held) =>
        resolve({ code, stdout, stderr, held }),
      );
    });
  });
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** The Billsby simulator's API key: the demo stores it through the API and must never print it. */
const BILLSBY_API_KEY = billsbySeed().apiKey;

/** The messages of the demo's Billsby step: lines a thin webhook lacks, filled from Billsby's API. */
function billsbyMessages(stdout: string): string[] {
  const step = stdout.slice(stdout.indexOf('=== 4. '), stdout.indexOf('=== 5. '));
  return [...step.matchAll(/----- message \d+ of \d+ -----\n([\s\S]*?)\n----- end of message/g)].map(
    (m) => m[1]!,
  );
}

const expectedCount = (reason: string) =>
  Object.values(SEED_EXPECTED_REASONS).filter((r) => r === reason).length;

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'demo-smoke-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run demo -- --exit', () => {
  let ports: { temporal: number; ui: number; gateway: number; codec: number };
  let flags: string[];

  beforeAll(async () => {
    const [temporal, ui, gateway, codec] = await distinctFreePorts(4);
    ports = { temporal: temporal!, ui: ui!, gateway: gateway!, codec: codec! };
    flags = [
      '--exit',
      '--temporal-port',
      String(ports.temporal),
      '--ui-port',
      String(ports.ui),
      '--port',
      String(ports.gateway),
      '--codec-port',
      String(ports.codec),
      '--data-dir',
      dataDir,
    ];
  });

  it("takes a real Billsby account's path, prints the golden samples, the engagement summary and the URLs; the Web UI is up while it runs", async () => {
    const uiSeen: {
      status?: number;
      codec?: string;
      cors?: string | null;
      gatewayDecode?: number;
      healthz?: number;
      pageStatus?: number;
    } = {};
    const run = await runDemo([...flags, '--hold-ms', String(HOLD_MS)], async () => {
      uiSeen.status = (await fetch(`http://127.0.0.1:${ports.ui}/`)).status;
      const settings = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)).json()) as {
        Codec?: { Endpoint?: string };
      };
      uiSeen.codec = settings.Codec?.Endpoint;
      // The browser's preflight from the Web UI's origin to the codec listener.
      const preflight = await fetch(`http://127.0.0.1:${ports.codec}/decode`, {
        method: 'OPTIONS',
        headers: { origin: `http://localhost:${ports.ui}`, 'access-control-request-method': 'POST' },
      });
      uiSeen.cors = preflight.headers.get('access-control-allow-origin');
      // The gateway's port does not decode.
      uiSeen.gatewayDecode = (
        await fetch(`http://127.0.0.1:${ports.gateway}/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ payloads: [] }),
        })
      ).status;
      uiSeen.healthz = (await fetch(`http://127.0.0.1:${ports.gateway}/healthz`)).status;
      // Without a ui-link session the control page shows nothing (401).
      uiSeen.pageStatus = (await fetch(`http://127.0.0.1:${ports.gateway}/ui/accounts/demo/webex`)).status;
    });
    if (run.code !== 0) console.error(run.stdout.slice(-4000), run.stderr);
    expect(run.code).toBe(0);
    expect(run.held).toBeUndefined();

    // The Web UI answered during the run, with the codec listener (not the gateway) as its codec endpoint.
    expect(uiSeen.status).toBe(200);
    expect(uiSeen.codec).toBe(`http://127.0.0.1:${ports.codec}`);
    expect(uiSeen.cors).toBe(`http://localhost:${ports.ui}`);
    expect(uiSeen.gatewayDecode).toBe(404);
    expect(uiSeen.healthz).toBe(200);
    expect(uiSeen.pageStatus).toBe(401);

    // Connected through the real OAuth redirect flow.
    expect(run.stdout).toMatch(
      /GET {2}\S+\/oauth\/webex\/callback → 302 → \S+\/ui\/accounts\/demo\/webex\?outcome=connected/,
    );

    // The Billsby simulator's credentials, stored through the API, checked, never printed.
    expect(run.stdout).toMatch(/Billsby simulator: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/rest/);
    expect(run.stdout).toContain('PUT /api/accounts/demo/billsby (API key)');
    expect(run.stdout).toContain('"apiKey": (from the Billsby simulator, not shown)');
    expect(run.stdout).toMatch(/→ 200 \{"companyDomain":"widgets","state":"ok","checkedAt":"[^"]+"\}/);
    expect(run.stdout).not.toContain(BILLSBY_API_KEY);
    expect(run.stderr).not.toContain(BILLSBY_API_KEY);

    // Billsby's own webhooks, one per change, with the gateway's answers.
    const answer = (type: string, status: string) =>
      new RegExp(`→ ${type} +Id [0-9a-f-]{36} → 202 ${status}\\b`);
    for (const type of ['CustomerCreated', 'SubscriptionCreated', 'SubscriptionUpdated', 'CustomerUpdated'])
      expect(run.stdout).toMatch(answer(type, 'accepted'));
    expect(run.stdout).toMatch(answer('InvoiceCreated', 'ignored'));
    expect(run.stdout).toMatch(answer('InvoiceUpdated', 'accepted'));
    expect(run.stdout).toMatch(answer('CustomerDeleted', 'ignored'));
    expect(run.stdout).toContain(
      '5 of 5 accepted webhooks posted, 2 of 2 ignored (account totals: received 5, delivered 5, failed 0, pending 0, ignored 2)',
    );

    // Their messages: what the thin webhooks lack (phone, address, names, cycle, tags, invoice
    // lines) comes from the Billsby simulator's data, as of each change.
    const [created, subCreated, subUpdated, updated, payment, ...more] = billsbyMessages(run.stdout);
    expect(more).toEqual([]);
    const customerId = /^CustomerUniqueId: ([0-9A-Z]{10})$/m.exec(created ?? '')?.[1];
    const subscriptionId = /^SubscriptionUniqueId: ([0-9A-Z]{10})$/m.exec(subCreated ?? '')?.[1];
    expect(created).toBe(
      [
        'Customer created',
        `CustomerUniqueId: ${customerId}`,
        'CustomerDetails_Email: grace.hopper@example.com',
        'CustomerDetails_FirstName: Grace',
        'CustomerDetails_LastName: Hopper',
        'CustomerDetails_PhoneNumber: 2079460018',
        'CustomerDetails_PhoneNumberDialCode: +44',
        'CustomerDetails_PhoneNumberCountry: GB',
        "CustomerDetails_BillingAddress_AddressLine1: 12 St James's Square",
        'CustomerDetails_BillingAddress_AddressLine2: ',
        'CustomerDetails_BillingAddress_City: London',
        'CustomerDetails_BillingAddress_Country: GBR',
        'CustomerDetails_BillingAddress_State: Greater London',
        'CustomerDetails_BillingAddress_Postcode: SW1Y 4JH',
      ].join('\n'),
    );
    expect(subCreated).toBe(
      [
        'Subscription created',
        `CustomerUniqueId: ${customerId}`,
        `SubscriptionUniqueId: ${subscriptionId}`,
        'BillsbyProduct: Gym Membership',
        'BillsbyPlan: Gold',
        'BillsbyCycle: Every 3 months',
      ].join('\n'),
    );
    expect(subUpdated).toContain('NextBillsbyPlanId: 25\nNextBillsbyCycleId: 36\n');
    expect(subUpdated).toMatch(/\nSubscriptionFeatureTags:\n1: gold\n2: water\n3: towel\n4: locker$/);
    // OldDetails: what the Customer created showed; NewDetails: Billsby's data after the move.
    expect(updated).toContain('OldDetails_PhoneNumber: 2079460018\n');
    expect(updated).toContain('OldDetails_BillingAddress_City: London\n');
    expect(updated).toContain('NewDetails_PhoneNumber: 1614960321\n');
    expect(updated).toContain('NewDetails_BillingAddress_City: Manchester\n');
    expect(payment).toMatch(/^Successful payment\n/);
    expect(payment).toContain(`\nAmountPaid: 38.67\nAmountPaidinUsd: \n`);
    expect(payment).toContain(`\nInvoiceCodeNumber: ${customerId}-1\n`);
    expect(payment).toContain('\nPlanName: Gold\nProductName: Gym Membership\n');
    expect(payment).toContain(`\nSubscriptionUniqueId: ${subscriptionId}`);

    // The rich samples' five messages, each exactly the golden text, delimited, in the order sent.
    SAMPLE_EVENT_NAMES.forEach((name, i) => {
      const n = i + 1;
      expect(run.stdout).toContain(
        `----- message ${n} of 5 -----\n${GOLDEN_MESSAGES[name]}\n----- end of message ${n} -----`,
      );
    });

    // The engagement summary agrees with the seed's hand-written reasons.
    expect(run.stdout).toMatch(/^Started bill-engagement-\S+$/m);
    expect(run.stdout).toMatch(/\b25\/25 organizations\b/);
    for (const reason of ENGAGEMENT_REASONS) {
      expect(run.stdout).toMatch(new RegExp(`^${reason}\\s+${expectedCount(reason)}\\s`, 'm'));
    }
    expect(run.stdout).toMatch(/^\(failed\)\s+0\s/m);
    expect(run.stdout).toMatch(/^total\s+25$/m);

    // The run's digest (DESIGN §4.5.1), as posted into the demo account's own BILL Engagement space.
    const digestStep = run.stdout.slice(run.stdout.indexOf('=== 7. '), run.stdout.indexOf('=== 8. '));
    expect(digestStep).toContain('room "BILL Engagement": the 1 messages of this step (1 in all)');
    expect(digestStep).toContain(
      [
        '----- message 1 of 1 -----',
        `BILL engagement as of ${SEED_AS_OF}`,
        ...ENGAGEMENT_REASONS.map((reason) => `${reason}: ${expectedCount(reason)}`),
        '----- end of message 1 -----',
      ].join('\n'),
    );

    // The URLs and the hints to find things in the Web UI.
    expect(run.stdout).toContain(`http://localhost:${ports.ui}/namespaces/default/workflows`);
    expect(run.stdout).toContain('BillsbyAccountId="demo"');
    expect(run.stdout).toContain('webex-integration:demo');
    // Events' lookups (which name the run that posted them), ids as the demo makes them.
    const lookups = `GET http://localhost:${ports.gateway}/api/accounts/demo/webex/events/`;
    expect(run.stdout).toMatch(new RegExp(`${lookups}[0-9a-f-]{36} {2}\\(Billsby's InvoiceUpdated Paid\\)`));
    expect(run.stdout).toMatch(new RegExp(`${lookups}[0-9a-f-]{36} {2}\\(Billsby's InvoiceCreated: ignored`));
    expect(run.stdout).toContain(`${lookups}7d2b8c1e-0f5a-4c3e-9b7a-2f1e6d4c8a90-`);
    // The control page as a single-use sign-in link, which opens the connected page.
    const link = new RegExp(
      `(http://localhost:${ports.gateway}/ui/accounts/demo/webex/open\\?token=\\S+)`,
    ).exec(run.stdout);
    expect(link).not.toBeNull();
    expect(run.stdout).toContain(`http://localhost:${ports.gateway}/healthz`);
    expect(run.stdout).toContain('Stopped.');
  }, 300_000);

  it('runs again on the same data: reconnects, sends new events, prints the same messages', async () => {
    const run = await runDemo(flags);
    if (run.code !== 0) console.error(run.stdout.slice(-4000), run.stderr);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 of 5 accepted webhooks posted, 2 of 2 ignored');
    // The first run's digest is one of the account's events too.
    expect(run.stdout).toContain('account totals: received 21, delivered 21, failed 0, pending 0, ignored 4');
    expect(billsbyMessages(run.stdout)).toHaveLength(5);
    expect(run.stdout).not.toContain(BILLSBY_API_KEY);
    for (const name of SAMPLE_EVENT_NAMES) expect(run.stdout).toContain(`\n${GOLDEN_MESSAGES[name]}\n-----`);
    expect(run.stdout).toMatch(/^total\s+25$/m);
    // Its digest again (a new BILL simulator on another port is another partner: no changes section).
    const digestStep = run.stdout.slice(run.stdout.indexOf('=== 7. '), run.stdout.indexOf('=== 8. '));
    expect(digestStep).toContain(`BILL engagement as of ${SEED_AS_OF}\nENROLLMENT_INCOMPLETE: `);
    expect(digestStep).toContain(`\nACTIVE: ${expectedCount('ACTIVE')}\n----- end of message 1 -----`);
  }, 300_000);

  it('fails with a clear message naming the port when a port is busy', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const run = await runDemo(['--exit', '--temporal-port', String(busy), '--data-dir', dataDir]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`port ${busy} (Temporal server) is already in use`);
      expect(run.stderr).toContain('--temporal-port N');
    } finally {
      blocker.close();
    }
  }, 60_000);
});
