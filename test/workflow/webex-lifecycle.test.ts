import { http } from '../harness/http';
import { closeTestConnections } from '../harness/temporal';
import {
  api,
  connectLikeABrowser,
  eventually,
  integrationStatus,
  startWebexApp,
  type WebexApp,
} from '../harness/webex-app';

let app: WebexApp;
beforeAll(async () => {
  app = await startWebexApp();
});
afterAll(async () => {
  await app.close();
  await closeTestConnections();
});

const billsbyRooms = () =>
  app.sim.control.rooms().filter((r: { title: string }) => r.title === 'Billsby Data');
let counter = 0;
const newAccount = () => `acct-life-${Date.now().toString(36)}-${counter++}`;

describe('Webex integration lifecycle', () => {
  it('connects through the real redirects and creates "Billsby Data" once', async () => {
    const accountId = newAccount();
    const before = billsbyRooms().length;
    const flow = await connectLikeABrowser(app, accountId);
    expect(flow.callback.status).toBe(302);
    expect(flow.landing).toBe(`${app.gatewayUrl}/ui/accounts/${accountId}/webex?outcome=connected`);
    expect(flow.startUrl.startsWith(`${app.gatewayUrl}/oauth/webex/start?`)).toBe(true);
    const url = new URL(flow.webexAuthorizeUrl);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(new RegExp(`^${accountId}~[A-Za-z0-9_-]{43}$`));

    const status = await integrationStatus(app, accountId);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      accountId,
      status: 'connected',
      room: { title: 'Billsby Data' },
      connectedAs: { displayName: 'Ada Lovelace' },
      webhookUrl: `${app.gatewayUrl}/webhooks/billsby/${accountId}`,
      counts: { received: 0, delivered: 0, duplicates: 0, pending: 0, failed: 0 },
      lastError: null,
    });
    // The connect response carries the webhook secret the control page shows.
    expect((flow.connect.body as { webhookSecret: string }).webhookSecret).toBe(
      await app.secretFor(accountId),
    );
    expect(billsbyRooms().length).toBe(before + 1);
  });

  it('a reused or forged state is refused with 400 and changes nothing', async () => {
    const accountId = newAccount();
    const flow = await connectLikeABrowser(app, accountId);
    // Even the browser that completed it cannot use the state twice.
    const reused = await flow.browser.request(flow.callbackUrl);
    expect(reused.status).toBe(400);
    const forged = await http(
      `${app.gatewayUrl}/oauth/webex/callback?code=abc&state=${accountId}~${'A'.repeat(43)}`,
    );
    expect(forged.status).toBe(400);
    const garbage = await http(`${app.gatewayUrl}/oauth/webex/callback?code=abc&state=nope`);
    expect(garbage.status).toBe(400);
    expect((await integrationStatus(app, accountId)).body).toMatchObject({
      status: 'connected',
      lastError: null,
    });
  });

  it('a declined authorization fails with a reason, and a second connect succeeds', async () => {
    const accountId = newAccount();
    app.sim.control.setAuthorizeDecision('decline');
    try {
      const declined = await connectLikeABrowser(app, accountId);
      expect(declined.landing).toBe(`${app.gatewayUrl}/ui/accounts/${accountId}/webex?outcome=failed`);
      expect((await integrationStatus(app, accountId)).body).toMatchObject({
        status: 'failed',
        lastError: expect.stringContaining('declined'),
      });
    } finally {
      app.sim.control.setAuthorizeDecision('approve');
    }
    const retry = await connectLikeABrowser(app, accountId);
    expect(retry.landing).toBe(`${app.gatewayUrl}/ui/accounts/${accountId}/webex?outcome=connected`);
    expect((await integrationStatus(app, accountId)).body).toMatchObject({
      status: 'connected',
      lastError: null,
    });
  });

  it('404 for an account that never integrated, 400 for a bad account id', async () => {
    expect((await integrationStatus(app, 'never-integrated-xyz')).status).toBe(404);
    expect(
      (await api(app, `/api/accounts/never-integrated-xyz/webex/uninstall`, { method: 'POST' })).status,
    ).toBe(404);
    expect((await integrationStatus(app, 'bad%20id')).status).toBe(400);
    expect((await api(app, `/api/accounts/${'x'.repeat(65)}/webex/connect`, { method: 'POST' })).status).toBe(
      400,
    );
  });

  it('a "Billsby Data" space someone else created is never used; of its own, the oldest, with a note when several', async () => {
    const accountId = newAccount();
    const owner = `${accountId}@example.com`;
    app.sim.control.addUser({ displayName: 'Owner', email: owner });
    app.sim.control.addUser({ displayName: 'Stranger', email: `stranger-${accountId}@example.com` });
    // An older space with the right title, created by a stranger who added the installer to it.
    const trap = app.sim.control.seedRoom('Billsby Data', {
      creator: `stranger-${accountId}@example.com`,
      members: [`stranger-${accountId}@example.com`, owner],
    });
    app.sim.control.setAuthorizingUser(owner);
    await connectLikeABrowser(app, accountId);
    const first = (await integrationStatus(app, accountId)).body as { room: { id: string }; roomNote: null };
    expect(first.room.id).not.toBe(trap.id);
    expect(first.roomNote).toBeNull();

    // The owner makes a second space of that title: the integration keeps its room and says so.
    const own = app.sim.control.seedRoom('Billsby Data', { creator: owner, members: [owner] });
    await connectLikeABrowser(app, accountId, { replace: true });
    const again = (await integrationStatus(app, accountId)).body as {
      room: { id: string };
      roomNote: string;
    };
    expect(again.room.id).toBe(first.room.id);
    expect(again.room.id).not.toBe(own.id);
    expect(again.roomNote).toContain('2 spaces');
  });

  it('uninstall, then re-integrate reuses the room; with the room deleted a new one is created', async () => {
    const accountId = newAccount();
    await connectLikeABrowser(app, accountId);
    const first = (await integrationStatus(app, accountId)).body as { room: { id: string } };

    const uninstalled = await api(app, `/api/accounts/${accountId}/webex/uninstall`, {
      method: 'POST',
    });
    expect(uninstalled.status).toBe(200);
    expect(uninstalled.body).toMatchObject({ status: 'uninstalled' });
    expect((await integrationStatus(app, accountId)).body).toMatchObject({ status: 'uninstalled' });

    const roomsBefore = billsbyRooms().length;
    await connectLikeABrowser(app, accountId);
    const second = (await integrationStatus(app, accountId)).body as { status: string; room: { id: string } };
    expect(second.status).toBe('connected');
    expect(second.room.id).toBe(first.room.id);
    expect(billsbyRooms().length).toBe(roomsBefore);

    await api(app, `/api/accounts/${accountId}/webex/uninstall`, { method: 'POST' });
    app.sim.control.deleteRoom(first.room.id);
    await connectLikeABrowser(app, accountId);
    const third = (await integrationStatus(app, accountId)).body as { status: string; room: { id: string } };
    expect(third.status).toBe('connected');
    expect(third.room.id).not.toBe(first.room.id);
  });
});

describe('tokens', () => {
  it('refreshes ahead of expiry; a revoked refresh token needs reauthorization; reconnecting restores it', async () => {
    const accountId = newAccount();
    app.sim.control.setTokenLifetimes({ accessTokenSeconds: 3 });
    try {
      await connectLikeABrowser(app, accountId);
      const refreshesBefore = app.sim.control.counts().tokenRefreshes;
      // 80 % of 3 s: the workflow refreshes at ~2.4 s, before Webex would answer 401.
      await eventually(
        async () => app.sim.control.counts().tokenRefreshes,
        (n) => n > refreshesBefore,
        { timeoutMs: 15_000 },
      );
      const unauthorized = app.sim.control.requests().filter((r: { status: number }) => r.status === 401);
      expect(unauthorized).toEqual([]);
      expect((await integrationStatus(app, accountId)).body).toMatchObject({ status: 'connected' });

      app.sim.control.revokeRefreshTokens();
      await eventually(
        async () => (await integrationStatus(app, accountId)).body as { status: string; lastError: string },
        (s) => s.status === 'reauthorization_required',
        { timeoutMs: 15_000 },
      );
      const room = ((await integrationStatus(app, accountId)).body as { room: { id: string } }).room;

      app.sim.control.setTokenLifetimes({ accessTokenSeconds: 3600 });
      const again = await connectLikeABrowser(app, accountId);
      expect(again.landing).toContain('outcome=connected');
      expect((await integrationStatus(app, accountId)).body).toMatchObject({
        status: 'connected',
        room: { id: room.id },
      });
    } finally {
      app.sim.control.setTokenLifetimes({ accessTokenSeconds: 1209599 });
    }
  });
});

describe('without a worker', () => {
  it('connect answers 503 naming the problem instead of hanging; status too', async () => {
    const lonely = await startWebexApp({ connectTimeoutMs: 1_500 });
    try {
      const accountId = newAccount();
      await connectLikeABrowser(lonely, accountId);
      await lonely.stopWorker();
      const res = await api(lonely, `/api/accounts/${accountId}/webex/connect`, {
        json: { replace: true },
      });
      expect(res.status).toBe(503);
      expect((res.body as { error: string }).error).toContain('no worker answered');
      const status = await integrationStatus(lonely, accountId);
      expect(status.status).toBe(503);
      expect(status.body).toMatchObject({ status: 'connected' });
    } finally {
      await lonely.close();
    }
  });
});
