import axios from 'axios';
import { Connected, expectWebexError, startConnected } from './webex-helpers';

describe('Webex connector against the simulator: happy paths and 4xx', () => {
  let c: Connected;
  beforeEach(async () => {
    c = await startConnected({
      users: [
        { displayName: 'Ada Lovelace', email: 'installer@example.com' },
        { displayName: 'Other Person', email: 'other@example.com' },
      ],
    });
  });
  afterEach(async () => {
    await c.sim.close();
  });

  it('identifies the installing user', async () => {
    const me = await c.client.getMe(c.token);
    expect(me).toEqual({
      id: c.sim.control.users()[0]!.id,
      displayName: 'Ada Lovelace',
      emails: ['installer@example.com'],
    });
  });

  it('creates and reads a room (200 with the Room object)', async () => {
    const room = await c.client.createRoom(c.token, 'Billsby Data');
    expect(room).toMatchObject({ title: 'Billsby Data', type: 'group' });
    expect(room.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await c.client.getRoom(c.token, room.id)).toEqual(room);
    expect(c.sim.control.rooms().map((r) => r.title)).toEqual(['Billsby Data']);
  });

  it.each([
    ['none', 7],
    ['trailing', 8],
    ['interleaved', 14],
  ] as const)('lists all rooms across Link pages (empty pages: %s)', async (mode, expectedRequests) => {
    for (let i = 0; i < 13; i++) c.sim.control.seedRoom(`room ${i}`);
    c.sim.control.seedRoom('not mine', { creator: 'other@example.com' });
    c.sim.control.setRoomPageSize(2);
    c.sim.control.setEmptyPages(mode);
    c.sim.control.clearRequests();
    const rooms = await c.client.listAllRooms(c.token);
    expect(rooms).toHaveLength(13);
    expect(new Set(rooms.map((r) => r.title)).size).toBe(13);
    expect(rooms.map((r) => r.title)).not.toContain('not mine');
    expect(c.sim.control.requests()).toHaveLength(expectedRequests);
  });

  it('lists zero rooms (single empty page)', async () => {
    expect(await c.client.listAllRooms(c.token, { max: 5 })).toEqual([]);
  });

  it('posts plain text and reads recent messages newest first', async () => {
    const room = await c.client.createRoom(c.token, 'Billsby Data');
    const first = await c.client.postMessage(c.token, {
      roomId: room.id,
      text: 'Customer created\nCustomerId: 1',
    });
    expect(first).toMatchObject({
      roomId: room.id,
      text: 'Customer created\nCustomerId: 1',
      personId: c.sim.control.users()[0]!.id,
    });
    const second = await c.client.postMessage(c.token, { roomId: room.id, text: 'second' });
    const recent = await c.client.listMessages(c.token, room.id, { max: 10 });
    expect(recent.map((m) => m.id)).toEqual([second.id, first.id]);
    expect(c.sim.control.messages(room.id).map((m) => m.text)).toEqual([
      'Customer created\nCustomerId: 1',
      'second',
    ]);
    expect(c.sim.control.messages(room.id)[0]!.markdown).toBeUndefined();
    expect((await c.client.listMessages(c.token, room.id, { max: 1 })).map((m) => m.id)).toEqual([second.id]);
    // The next page: messages older than a given one (redelivery reads further back this way).
    const older = await c.client.listMessages(c.token, room.id, { max: 1, beforeMessage: second.id });
    expect(older.map((m) => m.id)).toEqual([first.id]);
    expect(await c.client.listMessages(c.token, room.id, { max: 1, beforeMessage: first.id })).toEqual([]);
  });

  it('accepts exactly 7,439 UTF-8 bytes and rejects 7,440 as non-retryable bad_request', async () => {
    const room = await c.client.createRoom(c.token, 'Billsby Data');
    await c.client.postMessage(c.token, { roomId: room.id, text: 'a'.repeat(7439) });
    const tooLong = await expectWebexError(() =>
      c.client.postMessage(c.token, { roomId: room.id, text: 'a'.repeat(7440) }),
    );
    expect(tooLong).toMatchObject({
      kind: 'bad_request',
      retryable: false,
      mayHaveBeenApplied: false,
      status: 400,
    });
    expect(tooLong.trackingId).toMatch(/^ROUTER_/);
    // Bytes, not characters: 2,480 × '€' (3 bytes) = 7,440 bytes.
    const multiByte = await expectWebexError(() =>
      c.client.postMessage(c.token, { roomId: room.id, text: '€'.repeat(2480) }),
    );
    expect(multiByte.kind).toBe('bad_request');
    expect(c.sim.control.messages(room.id)).toHaveLength(1);
    // The error never carries the message text.
    expect(JSON.stringify(tooLong)).not.toContain('aaaa');
  });

  it('answers 404 for rooms the user is not in, and for deleted rooms', async () => {
    const foreign = c.sim.control.seedRoom('private', { creator: 'other@example.com' });
    const post = await expectWebexError(() =>
      c.client.postMessage(c.token, { roomId: foreign.id, text: 'hi' }),
    );
    expect(post).toMatchObject({
      kind: 'not_found',
      retryable: false,
      status: 404,
      mayHaveBeenApplied: false,
    });
    expect((await expectWebexError(() => c.client.getRoom(c.token, foreign.id))).kind).toBe('not_found');
    expect((await expectWebexError(() => c.client.listMessages(c.token, foreign.id))).kind).toBe('not_found');

    const mine = await c.client.createRoom(c.token, 'Billsby Data');
    expect(c.sim.control.deleteRoom(mine.id)).toBe(true);
    const deleted = await expectWebexError(() =>
      c.client.postMessage(c.token, { roomId: mine.id, text: 'hi' }),
    );
    expect(deleted.kind).toBe('not_found');
    expect(await c.client.listAllRooms(c.token)).toEqual([]);
  });

  it('DELETE /v1/rooms/:id answers 204 and the room is gone', async () => {
    const room = await c.client.createRoom(c.token, 'temp');
    const url = `${c.sim.baseUrl}/rooms/${encodeURIComponent(room.id)}`;
    const del = await axios.delete(url, {
      headers: { Authorization: `Bearer ${c.token}` },
      validateStatus: () => true,
    });
    expect(del.status).toBe(204);
    expect((await expectWebexError(() => c.client.getRoom(c.token, room.id))).kind).toBe('not_found');
    expect(c.sim.control.rooms()[0]!.deleted).toBe(true);
  });

  it('serves several users: each sees only their rooms', async () => {
    c.sim.control.setAuthorizingUser('other@example.com');
    const otherTokens = c.sim.control.issueTokens('other@example.com');
    const shared = c.sim.control.seedRoom('shared', {
      creator: 'other@example.com',
      members: ['other@example.com', 'installer@example.com'],
    });
    await c.client.createRoom(otherTokens.accessToken, 'theirs');
    expect((await c.client.getMe(otherTokens.accessToken)).displayName).toBe('Other Person');
    expect((await c.client.listAllRooms(c.token)).map((r) => r.id)).toEqual([shared.id]);
    expect((await c.client.listAllRooms(otherTokens.accessToken)).map((r) => r.title).sort()).toEqual([
      'shared',
      'theirs',
    ]);
  });

  it('rejects an empty room title as bad_request', async () => {
    const err = await expectWebexError(() => c.client.createRoom(c.token, ''));
    expect(err).toMatchObject({ kind: 'bad_request', retryable: false });
  });

  it('produces deterministic ids for the same seed', async () => {
    const other = await startConnected({
      users: [
        { displayName: 'Ada Lovelace', email: 'installer@example.com' },
        { displayName: 'Other Person', email: 'other@example.com' },
      ],
    });
    try {
      expect(other.sim.control.users()).toEqual(c.sim.control.users());
      expect((await other.client.createRoom(other.token, 'x')).id).toBe(
        (await c.client.createRoom(c.token, 'x')).id,
      );
    } finally {
      await other.sim.close();
    }
  });
});
