/**
 * Webex REST client. Tokens are passed per call because the integration workflow owns
 * and refreshes them; the client itself holds no credentials.
 */
import { z } from 'zod';
import { RetryAfterPolicy, WebexApiError } from './errors';
import {
  WebexMessage,
  WebexMessageSummary,
  WebexPerson,
  WebexRoom,
  WebexRoomSummary,
  messageListSchema,
  messageSchema,
  personSchema,
  roomListSchema,
  roomSchema,
} from './schemas';
import { SendRequest, createTransport, errorFromStatus, parseBody, send, RawResponse } from './transport';

export interface WebexClientConfig {
  baseUrl: string;
  timeoutMs?: number;
  retryAfter?: Partial<RetryAfterPolicy>;
  /** Upper bound on pages followed by listAllRooms (loop guard). */
  maxPages?: number;
}

export interface WebexClient {
  getMe(token: string): Promise<WebexPerson>;
  listAllRooms(token: string, opts?: { max?: number }): Promise<WebexRoomSummary[]>;
  createRoom(token: string, title: string): Promise<WebexRoom>;
  getRoom(token: string, roomId: string): Promise<WebexRoom>;
  postMessage(token: string, msg: { roomId: string; text: string }): Promise<WebexMessage>;
  /**
   * Most recent messages of a room, newest first (one page); with `beforeMessage`, the page of
   * messages older than that one (Webex's paging for this list).
   */
  listMessages(
    token: string,
    roomId: string,
    opts?: { max?: number; beforeMessage?: string },
  ): Promise<WebexMessageSummary[]>;
}

/** The operation label of postMessage's errors (the delivery tells a failed post from a failed read). */
export const POST_MESSAGE_OPERATION = 'POST /messages';

export function createWebexClient(cfg: WebexClientConfig): WebexClient {
  const t = createTransport(cfg);
  const maxPages = cfg.maxPages ?? 1000;
  const baseOrigin = new URL(t.baseUrl).origin;

  async function call<T>(
    req: Omit<SendRequest, 'headers'>,
    token: string,
    schema: z.ZodType<T>,
  ): Promise<{ body: T; res: RawResponse }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (req.data !== undefined) headers['Content-Type'] = 'application/json';
    const full = { ...req, headers };
    const res = await send(t, full);
    if (res.status < 200 || res.status >= 300) throw errorFromStatus(t, full, res);
    return { body: parseBody(schema, full, res), res };
  }

  const invalid = (operation: string, detail: string) =>
    new WebexApiError({
      kind: 'invalid_response',
      message: `Webex ${operation}: invalid response: ${detail}`,
      retryable: false,
      mayHaveBeenApplied: false,
      operation,
    });

  return {
    async getMe(token) {
      const { body } = await call(
        { method: 'GET', url: `${t.baseUrl}/people/me`, operation: 'GET /people/me' },
        token,
        personSchema,
      );
      return { id: body.id, displayName: body.displayName, emails: body.emails };
    },

    async listAllRooms(token, opts = {}) {
      const operation = 'GET /rooms';
      const max = opts.max ?? 100;
      let url: string | undefined = `${t.baseUrl}/rooms?max=${encodeURIComponent(String(max))}`;
      const seen = new Set<string>();
      const rooms: WebexRoomSummary[] = [];
      while (url !== undefined) {
        if (seen.has(url)) throw invalid(operation, 'Link rel="next" repeats a page already read');
        if (seen.size >= maxPages) throw invalid(operation, `more than ${maxPages} pages`);
        seen.add(url);
        const { body, res }: { body: z.infer<typeof roomListSchema>; res: RawResponse } = await call(
          { method: 'GET', url, operation },
          token,
          roomListSchema,
        );
        for (const r of body.items) {
          const room: WebexRoomSummary = { id: r.id, title: r.title ?? null };
          if (r.type !== undefined) room.type = r.type;
          if (r.created !== undefined) room.created = r.created;
          if (r.creatorId !== undefined) room.creatorId = r.creatorId;
          rooms.push(room);
        }
        const next = nextLink(res.headers['link']);
        if (next === undefined) break;
        url = checkNextUrl(next, url, baseOrigin, max, (d) => invalid(operation, d));
      }
      return rooms;
    },

    async createRoom(token, title) {
      const { body } = await call(
        {
          method: 'POST',
          url: `${t.baseUrl}/rooms`,
          operation: 'POST /rooms',
          data: JSON.stringify({ title }),
        },
        token,
        roomSchema,
      );
      return toRoom(body);
    },

    async getRoom(token, roomId) {
      const { body } = await call(
        {
          method: 'GET',
          url: `${t.baseUrl}/rooms/${encodeURIComponent(roomId)}`,
          operation: 'GET /rooms/{roomId}',
        },
        token,
        roomSchema,
      );
      return toRoom(body);
    },

    async postMessage(token, msg) {
      // Plain `text` only: markdown would turn `_` in keys into italics (DESIGN §4.4).
      const { body } = await call(
        {
          method: 'POST',
          url: `${t.baseUrl}/messages`,
          operation: POST_MESSAGE_OPERATION,
          data: JSON.stringify({ roomId: msg.roomId, text: msg.text }),
        },
        token,
        messageSchema,
      );
      return {
        id: body.id,
        roomId: body.roomId,
        text: body.text ?? '',
        personId: body.personId,
        created: body.created,
      };
    },

    async listMessages(token, roomId, opts = {}) {
      const max = opts.max ?? 50;
      const before = opts.beforeMessage ? `&beforeMessage=${encodeURIComponent(opts.beforeMessage)}` : '';
      const query = `roomId=${encodeURIComponent(roomId)}&max=${encodeURIComponent(String(max))}${before}`;
      const { body } = await call(
        { method: 'GET', url: `${t.baseUrl}/messages?${query}`, operation: 'GET /messages' },
        token,
        messageListSchema,
      );
      return body.items.map((m) => ({
        id: m.id,
        text: m.text ?? '',
        personId: m.personId,
        created: m.created,
      }));
    },
  };
}

function toRoom(body: z.infer<typeof roomSchema>): WebexRoom {
  const room: WebexRoom = { id: body.id, title: body.title, created: body.created };
  if (body.type !== undefined) room.type = body.type;
  return room;
}

/** RFC 8288 Link header: returns the target of the first link whose rel includes `next`. */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const re = /<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g;
  for (let m = re.exec(header); m !== null; m = re.exec(header)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(m[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return m[1];
  }
  return undefined;
}

function checkNextUrl(
  next: string,
  current: string,
  baseOrigin: string,
  max: number,
  invalid: (detail: string) => WebexApiError,
): string {
  let url: URL;
  try {
    url = new URL(next, current);
  } catch {
    throw invalid('Link rel="next" is not a URL');
  }
  // The bearer token is sent to whatever this URL names, so it must stay on the API host.
  if (url.origin !== baseOrigin) throw invalid('Link rel="next" points to another host');
  // Historic Webex bug: next links carried `max=null` (PYSDK `_fix_next_url`).
  if (url.searchParams.get('max') === 'null') url.searchParams.set('max', String(max));
  return url.toString();
}
