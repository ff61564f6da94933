/** Bearer-authenticated Webex API: people/me, rooms, messages. */
import { MESSAGES, SimRequest, SimResponse, json, parseJsonBody, webexError } from './http';
import { SimMessage, SimRoom, SimState, SimUser } from './state';

export function routeApi(state: SimState, req: SimRequest): SimResponse {
  const user = authenticate(state, req);
  if (!user) return webexError(401, MESSAGES.unauthorized);
  const { method, path } = req;
  if (path === '/v1/people/me' && method === 'GET') return json(200, personJson(user));
  if (path === '/v1/rooms' && method === 'GET') return listRooms(state, req, user);
  if (path === '/v1/rooms' && method === 'POST') return createRoom(state, req, user);
  const roomMatch = /^\/v1\/rooms\/([^/]+)$/.exec(path);
  if (roomMatch) {
    const roomId = decodeURIComponent(roomMatch[1]!);
    if (method === 'GET') {
      const room = state.visibleRoom(roomId, user.id);
      return room ? json(200, roomJson(room)) : webexError(404, MESSAGES.roomNotFound);
    }
    if (method === 'DELETE') return deleteRoom(state, roomId, user);
  }
  if (path === '/v1/messages' && method === 'POST') return postMessage(state, req, user);
  if (path === '/v1/messages' && method === 'GET') return listMessages(state, req, user);
  return webexError(404, MESSAGES.notFound);
}

function authenticate(state: SimState, req: SimRequest): SimUser | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  const token = state.validToken(state.accessTokens, m?.[1]);
  return token ? state.users.find((u) => u.id === token.userId) : undefined;
}

export function personJson(u: SimUser): Record<string, unknown> {
  const [firstName, ...rest] = u.displayName.split(' ');
  return {
    id: u.id,
    emails: [u.email],
    displayName: u.displayName,
    firstName,
    lastName: rest.join(' '),
    orgId: u.orgId,
    type: 'person',
    created: '2020-01-01T00:00:00.000Z',
  };
}

export function roomJson(r: SimRoom): Record<string, unknown> {
  return {
    id: r.id,
    title: r.title,
    type: r.type,
    isLocked: false,
    lastActivity: r.lastActivity,
    creatorId: r.creatorId,
    created: r.created,
    isPublic: false,
    isReadOnly: false,
  };
}

export function messageJson(m: SimMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    roomId: m.roomId,
    roomType: 'group',
    personId: m.personId,
    personEmail: m.personEmail,
    created: m.created,
  };
  if (m.text !== undefined) out.text = m.text;
  if (m.markdown !== undefined) out.markdown = m.markdown;
  return out;
}

/** `max`: 1..limit; above the limit Webex silently caps, below/garbage is a 400. */
function parseMax(raw: string | null, fallback: number, limit: number): number | undefined {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return undefined;
  return Math.min(Number(raw), limit);
}

interface Cursor {
  o: number;
  e: 0 | 1;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string | null): Cursor | undefined {
  if (raw === null) return { o: 0, e: 0 };
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    return Number.isInteger(c.o) && c.o >= 0 && (c.e === 0 || c.e === 1) ? c : undefined;
  } catch {
    return undefined;
  }
}

function listRooms(state: SimState, req: SimRequest, user: SimUser): SimResponse {
  const max = parseMax(req.query.get('max'), 100, 1000);
  const cursor = decodeCursor(req.query.get('cursor'));
  if (max === undefined || cursor === undefined) return webexError(400, MESSAGES.badRequest);
  const pageSize = Math.min(max, state.config.roomPageSize);
  // Newest first; ordering is unspecified by Webex, so clients must not depend on it.
  const all = [...state.rooms.values()]
    .filter((r) => !r.deleted && r.members.has(user.id))
    .sort((a, b) => b.seq - a.seq);
  const link = (c: Cursor) => {
    const url = `${req.origin}/v1/rooms?max=${max}&cursor=${encodeCursor(c)}`;
    return { link: `<${url}>; rel="next"` };
  };
  const mode = state.config.emptyPages;
  if (cursor.e === 1) {
    // An empty page reached through a `next` link (BASICS: keep going until `next` disappears).
    const more = cursor.o < all.length;
    return json(200, { items: [] }, more ? link({ o: cursor.o, e: 0 }) : {});
  }
  const items = all.slice(cursor.o, cursor.o + pageSize);
  const end = cursor.o + items.length;
  let headers: Record<string, string> = {};
  if (end < all.length) headers = link(mode === 'interleaved' ? { o: end, e: 1 } : { o: end, e: 0 });
  else if (mode !== 'none') headers = link({ o: end, e: 1 });
  return json(200, { items: items.map(roomJson) }, headers);
}

function createRoom(state: SimState, req: SimRequest, user: SimUser): SimResponse {
  const parsed = parseJsonBody(req);
  if (!parsed.ok) return parsed.res;
  const title = parsed.value.title;
  if (typeof title !== 'string' || title.trim() === '') return webexError(400, 'Title cannot be empty.');
  const room = state.createRoom(title, user.id);
  // Webex answers 200, not 201, with the Room object.
  return json(200, roomJson(room));
}

function deleteRoom(state: SimState, roomId: string, user: SimUser): SimResponse {
  const room = state.visibleRoom(roomId, user.id);
  if (!room) return webexError(404, MESSAGES.roomNotFound);
  // A non-moderator (here: non-creator) only leaves the room.
  if (room.creatorId === user.id) room.deleted = true;
  else room.members.delete(user.id);
  return { status: 204, body: '' };
}

function postMessage(state: SimState, req: SimRequest, user: SimUser): SimResponse {
  const parsed = parseJsonBody(req);
  if (!parsed.ok) return parsed.res;
  const { roomId, text, markdown, toPersonId, toPersonEmail } = parsed.value;
  if (
    typeof roomId !== 'string' ||
    roomId === '' ||
    toPersonId !== undefined ||
    toPersonEmail !== undefined
  ) {
    return webexError(
      400,
      'Exactly one of the destination fields must not be empty (roomId, toPersonEmail, toPersonId)',
    );
  }
  const hasText = typeof text === 'string' && text !== '';
  const hasMarkdown = typeof markdown === 'string' && markdown !== '';
  if (!hasText && !hasMarkdown) return webexError(400, 'Both text and file cannot be empty.');
  const limit = state.config.maxMessageBytes;
  // The docs say bytes, the error says characters: bytes is the stricter reading.
  if (
    (hasText && Buffer.byteLength(text as string, 'utf8') > limit) ||
    (hasMarkdown && Buffer.byteLength(markdown as string, 'utf8') > limit)
  ) {
    return webexError(400, MESSAGES.tooLong);
  }
  const room = state.visibleRoom(roomId, user.id);
  if (!room) return webexError(404, MESSAGES.roomNotFound);
  const msg: SimMessage = {
    id: state.ids.id('MESSAGE'),
    roomId,
    personId: user.id,
    personEmail: user.email,
    created: state.nowIso(),
    seq: state.nextSeq(),
  };
  if (hasText) msg.text = text as string;
  else msg.text = markdown as string;
  if (hasMarkdown) msg.markdown = markdown as string;
  state.addMessage(msg);
  room.lastActivity = msg.created;
  return json(200, messageJson(msg));
}

function listMessages(state: SimState, req: SimRequest, user: SimUser): SimResponse {
  const roomId = req.query.get('roomId');
  const max = parseMax(req.query.get('max'), 50, 1000);
  if (!roomId || max === undefined) return webexError(400, MESSAGES.badRequest);
  const room = state.visibleRoom(roomId, user.id);
  if (!room) return webexError(404, MESSAGES.roomNotFound);
  // Newest first: walk the room's messages (oldest first) from the end, after `beforeMessage`.
  const oldestFirst = state.roomMessages(roomId);
  let end = oldestFirst.length;
  const before = req.query.get('beforeMessage');
  if (before) {
    let i = end - 1;
    while (i >= 0 && oldestFirst[i]!.id !== before) i--;
    end = Math.max(i, 0);
  }
  const page: SimMessage[] = [];
  for (let i = end - 1; i >= 0 && page.length < max; i--) page.push(oldestFirst[i]!);
  const headers: Record<string, string> = {};
  if (end > page.length) {
    const last = page[page.length - 1]!;
    const url = `${req.origin}/v1/messages?roomId=${encodeURIComponent(roomId)}&max=${max}&beforeMessage=${encodeURIComponent(last.id)}`;
    headers.link = `<${url}>; rel="next"`;
  }
  return json(200, { items: page.map(messageJson) }, headers);
}
