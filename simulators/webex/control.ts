/** Programmatic control of a running simulator: configuration, seeding, faults, read-back. */
import { FaultAction, FaultQueue, FaultRule, FaultRuleInput } from './faults';
import { AuthorizeDecision, EmptyPages, SimConfig, SimState, SimUser, UserInput } from './state';

export interface FaultMatch {
  method?: string;
  pathPrefix?: string;
  /** Only requests about this room: lets a test break one account while another carries on. */
  roomId?: string;
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  /** Path only: query strings can carry codes and state, so they are never recorded. */
  path: string;
  /** 0 when no response was sent (hang or drop). */
  status: number;
  fault?: FaultAction['kind'];
}

export interface RoomView {
  id: string;
  title: string;
  created: string;
  creatorId: string;
  members: string[];
  deleted: boolean;
}

export interface MessageView {
  id: string;
  roomId: string;
  text?: string;
  markdown?: string;
  personId: string;
  created: string;
}

export interface WebexSimulatorControl {
  config(): SimConfig;
  configure(patch: Partial<SimConfig>): void;
  setAuthorizeDecision(decision: AuthorizeDecision): void;
  setAuthorizingUser(idOrEmail: string): void;
  setTokenLifetimes(o: {
    accessTokenSeconds?: number;
    refreshTokenSeconds?: number;
    codeSeconds?: number;
  }): void;
  setRefreshRotation(on: boolean): void;
  /** Returns how many tokens were revoked. */
  revokeRefreshTokens(): number;
  revokeRefreshToken(token: string): boolean;
  revokeAccessTokens(): number;
  /** Issues tokens without the browser step (for tests that start "already connected"). */
  issueTokens(userIdOrEmail?: string): { accessToken: string; refreshToken: string };
  advanceClock(ms: number): void;
  now(): number;

  addUser(user: UserInput): SimUser;
  users(): SimUser[];
  seedRoom(title: string, opts?: { creator?: string; members?: string[] }): RoomView;
  deleteRoom(roomId: string): boolean;
  removeMember(roomId: string, userIdOrEmail: string): boolean;
  setRoomPageSize(n: number): void;
  setEmptyPages(mode: EmptyPages): void;

  setLatency(ms: number): void;
  addFault(rule: FaultRuleInput): number;
  removeFault(id: number): boolean;
  clearFaults(): void;
  faults(): FaultRule[];
  rateLimitNext(
    n?: number,
    opts?: FaultMatch & { retryAfter?: number | string | null; html?: boolean },
  ): number;
  failNext(n?: number, status?: number, match?: FaultMatch): number;
  timeoutNext(n?: number, opts?: FaultMatch & { hangMs?: number }): number;
  dropNext(n?: number, match?: FaultMatch): number;
  /** Handles the request (e.g. stores the message), then answers `status` instead: an ambiguous failure. */
  failAfterStore(n?: number, status?: number, match?: FaultMatch): number;
  unauthorizedNext(n?: number, match?: FaultMatch): number;
  respondNext(
    n: number,
    response: {
      status: number;
      body?: unknown;
      rawBody?: string;
      contentType?: string;
      headers?: Record<string, string>;
    },
    match?: FaultMatch,
  ): number;

  rooms(): RoomView[];
  /** Oldest → newest. */
  messages(roomId: string): MessageView[];
  /** How many messages the room holds (cheap: for polling). */
  messageCount(roomId: string): number;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  counts(): { codeExchanges: number; tokenRefreshes: number; authorizations: number };
  /** Clears rooms, messages, codes, tokens, faults and the request log; keeps users and config. */
  reset(): void;
}

export interface ControlContext {
  state: SimState;
  faults: FaultQueue;
  log: RequestLogEntry[];
}

export function createControl(ctx: ControlContext): WebexSimulatorControl {
  const { state, faults, log } = ctx;
  const user = (idOrEmail: string): SimUser => {
    const u = state.findUser(idOrEmail);
    if (!u) throw new Error('unknown simulator user');
    return u;
  };
  const fault = (
    n: number | undefined,
    action: FaultAction,
    match: FaultMatch = {},
    phase: 'before' | 'after' = 'before',
  ) => faults.add({ ...pickMatch(match), times: n ?? 1, phase, action }).id;
  const roomView = (id: string): RoomView => {
    const r = state.rooms.get(id)!;
    return {
      id: r.id,
      title: r.title,
      created: r.created,
      creatorId: r.creatorId,
      members: [...r.members],
      deleted: r.deleted,
    };
  };
  const revokeAll = (map: Map<string, { revoked: boolean }>) => {
    let n = 0;
    for (const t of map.values()) {
      if (!t.revoked) {
        t.revoked = true;
        n++;
      }
    }
    return n;
  };

  return {
    config: () => ({ ...state.config }),
    configure: (patch) => void Object.assign(state.config, patch),
    setAuthorizeDecision: (decision) => void (state.config.authorizeDecision = decision),
    setAuthorizingUser: (idOrEmail) => void (state.authorizingUserId = user(idOrEmail).id),
    setTokenLifetimes: (o) => void Object.assign(state.config, o),
    setRefreshRotation: (on) => void (state.config.refreshRotation = on),
    revokeRefreshTokens: () => revokeAll(state.refreshTokens),
    revokeRefreshToken: (token) => {
      const t = state.refreshTokens.get(token);
      if (!t || t.revoked) return false;
      t.revoked = true;
      return true;
    },
    revokeAccessTokens: () => revokeAll(state.accessTokens),
    issueTokens: (idOrEmail) =>
      state.issueTokens(
        idOrEmail ? user(idOrEmail).id : state.authorizingUserId,
        state.config.clientId,
        'spark:all',
      ),
    advanceClock: (ms) => state.advanceClock(ms),
    now: () => state.now(),

    addUser: (u) => state.addUser(u),
    users: () => state.users.map((u) => ({ ...u })),
    seedRoom: (title, opts = {}) => {
      const creator = opts.creator ? user(opts.creator).id : state.authorizingUserId;
      const members = opts.members ? opts.members.map((m) => user(m).id) : [creator];
      return roomView(state.createRoom(title, creator, members).id);
    },
    deleteRoom: (roomId) => {
      const r = state.rooms.get(roomId);
      if (!r || r.deleted) return false;
      r.deleted = true;
      return true;
    },
    removeMember: (roomId, idOrEmail) => state.rooms.get(roomId)?.members.delete(user(idOrEmail).id) ?? false,
    setRoomPageSize: (n) => void (state.config.roomPageSize = Math.max(1, Math.floor(n))),
    setEmptyPages: (mode) => void (state.config.emptyPages = mode),

    setLatency: (ms) => void (state.config.latencyMs = Math.max(0, ms)),
    addFault: (rule) => faults.add(rule).id,
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    rateLimitNext: (n, opts = {}) =>
      fault(
        n,
        {
          kind: 'rate_limit',
          ...(opts.retryAfter !== undefined ? { retryAfter: opts.retryAfter } : {}),
          html: !!opts.html,
        },
        opts,
      ),
    failNext: (n, status = 500, match) => fault(n, { kind: 'respond', status }, match),
    timeoutNext: (n, opts = {}) =>
      fault(n, { kind: 'hang', ...(opts.hangMs !== undefined ? { ms: opts.hangMs } : {}) }, opts),
    dropNext: (n, match) => fault(n, { kind: 'drop' }, match),
    failAfterStore: (n, status = 502, match = { method: 'POST', pathPrefix: '/messages' }) =>
      fault(n, { kind: 'respond', status }, match, 'after'),
    unauthorizedNext: (n, match) => fault(n, { kind: 'unauthorized' }, match),
    respondNext: (n, response, match) => fault(n, { kind: 'respond', ...response }, match),

    rooms: () => [...state.rooms.values()].sort((a, b) => a.seq - b.seq).map((r) => roomView(r.id)),
    messages: (roomId) =>
      state.roomMessages(roomId).map((m) => {
        const v: MessageView = { id: m.id, roomId: m.roomId, personId: m.personId, created: m.created };
        if (m.text !== undefined) v.text = m.text;
        if (m.markdown !== undefined) v.markdown = m.markdown;
        return v;
      }),
    messageCount: (roomId) => state.roomMessages(roomId).length,
    requests: () => log.map((e) => ({ ...e })),
    clearRequests: () => void log.splice(0),
    counts: () => ({ ...state.counts }),
    reset: () => {
      state.rooms.clear();
      state.clearMessages();
      state.codes.clear();
      state.accessTokens.clear();
      state.refreshTokens.clear();
      state.counts = { codeExchanges: 0, tokenRefreshes: 0, authorizations: 0 };
      faults.clear();
      log.splice(0);
    },
  };
}

function pickMatch(m: FaultMatch): FaultMatch {
  const out: FaultMatch = {};
  if (m.method) out.method = m.method;
  if (m.pathPrefix) out.pathPrefix = m.pathPrefix;
  if (m.roomId) out.roomId = m.roomId;
  return out;
}
