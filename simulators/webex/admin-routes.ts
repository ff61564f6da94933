/**
 * JSON admin endpoints under /__admin, a thin HTTP face of the control API so that a
 * standalone simulator (demo, benchmarks, another process) can be steered too.
 * They bypass faults and the request log.
 */
import { WebexSimulatorControl } from './control';
import { FaultRuleInput } from './faults';
import { SimRequest, SimResponse, json } from './http';
import { SimConfig } from './state';

const CONFIG_KEYS: (keyof SimConfig)[] = [
  'redirectUris',
  'allowedScopes',
  'requirePkce',
  'accessTokenSeconds',
  'refreshTokenSeconds',
  'codeSeconds',
  'refreshRotation',
  'roomPageSize',
  'emptyPages',
  'maxMessageBytes',
  'authorizeDecision',
  'errorRedirectIncludesState',
  'latencyMs',
];

type Body = Record<string, unknown>;

function parse(req: SimRequest): Body | undefined {
  if (req.rawBody.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(req.rawBody);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Body) : undefined;
  } catch {
    return undefined;
  }
}

const bad = (error: string): SimResponse => json(400, { error });

export function routeAdmin(control: WebexSimulatorControl, req: SimRequest): SimResponse {
  const body = parse(req);
  if (body === undefined) return bad('body must be a JSON object');
  const key = `${req.method} ${req.path.replace(/^\/__admin/, '')}`;
  try {
    return dispatch(control, key, body) ?? json(404, { error: 'unknown admin endpoint' });
  } catch (e) {
    return bad(e instanceof Error ? e.message : 'invalid request');
  }
}

function dispatch(c: WebexSimulatorControl, key: string, b: Body): SimResponse | undefined {
  const num = (k: string, fallback?: number): number => {
    const v = b[k] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${k} must be a number`);
    return v;
  };
  const match = { method: b.method as string | undefined, pathPrefix: b.pathPrefix as string | undefined };
  const times = b.times === undefined ? 1 : num('times');
  const roomMessages = /^GET \/rooms\/([^/]+)\/messages$/.exec(key);
  if (roomMessages) return json(200, { items: c.messages(decodeURIComponent(roomMessages[1]!)) });
  const roomDelete = /^DELETE \/rooms\/([^/]+)$/.exec(key);
  if (roomDelete) return json(200, { deleted: c.deleteRoom(decodeURIComponent(roomDelete[1]!)) });
  const faultDelete = /^DELETE \/faults\/(\d+)$/.exec(key);
  if (faultDelete) return json(200, { removed: c.removeFault(Number(faultDelete[1])) });

  switch (key) {
    case 'GET /state':
      return json(200, {
        config: redacted(c),
        users: c.users(),
        rooms: c.rooms(),
        counts: c.counts(),
        faults: c.faults(),
      });
    case 'GET /config':
      return json(200, redacted(c));
    case 'POST /config': {
      const patch: Partial<SimConfig> = {};
      for (const k of CONFIG_KEYS) if (k in b) (patch as Record<string, unknown>)[k] = b[k];
      c.configure(patch);
      return json(200, redacted(c));
    }
    case 'POST /authorize-decision':
      c.setAuthorizeDecision(b.decision as SimConfig['authorizeDecision']);
      return json(200, { ok: true });
    case 'POST /latency':
      c.setLatency(num('ms'));
      return json(200, { ok: true });
    case 'POST /clock/advance':
      c.advanceClock(num('ms'));
      return json(200, { now: c.now() });
    case 'POST /revoke-refresh-tokens':
      return json(200, {
        revoked:
          typeof b.token === 'string' ? Number(c.revokeRefreshToken(b.token)) : c.revokeRefreshTokens(),
      });
    case 'POST /revoke-access-tokens':
      return json(200, { revoked: c.revokeAccessTokens() });
    case 'POST /tokens':
      return json(200, c.issueTokens(typeof b.user === 'string' ? b.user : undefined));
    case 'GET /users':
      return json(200, { items: c.users() });
    case 'POST /users':
      return json(200, c.addUser({ displayName: String(b.displayName), email: String(b.email) }));
    case 'GET /rooms':
      return json(200, { items: c.rooms() });
    case 'POST /rooms':
      return json(
        200,
        c.seedRoom(String(b.title), {
          creator: b.creator as string | undefined,
          members: b.members as string[] | undefined,
        }),
      );
    case 'GET /requests':
      return json(200, { items: c.requests() });
    case 'DELETE /requests':
      c.clearRequests();
      return json(200, { ok: true });
    case 'GET /faults':
      return json(200, { items: c.faults() });
    case 'POST /faults':
      return json(200, { id: c.addFault(asFaultRule(b)) });
    case 'DELETE /faults':
      c.clearFaults();
      return json(200, { ok: true });
    case 'POST /faults/rate-limit':
      return json(200, {
        id: c.rateLimitNext(times, {
          ...match,
          retryAfter: b.retryAfter as number | string | null | undefined,
          html: !!b.html,
        }),
      });
    case 'POST /faults/server-error':
      return json(200, { id: c.failNext(times, num('status', 500), match) });
    case 'POST /faults/timeout':
      return json(200, {
        id: c.timeoutNext(times, { ...match, ...(b.hangMs !== undefined ? { hangMs: num('hangMs') } : {}) }),
      });
    case 'POST /faults/drop':
      return json(200, { id: c.dropNext(times, match) });
    case 'POST /faults/fail-after-store':
      return json(200, {
        id: c.failAfterStore(times, num('status', 502), b.method || b.pathPrefix ? match : undefined),
      });
    case 'POST /faults/unauthorized':
      return json(200, { id: c.unauthorizedNext(times, match) });
    case 'POST /reset':
      c.reset();
      return json(200, { ok: true });
    default:
      return undefined;
  }
}

const ACTION_KINDS = new Set(['rate_limit', 'respond', 'hang', 'drop', 'latency', 'unauthorized']);

function asFaultRule(b: Body): FaultRuleInput {
  const action = b.action as { kind?: unknown } | undefined;
  if (typeof action !== 'object' || action === null || !ACTION_KINDS.has(String(action.kind))) {
    throw new Error(`action.kind must be one of ${[...ACTION_KINDS].join(', ')}`);
  }
  if (b.phase !== undefined && b.phase !== 'before' && b.phase !== 'after')
    throw new Error('phase must be before or after');
  return b as unknown as FaultRuleInput;
}

/** Even a fake secret stays out of admin output, so nobody learns to paste real ones there. */
function redacted(c: WebexSimulatorControl): Omit<SimConfig, 'clientSecret'> & { clientSecret: string } {
  return { ...c.config(), clientSecret: '[redacted]' };
}
