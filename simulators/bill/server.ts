/**
 * The BILL v3 endpoints of the customer-engagement recipe on fastify. Every request passes one pipeline:
 * concurrency slot (at arrival) → latency → injected fault → hourly counter → headers and session → handler.
 */
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ListError, listPage, ListSpec } from './lists';
import { Session, SimState } from './state';
import { servedBanks, servedOrganization, servedPayments, servedUsers } from './switches';

export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

type Auth = 'none' | 'partner' | 'org' | 'any';
interface Ctx {
  req: FastifyRequest;
  session?: Session;
  orgId?: string;
}
interface Route {
  method: 'GET' | 'POST';
  url: string;
  auth: Auth;
  /** The organization whose concurrency slots this request uses, if any. */
  scope?: (req: FastifyRequest, state: SimState) => string | undefined;
  run: (ctx: Ctx) => unknown;
}

const hdr = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};
const body = (req: FastifyRequest): Record<string, unknown> =>
  req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

const CATEGORY: Record<string, string> = { BDC_1001: 'SERVER', BDC_1109: 'DOWNSTREAM' };
export function bdcError(code: string, message: string, at: number) {
  return [
    {
      timestamp: new Date(at).toISOString().replace('Z', '+00:00'),
      code,
      severity: 'ERROR',
      category: CATEGORY[code] ?? 'REQUEST',
      message,
    },
  ];
}

const SESSION_INVALID = 'Session is invalid.  Please log in.';

function strip<T extends object>(o: T, key: string): T {
  const { [key]: _drop, ...rest } = o as Record<string, unknown>;
  return rest as T;
}

export function buildRoutes(state: SimState): Route[] {
  const list = (ctx: Ctx, items: object[], spec: ListSpec, ignoreSort = false) =>
    listPage(items, ctx.req.query as Record<string, string>, spec, {
      emptyLastPage: state.opts.emptyLastPage,
      ignoreSort,
    });
  const orgOf = (id: unknown) => {
    const o = typeof id === 'string' ? state.orgs.get(id) : undefined;
    if (!o) throw new SimError('BDC_1002', 'Invalid organizationId.', 400);
    return o;
  };
  const sessionOrg = (ctx: Ctx) => orgOf(ctx.session?.orgId);
  const partnerUnscoped = state.opts.partnerCallsCountTowardsOrg === false;

  return [
    {
      method: 'POST',
      url: '/v3/partner/login',
      auth: 'none',
      run: ({ req }) => {
        const b = body(req);
        if (
          typeof b.appKey !== 'string' ||
          typeof b.username !== 'string' ||
          typeof b.password !== 'string'
        ) {
          throw new SimError('BDC_1002', 'appKey, username and password are required.');
        }
        if (b.appKey !== state.creds.appKey) throw new SimError('BDC_1102', 'Invalid appKey.');
        if (b.username !== state.creds.username || b.password !== state.creds.password) {
          throw new SimError('BDC_1101', 'Incorrect username or password.');
        }
        return { sessionId: state.newSession({ kind: 'partner' }) };
      },
    },
    {
      method: 'GET',
      url: '/v3/partner/organizations',
      auth: 'partner',
      run: (ctx) =>
        list(
          ctx,
          [...state.orgs.values()].map((o) => servedOrganization(o, state.malformed)),
          {
            endpoint: 'orgs',
            filterable: ['id', 'archived'],
            sortable: ['createdTime', 'updatedTime', 'name', 'id'],
          },
        ),
    },
    {
      method: 'GET',
      url: '/v3/partner/users',
      auth: 'partner',
      scope: (req) => (partnerUnscoped ? undefined : hdr(req, 'organizationId')),
      run: (ctx) => {
        const id = hdr(ctx.req, 'organizationId');
        if (!id) throw new SimError('BDC_1002', 'organizationId header is required.');
        const users = servedUsers(orgOf(id), state.malformed).map((u) => strip(u, 'canSignIn'));
        return list(ctx, users, {
          endpoint: `users:${id}`,
          filterable: ['id', 'archived'],
          sortable: ['createdTime', 'updatedTime', 'id'],
        });
      },
    },
    {
      method: 'POST',
      url: '/v3/partner/login-as-user',
      auth: 'partner',
      scope: (req) => {
        const id = body(req).organizationId;
        return partnerUnscoped || typeof id !== 'string' ? undefined : id;
      },
      run: ({ req }) => {
        const b = body(req);
        if (typeof b.organizationId !== 'string' || typeof b.userId !== 'string') {
          throw new SimError('BDC_1002', 'organizationId and userId are required.');
        }
        const user = orgOf(b.organizationId).users.find((u) => u.id === b.userId);
        if (!user) throw new SimError('BDC_1002', 'Invalid userId.');
        if (user.archived || user.canSignIn === false) {
          const r = state.opts.loginAsUserRejection ?? { status: 400, code: 'BDC_1002' };
          throw new SimError(r.code, 'User is inactive and cannot sign in.', r.status);
        }
        return { sessionId: state.newSession({ kind: 'org', orgId: b.organizationId, userId: user.id }) };
      },
    },
    {
      method: 'GET',
      url: '/v3/funding-accounts/banks',
      auth: 'org',
      run: (ctx) =>
        list(ctx, servedBanks(sessionOrg(ctx), state.malformed), {
          endpoint: `banks:${ctx.session?.orgId}`,
          filterable: [
            'id',
            'archived',
            'status',
            'type',
            'ownerType',
            'accessToAdmins',
            'createdTime',
            'updatedTime',
          ],
          sortable: ['createdTime', 'updatedTime', 'id'],
        }),
    },
    {
      method: 'GET',
      url: '/v3/payments',
      auth: 'org',
      run: (ctx) =>
        list(
          ctx,
          servedPayments(sessionOrg(ctx), state.malformed),
          {
            endpoint: `payments:${ctx.session?.orgId}`,
            filterable: ['id', 'vendorId'],
            sortable: ['createdTime', 'updatedTime', 'processDate', 'id'],
          },
          state.switches.unsortedPayments,
        ),
    },
    {
      method: 'GET',
      url: '/v3/risk-verifications',
      auth: 'org',
      run: (ctx) => {
        const o = sessionOrg(ctx);
        if (state.switches.riskVerificationsUnsupported)
          throw new SimError('BDC_1121', 'API not supported.', 404);
        if (!o.riskDecision) throw new SimError('BDC_1121', 'No risk verification found.', 404);
        return { organizationId: o.id, decision: o.riskDecision };
      },
    },
    {
      method: 'POST',
      url: '/v3/logout',
      auth: 'any',
      run: ({ req }) => {
        const sid = hdr(req, 'sessionId');
        if (sid) state.sessions.delete(sid);
        return {};
      },
    },
  ];
}

function authenticate(state: SimState, route: Route, req: FastifyRequest): Session | undefined {
  const sid = hdr(req, 'sessionId');
  const reject = (): never => {
    state.stats.sessionRejections++;
    throw new SimError('BDC_1109', SESSION_INVALID);
  };
  if (route.auth === 'partner') {
    if (hdr(req, 'appKey') !== state.creds.appKey) throw new SimError('BDC_1102', 'Invalid appKey.');
    return state.touchSession(sid, 'partner') ?? reject();
  }
  if (route.auth === 'org') {
    if (hdr(req, 'devKey') !== state.creds.devKey) throw new SimError('BDC_1102', 'Invalid devKey.');
    return state.touchSession(sid, 'org') ?? reject();
  }
  if (route.auth === 'any') {
    return state.touchSession(sid, 'partner') ?? state.touchSession(sid, 'org') ?? reject();
  }
  return undefined;
}

/** Best-effort organization of a request before it is authenticated, for the concurrency slot. */
function scopeOf(state: SimState, route: Route, req: FastifyRequest): string | undefined {
  if (route.scope) return route.scope(req, state);
  if (route.auth === 'org') {
    const s = state.sessions.get(hdr(req, 'sessionId') ?? '');
    return s?.kind === 'org' ? s.orgId : undefined;
  }
  return undefined;
}

export async function handle(
  state: SimState,
  route: Route,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const path = req.url.split('?')[0];
  state.stats.requests++;
  const orgId = scopeOf(state, route, req);
  const query = { ...(req.query as Record<string, string>) };
  if (query.page) query.page = '<token>';
  const entry = state.record({ method: req.method, path, orgId, query });
  const send = (status: number, payload: unknown, code?: string) => {
    entry.status = status;
    entry.code = code;
    return reply.code(status).send(payload);
  };
  const sendError = (e: SimError) => {
    const status = e.status ?? state.statuses[e.code] ?? 400;
    if (e.code === 'BDC_1144' && state.opts.retryAfterOnHourlyLimit) {
      reply.header('retry-after', String(Math.ceil((3_600_000 - (state.now() % 3_600_000)) / 1000)));
    }
    return send(status, bdcError(e.code, e.message, state.now()), e.code);
  };

  const latency = state.latencyFor({ method: req.method, path, orgId });
  if (orgId && !state.acquire(orgId)) {
    state.stats.concurrencyRejections++;
    await sleep(latency);
    return sendError(new SimError('BDC_1322', 'Max number of concurrent requests per organization reached.'));
  }
  try {
    await sleep(latency);
    const injected = state.takeResponse(path);
    if (injected) {
      const raw = typeof injected.body === 'string';
      reply.header('content-type', injected.contentType ?? (raw ? 'text/html' : 'application/json'));
      return send(injected.status, raw ? injected.body : JSON.stringify(injected.body));
    }
    const fault = state.takeFault(path);
    if (fault)
      return sendError(new SimError(fault.code, fault.message ?? `Injected ${fault.code}.`, fault.status));
    if (state.overHourlyLimit()) {
      state.stats.hourlyRejections++;
      return sendError(
        new SimError('BDC_1144', `Max number of allowed requests per hour reached: ${state.hourlyLimit}.`),
      );
    }
    const session = authenticate(state, route, req);
    entry.sessionKind = session?.kind;
    return send(200, route.run({ req, session, orgId }));
  } catch (err) {
    if (err instanceof SimError) return sendError(err);
    if (err instanceof ListError) return sendError(new SimError('BDC_1002', err.message, 400));
    return sendError(new SimError('BDC_1001', 'System error.', 500));
  } finally {
    if (orgId) state.release(orgId);
  }
}

export function createApp(state: SimState): FastifyInstance {
  const app = Fastify({ logger: false });
  // Served at the root and under `/connect`, so a base URL shaped like BILL's (`…/connect`) works too.
  for (const prefix of ['', '/connect']) {
    for (const route of buildRoutes(state)) {
      app.route({
        method: route.method,
        url: prefix + route.url,
        handler: (req, reply) => handle(state, route, req, reply),
      });
    }
  }
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(bdcError('BDC_1121', 'API not supported.', state.now()));
  });
  app.setErrorHandler((err, _req, reply) => {
    // Fastify's own errors (e.g. malformed JSON) in BILL's error shape.
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    reply
      .code(status)
      .send(bdcError(status >= 500 ? 'BDC_1001' : 'BDC_1002', 'Malformed request.', state.now()));
  });
  return app;
}
