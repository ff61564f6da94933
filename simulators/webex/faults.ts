/**
 * Fault injection as an ordered rule list: the first matching rule with uses left fires.
 * Rules are plain JSON so the same shape works programmatically and over /__admin/faults.
 * To add a fault type, add an action variant here and a branch in `server.ts#applyFault`.
 */
import { MESSAGES, SimResponse, defaultMessageForStatus, json, nextTrackingId } from './http';

export type FaultAction =
  /** 429; `retryAfter` null/absent → no header; a string is sent verbatim (e.g. `rand(30),add(30)`). */
  | { kind: 'rate_limit'; retryAfter?: number | string | null; html?: boolean }
  /** Any status with a Webex-shaped body, or a custom JSON `body` / verbatim `rawBody`. */
  | {
      kind: 'respond';
      status: number;
      body?: unknown;
      rawBody?: string;
      contentType?: string;
      headers?: Record<string, string>;
    }
  /** Keep the connection open for `ms` (default 30 s), then destroy it without a response. */
  | { kind: 'hang'; ms?: number }
  /** Destroy the connection at once (network error). */
  | { kind: 'drop' }
  /** Delay by `ms`, then carry on normally. */
  | { kind: 'latency'; ms: number }
  /** 401 as if the access token were invalid. */
  | { kind: 'unauthorized' };

export type FaultPhase = 'before' | 'after';

export interface FaultRuleInput {
  /** e.g. 'POST'; absent = any method. */
  method?: string;
  /** Matched against the path with or without the `/v1` prefix, e.g. '/messages'. */
  pathPrefix?: string;
  /** How many matching requests it affects; absent = 1; null/Infinity = unlimited. */
  times?: number | null;
  /**
   * 'before' (default): instead of handling the request. 'after': the request is handled
   * (state changes, e.g. the message is stored) and only a 2xx outcome is replaced.
   */
  phase?: FaultPhase;
  /** Only requests about this room (`roomId` in the JSON body or query): one account's outage. */
  roomId?: string;
  action: FaultAction;
}

export interface FaultRule {
  id: number;
  method?: string;
  pathPrefix?: string;
  roomId?: string;
  remaining: number;
  phase: FaultPhase;
  action: FaultAction;
  fired: number;
}

export class FaultQueue {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(input: FaultRuleInput): FaultRule {
    const times = input.times === undefined ? 1 : input.times === null ? Infinity : input.times;
    const rule: FaultRule = {
      id: this.nextId++,
      remaining: times,
      phase: input.phase ?? 'before',
      action: input.action,
      fired: 0,
    };
    if (input.method) rule.method = input.method.toUpperCase();
    if (input.pathPrefix) rule.pathPrefix = input.pathPrefix;
    if (input.roomId) rule.roomId = input.roomId;
    this.rules.push(rule);
    return rule;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Consumes one use of the first matching rule for this phase. */
  take(method: string, path: string, phase: FaultPhase, roomId?: string): FaultRule | undefined {
    const rule = this.rules.find(
      (r) =>
        r.phase === phase &&
        r.remaining > 0 &&
        (r.method === undefined || r.method === method) &&
        (r.roomId === undefined || r.roomId === roomId) &&
        (r.pathPrefix === undefined ||
          path.startsWith(r.pathPrefix) ||
          path.startsWith(`/v1${r.pathPrefix}`)),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    rule.fired += 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return { ...rule };
  }
}

/** Builds the HTTP response for actions that answer (rate_limit, respond, unauthorized). */
export function faultResponse(action: FaultAction): SimResponse | undefined {
  switch (action.kind) {
    case 'rate_limit': {
      const headers: Record<string, string> = {};
      if (action.retryAfter !== undefined && action.retryAfter !== null)
        headers['retry-after'] = String(action.retryAfter);
      if (action.html) {
        headers['content-type'] = 'text/html';
        return { status: 429, headers, body: '<html><body><h1>429 Too Many Requests</h1></body></html>' };
      }
      return json(
        429,
        {
          message: MESSAGES.rateLimited,
          errors: [{ description: MESSAGES.rateLimited }],
          trackingId: nextTrackingId(),
        },
        headers,
      );
    }
    case 'respond': {
      const headers = { ...(action.headers ?? {}) };
      if (action.contentType) headers['content-type'] = action.contentType;
      if (action.rawBody !== undefined) return { status: action.status, headers, body: action.rawBody };
      const message = defaultMessageForStatus(action.status);
      const body =
        action.body !== undefined
          ? action.body
          : { message, errors: [{ description: message }], trackingId: nextTrackingId() };
      return json(action.status, body, headers);
    }
    case 'unauthorized':
      return json(401, {
        message: MESSAGES.unauthorized,
        errors: [{ description: MESSAGES.unauthorized }],
        trackingId: nextTrackingId(),
      });
    default:
      return undefined;
  }
}
