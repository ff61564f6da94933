import axios from 'axios';
import { createWebexClient } from '../../connectors/webex';
import { Connected, expectWebexError, startConnected } from './webex-helpers';

describe('Webex connector against simulator faults', () => {
  let c: Connected;
  let roomId: string;
  beforeEach(async () => {
    c = await startConnected({}, { timeoutMs: 1_500 });
    roomId = (await c.client.createRoom(c.token, 'Billsby Data')).id;
  });
  afterEach(async () => {
    await c.sim.close();
  });

  const post = () => c.client.postMessage(c.token, { roomId, text: 'hello' });

  it.each([
    ['a number', 194, false, 194_000],
    ['zero (floored to 1 s)', 0, false, 1_000],
    ['missing', null, false, 10_000],
    ['malformed', 'rand(30),add(30)', false, 10_000],
    ['negative', '-5', false, 10_000],
    ['3600 = the cap, with an HTML body (honoured)', 3600, true, 3_600_000],
    ['huge (capped at 1 h)', 86_400 * 30, false, 3_600_000],
    ['missing with an HTML body', null, true, 10_000],
  ] as const)('429 with Retry-After %s → rate_limited', async (_label, retryAfter, html, expectedMs) => {
    c.sim.control.rateLimitNext(1, { retryAfter, html, method: 'POST', pathPrefix: '/messages' });
    const err = await expectWebexError(post);
    expect(err).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      retryAfterMs: expectedMs,
      status: 429,
      mayHaveBeenApplied: false,
    });
    expect(c.sim.control.messages(roomId)).toHaveLength(0);
    await post();
    expect(c.sim.control.messages(roomId)).toHaveLength(1);
  });

  it('honours a configurable Retry-After cap and default', async () => {
    const client = createWebexClient({
      baseUrl: c.sim.baseUrl,
      timeoutMs: 1000,
      retryAfter: { maxMs: 60_000, defaultMs: 15_000 },
    });
    c.sim.control.rateLimitNext(1, { retryAfter: 3600 });
    expect((await expectWebexError(() => client.getMe(c.token))).retryAfterMs).toBe(60_000);
    c.sim.control.rateLimitNext(1, {});
    expect((await expectWebexError(() => client.getMe(c.token))).retryAfterMs).toBe(15_000);
  });

  it('a burst of N 429s affects exactly N matching requests', async () => {
    c.sim.control.rateLimitNext(3, { retryAfter: 1, method: 'GET', pathPrefix: '/people/me' });
    await c.client.listAllRooms(c.token); // does not match, does not consume
    for (let i = 0; i < 3; i++)
      expect((await expectWebexError(() => c.client.getMe(c.token))).kind).toBe('rate_limited');
    await c.client.getMe(c.token);
  });

  it.each([500, 502, 503, 504])(
    '%i on POST /messages → retryable server error that may have been applied',
    async (status) => {
      c.sim.control.failNext(1, status, { method: 'POST', pathPrefix: '/messages' });
      const err = await expectWebexError(post);
      expect(err).toMatchObject({ kind: 'server', retryable: true, status, mayHaveBeenApplied: true });
      expect(err.trackingId).toMatch(/^ROUTER_/);
    },
  );

  it('5xx on a GET is retryable and not "applied"', async () => {
    c.sim.control.failNext(1, 502, { method: 'GET' });
    expect(await expectWebexError(() => c.client.listAllRooms(c.token))).toMatchObject({
      kind: 'server',
      retryable: true,
      mayHaveBeenApplied: false,
    });
  });

  it('5xx after the message was stored is an ambiguous failure that listMessages can resolve', async () => {
    c.sim.control.failAfterStore(1, 502);
    const err = await expectWebexError(post);
    expect(err).toMatchObject({ kind: 'server', retryable: true, mayHaveBeenApplied: true, status: 502 });
    expect(c.sim.control.messages(roomId).map((m) => m.text)).toEqual(['hello']);
    expect((await c.client.listMessages(c.token, roomId, { max: 5 })).map((m) => m.text)).toEqual(['hello']);
  });

  it('a hang longer than the client timeout → timeout that may have been applied', async () => {
    c.sim.control.timeoutNext(1, { method: 'POST', pathPrefix: '/messages', hangMs: 5_000 });
    const started = Date.now();
    const err = await expectWebexError(post);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, mayHaveBeenApplied: true });
    expect(err.status).toBeUndefined();
  });

  it('a timeout on a GET is retryable and not "applied"', async () => {
    c.sim.control.timeoutNext(1, { method: 'GET', hangMs: 5_000 });
    expect(await expectWebexError(() => c.client.getMe(c.token))).toMatchObject({
      kind: 'timeout',
      mayHaveBeenApplied: false,
    });
  });

  it('a stored message followed by a hang → timeout, and the message exists', async () => {
    c.sim.control.addFault({
      method: 'POST',
      pathPrefix: '/messages',
      phase: 'after',
      action: { kind: 'hang', ms: 5_000 },
    });
    expect((await expectWebexError(post)).kind).toBe('timeout');
    expect(c.sim.control.messages(roomId)).toHaveLength(1);
  });

  it('a dropped connection → network error that may have been applied', async () => {
    c.sim.control.dropNext(1, { method: 'POST', pathPrefix: '/messages' });
    expect(await expectWebexError(post)).toMatchObject({
      kind: 'network',
      retryable: true,
      mayHaveBeenApplied: true,
    });
  });

  it('a refused connection → network error that cannot have been applied', async () => {
    const client = createWebexClient({ baseUrl: 'http://127.0.0.1:1/v1', timeoutMs: 1000 });
    expect(await expectWebexError(() => client.postMessage('t', { roomId: 'r', text: 'x' }))).toMatchObject({
      kind: 'network',
      retryable: true,
      mayHaveBeenApplied: false,
    });
  });

  it('a 401 for the next request → unauthorized, then the token works again', async () => {
    c.sim.control.unauthorizedNext(1);
    expect(await expectWebexError(() => c.client.getMe(c.token))).toMatchObject({
      kind: 'unauthorized',
      retryable: false,
      status: 401,
    });
    await c.client.getMe(c.token);
  });

  it('latency delays but does not fail; beyond the timeout it does', async () => {
    c.sim.control.setLatency(100);
    const started = Date.now();
    await c.client.getMe(c.token);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    c.sim.control.setLatency(4_000);
    expect((await expectWebexError(() => c.client.getMe(c.token))).kind).toBe('timeout');
    c.sim.control.setLatency(0);
  });

  it('a room deleted between calls → not_found', async () => {
    c.sim.control.deleteRoom(roomId);
    expect(await expectWebexError(post)).toMatchObject({ kind: 'not_found', retryable: false });
  });

  it('faults can be injected over the HTTP admin API', async () => {
    const admin = c.sim.baseUrl.replace(/\/v1$/, '/__admin');
    await axios.post(`${admin}/faults/rate-limit`, {
      times: 1,
      retryAfter: 42,
      method: 'GET',
      pathPrefix: '/people/me',
    });
    expect((await expectWebexError(() => c.client.getMe(c.token))).retryAfterMs).toBe(42_000);
    await axios.post(`${admin}/faults`, {
      phase: 'after',
      method: 'POST',
      pathPrefix: '/messages',
      action: { kind: 'respond', status: 500 },
    });
    expect((await expectWebexError(post)).mayHaveBeenApplied).toBe(true);
    const messages = await axios.get(`${admin}/rooms/${encodeURIComponent(roomId)}/messages`);
    expect(messages.data.items).toHaveLength(1);
    await axios.delete(`${admin}/rooms/${encodeURIComponent(roomId)}`);
    expect((await expectWebexError(post)).kind).toBe('not_found');
    const bad = await axios.post(
      `${admin}/faults`,
      { action: { kind: 'explode' } },
      { validateStatus: () => true },
    );
    expect(bad.status).toBe(400);
    const state = await axios.get(`${admin}/state`);
    expect(state.data.rooms[0].deleted).toBe(true);
  });
});
