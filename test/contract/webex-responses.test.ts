import { Connected, expectWebexError, startConnected } from './webex-helpers';

/** Malformed 2xx responses must become typed invalid_response errors naming the field. */
describe('Webex connector against malformed responses', () => {
  let c: Connected;
  beforeEach(async () => {
    c = await startConnected();
  });
  afterEach(async () => {
    await c.sim.close();
  });

  const respond = (body: unknown, headers?: Record<string, string>) =>
    c.sim.control.respondNext(1, { status: 200, body, ...(headers ? { headers } : {}) });

  it('wrong type in a list item', async () => {
    respond({ items: [{ id: 5, title: 'x', created: '2024-05-01T10:00:00.000Z' }] });
    const err = await expectWebexError(() => c.client.listAllRooms(c.token));
    expect(err).toMatchObject({
      kind: 'invalid_response',
      retryable: false,
      mayHaveBeenApplied: false,
      status: 200,
    });
    expect(err.message).toContain('items.0.id: expected string, got number');
  });

  it('missing field in people/me', async () => {
    respond({ id: 'p', emails: ['installer@example.com'] });
    const err = await expectWebexError(() => c.client.getMe(c.token));
    expect(err.message).toContain('displayName: expected string, missing');
    expect(err.message).not.toContain('installer@example.com');
  });

  it('missing items array', async () => {
    respond({});
    expect((await expectWebexError(() => c.client.listAllRooms(c.token))).message).toContain(
      'items: expected array, missing',
    );
  });

  it('non-JSON body with a JSON content type', async () => {
    c.sim.control.respondNext(1, { status: 200, rawBody: '<html>oops</html>' });
    const err = await expectWebexError(() => c.client.getMe(c.token));
    expect(err.kind).toBe('invalid_response');
    expect(err.message).toContain('body: not JSON');
  });

  it('empty body', async () => {
    c.sim.control.respondNext(1, { status: 200, rawBody: '' });
    expect((await expectWebexError(() => c.client.createRoom(c.token, 'x'))).message).toContain(
      'body: not JSON',
    );
  });

  it('a POST answered 200 with a bad body was applied', async () => {
    const room = await c.client.createRoom(c.token, 'Billsby Data');
    c.sim.control.addFault({
      phase: 'after',
      method: 'POST',
      pathPrefix: '/messages',
      action: { kind: 'respond', status: 200, body: { id: 'm' } },
    });
    const err = await expectWebexError(() =>
      c.client.postMessage(c.token, { roomId: room.id, text: 'secret text' }),
    );
    expect(err).toMatchObject({ kind: 'invalid_response', mayHaveBeenApplied: true });
    expect(err.message).toContain('roomId: expected string, missing');
    expect(err.message).not.toContain('secret text');
    expect(c.sim.control.messages(room.id)).toHaveLength(1);
  });

  it('a bad timestamp names the field', async () => {
    const room = await c.client.createRoom(c.token, 'Billsby Data');
    respond({ items: [{ id: 'm', personId: 'p', text: 't', created: 'yesterday' }] });
    const err = await expectWebexError(() => c.client.listMessages(c.token, room.id));
    expect(err.message).toMatch(/items\.0\.created: /);
  });

  it('tolerates unknown fields and rooms without a readable title', async () => {
    respond({
      items: [
        {
          id: 'r1',
          errors: { title: { code: 'kms_failure' } },
          created: '2024-05-01T10:00:00.000Z',
          extra: 1,
        },
      ],
    });
    expect(await c.client.listAllRooms(c.token)).toEqual([
      { id: 'r1', title: null, created: '2024-05-01T10:00:00.000Z' },
    ]);
  });

  it('a messages list item without text becomes an empty string', async () => {
    const room = await c.client.createRoom(c.token, 'Billsby Data');
    respond({ items: [{ id: 'm', personId: 'p', created: '2024-05-01T10:00:00.000Z', files: ['x'] }] });
    expect(await c.client.listMessages(c.token, room.id)).toEqual([
      { id: 'm', text: '', personId: 'p', created: '2024-05-01T10:00:00.000Z' },
    ]);
  });

  it('guards against a next link that loops', async () => {
    const self = `${c.sim.baseUrl}/rooms?max=100`;
    c.sim.control.addFault({
      times: null,
      method: 'GET',
      pathPrefix: '/rooms',
      action: {
        kind: 'respond',
        status: 200,
        body: { items: [] },
        headers: { link: `<${self}>; rel="next"` },
      },
    });
    const err = await expectWebexError(() => c.client.listAllRooms(c.token));
    expect(err.kind).toBe('invalid_response');
    expect(err.message).toContain('repeats a page');
  });

  it('refuses to follow a next link to another host (the token would leak)', async () => {
    respond({ items: [] }, { link: '<https://evil.example.com/v1/rooms?cursor=x>; rel="next"' });
    const err = await expectWebexError(() => c.client.listAllRooms(c.token));
    expect(err.message).toContain('another host');
    expect(c.sim.control.requests().filter((r) => r.path === '/v1/rooms')).toHaveLength(1);
  });

  it('repairs the historic max=null in next links', async () => {
    c.sim.control.seedRoom('a');
    // The simulator answers 400 to max=null, so success proves the link was repaired.
    respond({ items: [] }, { link: `<${c.sim.baseUrl}/rooms?max=null&page=2>; rel="next"` });
    const rooms = await c.client.listAllRooms(c.token, { max: 3 });
    expect(rooms.map((r) => r.title)).toEqual(['a']);
  });
});
