/** In-memory state of the Webex simulator: users, rooms, messages, OAuth codes and tokens. */
import { IdGenerator } from './ids';

export type AuthorizeDecision = 'approve' | 'decline' | 'invalid_scope' | 'server_error';
export type EmptyPages = 'none' | 'trailing' | 'interleaved';

export interface SimConfig {
  clientId: string;
  clientSecret: string;
  /** When set, `redirect_uri` must be one of these; otherwise any absolute URL is accepted. */
  redirectUris: string[] | null;
  /** When set, every requested scope must be in it (else `error=invalid_scope`). */
  allowedScopes: string[] | null;
  requirePkce: boolean;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  codeSeconds: number;
  /** Webex sources disagree; default off = same refresh token back, expiry not reset. */
  refreshRotation: boolean;
  roomPageSize: number;
  emptyPages: EmptyPages;
  maxMessageBytes: number;
  authorizeDecision: AuthorizeDecision;
  /** Whether `state` is echoed on an error redirect (unconfirmed for Webex). */
  errorRedirectIncludesState: boolean;
  latencyMs: number;
}

export const DEFAULT_SCOPES = [
  'spark:rooms_read',
  'spark:rooms_write',
  'spark:messages_read',
  'spark:messages_write',
  'spark:people_read',
  'spark:memberships_read',
  'spark:memberships_write',
  'spark:kms',
  'spark:all',
];

export function defaultConfig(): SimConfig {
  return {
    clientId: 'sim-client-id',
    clientSecret: 'sim-client-secret',
    redirectUris: null,
    allowedScopes: [...DEFAULT_SCOPES],
    requirePkce: false,
    accessTokenSeconds: 1209599,
    refreshTokenSeconds: 7775999,
    codeSeconds: 600,
    refreshRotation: false,
    roomPageSize: 100,
    emptyPages: 'none',
    maxMessageBytes: 7439,
    authorizeDecision: 'approve',
    errorRedirectIncludesState: true,
    latencyMs: 0,
  };
}

export interface SimUser {
  id: string;
  displayName: string;
  email: string;
  orgId: string;
}

export interface SimRoom {
  id: string;
  title: string;
  type: 'group';
  creatorId: string;
  created: string;
  lastActivity: string;
  members: Set<string>;
  deleted: boolean;
  seq: number;
}

export interface SimMessage {
  id: string;
  roomId: string;
  text?: string;
  markdown?: string;
  personId: string;
  personEmail: string;
  created: string;
  seq: number;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  challenge?: string;
  challengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  used: boolean;
}

export interface IssuedToken {
  userId: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  revoked: boolean;
}

export interface UserInput {
  id?: string;
  displayName: string;
  email: string;
}

export class SimState {
  readonly ids: IdGenerator;
  readonly orgUuid: string;
  readonly orgId: string;
  config: SimConfig;
  users: SimUser[] = [];
  authorizingUserId: string;
  rooms = new Map<string, SimRoom>();
  /** Every message, oldest first (seq order). */
  messages: SimMessage[] = [];
  /** The same messages by room, oldest first: a busy room is read without scanning every room's. */
  private readonly byRoom = new Map<string, SimMessage[]>();
  codes = new Map<string, AuthCode>();
  accessTokens = new Map<string, IssuedToken>();
  refreshTokens = new Map<string, IssuedToken>();
  counts = { codeExchanges: 0, tokenRefreshes: 0, authorizations: 0 };
  private seq = 0;
  private clockOffsetMs = 0;

  constructor(
    private readonly baseNow: () => number,
    seed: number,
    config: Partial<SimConfig>,
    users: UserInput[],
  ) {
    this.ids = new IdGenerator(seed);
    this.orgUuid = this.ids.uuid();
    this.orgId = this.ids.id('ORGANIZATION', this.orgUuid);
    this.config = { ...defaultConfig(), ...config };
    const initial = users.length ? users : [{ displayName: 'Ada Lovelace', email: 'installer@example.com' }];
    for (const u of initial) this.addUser(u);
    this.authorizingUserId = this.users[0]!.id;
  }

  now(): number {
    return this.baseNow() + this.clockOffsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  addUser(u: UserInput): SimUser {
    const user: SimUser = {
      id: u.id ?? this.ids.id('PEOPLE'),
      displayName: u.displayName,
      email: u.email,
      orgId: this.orgId,
    };
    this.users.push(user);
    return user;
  }

  findUser(idOrEmail: string): SimUser | undefined {
    return this.users.find((u) => u.id === idOrEmail || u.email === idOrEmail);
  }

  createRoom(title: string, creatorId: string, memberIds: string[] = [creatorId]): SimRoom {
    const created = this.nowIso();
    const room: SimRoom = {
      id: this.ids.id('ROOM'),
      title,
      type: 'group',
      creatorId,
      created,
      lastActivity: created,
      members: new Set(memberIds),
      deleted: false,
      seq: this.nextSeq(),
    };
    this.rooms.set(room.id, room);
    return room;
  }

  addMessage(message: SimMessage): void {
    this.messages.push(message);
    let list = this.byRoom.get(message.roomId);
    if (!list) this.byRoom.set(message.roomId, (list = []));
    list.push(message);
  }

  /** The room's messages, oldest first (do not modify). */
  roomMessages(roomId: string): readonly SimMessage[] {
    return this.byRoom.get(roomId) ?? [];
  }

  clearMessages(): void {
    this.messages.splice(0);
    this.byRoom.clear();
  }

  /** A room the user can see: Webex answers 404 (not 403) for rooms you are not in. */
  visibleRoom(roomId: string, userId: string): SimRoom | undefined {
    const room = this.rooms.get(roomId);
    return room && !room.deleted && room.members.has(userId) ? room : undefined;
  }

  issueTokens(
    userId: string,
    clientId: string,
    scope: string,
  ): { accessToken: string; refreshToken: string } {
    const accessToken = this.issueAccessToken(userId, clientId, scope);
    return { accessToken, refreshToken: this.issueRefreshToken(userId, clientId, scope) };
  }

  issueRefreshToken(userId: string, clientId: string, scope: string): string {
    const token = this.ids.token(this.orgUuid);
    this.refreshTokens.set(token, {
      userId,
      clientId,
      scope,
      expiresAt: this.now() + this.config.refreshTokenSeconds * 1000,
      revoked: false,
    });
    return token;
  }

  issueAccessToken(userId: string, clientId: string, scope: string): string {
    const token = this.ids.token(this.orgUuid);
    this.accessTokens.set(token, {
      userId,
      clientId,
      scope,
      expiresAt: this.now() + this.config.accessTokenSeconds * 1000,
      revoked: false,
    });
    return token;
  }

  /** Valid = known, not revoked, not expired. */
  validToken(map: Map<string, IssuedToken>, token: string | undefined): IssuedToken | undefined {
    const t = token === undefined ? undefined : map.get(token);
    return t && !t.revoked && t.expiresAt > this.now() ? t : undefined;
  }
}
