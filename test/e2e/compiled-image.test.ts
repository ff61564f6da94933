import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBillsbySimulator, type BillsbySimulator } from '../../simulators/billsby';
import { startWebexSimulator, type WebexSimulator } from '../../simulators/webex';
import { DATA_DIR } from '../../temporal/paths';
import type { DevServer } from '../../temporal/dev-server';
import { startTestDevServer } from '../harness/dev-server';
import { freePort } from '../harness/free-port';
import type { ProductProcess } from '../harness/processes';
import {
  connectAccounts,
  expectDeliveredOnceInOrder,
  productEnv,
  sendEvents,
  startGatewayProcess,
  startWorkerProcess,
  waitForDelivered,
} from '../harness/topology';

/**
 * The image runs compiled JavaScript (Dockerfile: tsconfig.build.json into dist/app, then
 * `node dist/app/…/main.js`), not tsx. Docker cannot run here, so this compiles the same way and
 * runs the compiled worker and gateway as their own Node processes, as the image would: an account
 * connects through them and its events are delivered once, in order; then a Billsby public webhook
 * is filled from Billsby's API (whose reads run on the compiled read thread) and posted.
 */
jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
// Inside the project (git-ignored), so the compiled code finds package.json above it as in the image.
const compiledDir = mkdtempSync(path.join(DATA_DIR, 'compiled-'));
let sim: WebexSimulator;
let billsby: BillsbySimulator | undefined;
let server: DevServer | undefined;
const processes: ProductProcess[] = [];

beforeAll(() => {
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      compiledDir,
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await sim?.close();
  await billsby?.close();
  await server?.stop();
  rmSync(compiledDir, { recursive: true, force: true });
});

describe('the compiled worker and gateway (what the image runs)', () => {
  it('start with node alone and deliver an account’s events once, in order', async () => {
    sim = await startWebexSimulator({ port: 0 });
    billsby = await startBillsbySimulator({ apiKey: 'compiled-billsby-key', companyDomain: 'compiledco' });
    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const env = productEnv({
      // A server of its own: its processes poll the default task queues.
      temporalAddress: (server = await startTestDevServer()).address,
      gatewayPort,
      publicBaseUrl: gatewayUrl,
      sim,
      dataDir: mkdtempSync(path.join(tmpdir(), 'compiled-')),
      extra: {
        BILLSBY_API_BASE_URL: billsby.baseUrl,
        BILLSBY_COMPANY_DOMAIN: 'compiledco',
        BILLSBY_API_KEY: 'compiled-billsby-key',
      },
    });
    processes.push(await startWorkerProcess(env, { compiledDir }));
    processes.push(await startGatewayProcess(env, { compiledDir }));
    const accounts = await connectAccounts(gatewayUrl, sim, [`acct-compiled-${Date.now().toString(36)}`]);
    const sending = sendEvents({
      gatewayUrls: [gatewayUrl],
      accounts,
      perAccount: 5,
      prefix: () => 'compiled',
    });
    await sending.done;
    expect(sending.tally).toEqual({ accepted: 5, duplicate: 0, other: [] });
    await waitForDelivered(sim, accounts, 5, 5);
    expectDeliveredOnceInOrder(sim, accounts, 5, () => 'compiled', sending.tally);

    // Billsby's own CustomerCreated names no address: the city comes from the API read.
    const [account] = accounts;
    billsby.control.setWebhook({
      url: `${gatewayUrl}/webhooks/billsby/${account!.accountId}`,
      secret: account!.secret,
    });
    const sent = await billsby.control.createCustomer({
      email: 'compiled@example.com',
      firstName: 'Compiled',
      lastName: 'Reader',
      billingAddress: {
        addressLine1: '1 Thread Street',
        addressLine2: '',
        city: 'Threadville',
        state: '',
        country: 'GB',
        postCode: 'TH1 1RD',
      },
    });
    expect(sent.ok).toBe(true);
    await waitForDelivered(sim, accounts, 6, 6);
    const last = sim.control.messages(account!.roomId).at(-1)?.text ?? '';
    expect(last).toContain('CustomerDetails_BillingAddress_City: Threadville');
    expect(last).toContain('CustomerDetails_Email: compiled@example.com');
  });
});
