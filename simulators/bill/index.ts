/**
 * startBillSimulator: a real loopback HTTP server speaking the BILL v3 recipe endpoints, with a
 * programmatic control API and the same controls over HTTP under /__admin.
 */
import { FastifyInstance } from 'fastify';
import { seedDataset, SEED_CREDENTIALS } from './seed';
import { createApp } from './server';
import {
  BillSimulatorOptions,
  InjectedFault,
  InjectedResponse,
  Latency,
  RequestLogEntry,
  SimState,
} from './state';
import { MALFORMED_KINDS, type MalformedKind, type SimSwitches } from './switches';
import { BillDataset, SimOrganization } from './types';

export interface BillSimulatorControl {
  readonly dataset: BillDataset;
  now(): number;
  /** Moves the simulator's clock on top of the injected `now` (useful for HTTP-only callers). */
  advanceClock(ms: number): void;
  setLatency(latency: Latency): void;
  expireAllSessions(): void;
  /** The next `count` matching requests fail with this BDC code and HTTP status. */
  failNext(count: number, fault: InjectedFault): void;
  /** The next `count` matching requests get this raw response (for invalid-response tests). */
  respondNext(count: number, response: InjectedResponse): void;
  setHourlyLimit(limit: number): void;
  setConcurrencyLimit(limit: number): void;
  setStatus(code: string, status: number): void;
  requestLog(): RequestLogEntry[];
  /** Highest number of requests seen at once per organization, counting ones rejected with BDC_1322. */
  maxInFlightByOrg(): Record<string, number>;
  inFlightByOrg(): Record<string, number>;
  stats(): SimState['stats'];
  activeSessions(): number;
  /** Clears the request log, max-in-flight and counters (not sessions, data or faults). */
  resetStats(): void;
  clearFaults(): void;
  /** Turns the issue-13 behaviours on or off (see switches.ts). */
  setSwitches(switches: Partial<SimSwitches>): void;
  /** From now on this organization serves this kind of malformed record. */
  malformRecords(organizationId: string, kind: MalformedKind): void;
  /** Adds an organization (a customer enrolling between two runs). */
  addOrganization(org: SimOrganization): void;
  /** Removes an organization from BILL's listing (a customer leaving between two runs). */
  removeOrganization(organizationId: string): void;
  /** Changes an organization's stored data in place (a payment made, a bank verified). */
  updateOrganization(organizationId: string, change: (org: SimOrganization) => void): void;
}

export interface BillSimulator {
  baseUrl: string;
  port: number;
  control: BillSimulatorControl;
  close(): Promise<void>;
}

function makeControl(state: SimState): BillSimulatorControl {
  return {
    dataset: state.dataset,
    now: () => state.now(),
    advanceClock: (ms) => void (state.clockOffset += ms),
    setLatency: (l) => void (state.latency = l),
    expireAllSessions: () => state.expireAllSessions(),
    failNext: (count, fault) => void state.faults.push({ ...fault, remaining: count }),
    respondNext: (count, response) => void state.responses.push({ ...response, remaining: count }),
    setHourlyLimit: (limit) => void (state.hourlyLimit = limit),
    setConcurrencyLimit: (limit) => void (state.concurrencyLimit = limit),
    setStatus: (code, status) => void (state.statuses[code] = status),
    requestLog: () => state.log.map((e) => ({ ...e, query: { ...e.query } })),
    maxInFlightByOrg: () => Object.fromEntries(state.maxInFlight),
    inFlightByOrg: () => Object.fromEntries(state.inFlight),
    stats: () => ({ ...state.stats }),
    activeSessions: () => state.sessions.size,
    resetStats: () => state.resetStats(),
    clearFaults: () => {
      state.faults.length = 0;
      state.responses.length = 0;
    },
    setSwitches: (switches) => void Object.assign(state.switches, switches),
    malformRecords: (organizationId, kind) => {
      const kinds = state.malformed.get(organizationId) ?? new Set<MalformedKind>();
      state.malformed.set(organizationId, kinds.add(kind));
    },
    addOrganization: (org) => {
      state.dataset.organizations.push(org);
      state.orgs.set(org.id, org);
    },
    removeOrganization: (organizationId) => {
      const index = state.dataset.organizations.findIndex((o) => o.id === organizationId);
      if (index < 0) throw new Error(`no organization ${organizationId}`);
      state.dataset.organizations.splice(index, 1);
      state.orgs.delete(organizationId);
    },
    updateOrganization: (organizationId, change) => {
      const org = state.orgs.get(organizationId);
      if (!org) throw new Error(`no organization ${organizationId}`);
      change(org);
    },
  };
}

function registerAdmin(app: FastifyInstance, control: BillSimulatorControl): void {
  const num = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw Object.assign(new Error(`${name} must be a number`), { statusCode: 400 });
    return v;
  };
  const b = (req: { body: unknown }) => (req.body ?? {}) as Record<string, unknown>;
  app.register(
    async (admin) => {
      admin.setErrorHandler((err, _req, reply) => {
        reply
          .code((err as { statusCode?: number }).statusCode ?? 500)
          .send({ error: (err as Error).message });
      });
      admin.get('/state', async () => ({
        now: new Date(control.now()).toISOString(),
        stats: control.stats(),
        maxInFlightByOrg: control.maxInFlightByOrg(),
        inFlightByOrg: control.inFlightByOrg(),
        activeSessions: control.activeSessions(),
      }));
      admin.get('/requests', async () => control.requestLog());
      admin.get('/in-flight', async () => ({
        max: control.maxInFlightByOrg(),
        current: control.inFlightByOrg(),
      }));
      admin.post('/latency', async (req) => {
        const { ms, jitterMs } = b(req);
        const base = num(ms, 'ms');
        const jitter = jitterMs === undefined ? 0 : num(jitterMs, 'jitterMs');
        control.setLatency(jitter ? () => base + Math.random() * jitter : base);
        return { ok: true };
      });
      admin.post('/sessions/expire', async () => (control.expireAllSessions(), { ok: true }));
      admin.post('/faults', async (req) => {
        const { count = 1, code, status, message, path } = b(req);
        if (typeof code !== 'string') throw Object.assign(new Error('code is required'), { statusCode: 400 });
        control.failNext(num(count, 'count'), {
          code,
          status: num(status, 'status'),
          message: message as string | undefined,
          path: path as string | undefined,
        });
        return { ok: true };
      });
      admin.post('/responses', async (req) => {
        const { count = 1, status, body, contentType, path } = b(req);
        control.respondNext(num(count, 'count'), {
          status: num(status, 'status'),
          body,
          contentType: contentType as string | undefined,
          path: path as string | undefined,
        });
        return { ok: true };
      });
      admin.post('/faults/clear', async () => (control.clearFaults(), { ok: true }));
      admin.post(
        '/hourly-limit',
        async (req) => (control.setHourlyLimit(num(b(req).limit, 'limit')), { ok: true }),
      );
      admin.post(
        '/concurrency-limit',
        async (req) => (control.setConcurrencyLimit(num(b(req).limit, 'limit')), { ok: true }),
      );
      admin.post('/status', async (req) => {
        const { code, status } = b(req);
        if (typeof code !== 'string') throw Object.assign(new Error('code is required'), { statusCode: 400 });
        control.setStatus(code, num(status, 'status'));
        return { ok: true };
      });
      admin.post(
        '/clock/advance',
        async (req) => (
          control.advanceClock(num(b(req).ms, 'ms')),
          { now: new Date(control.now()).toISOString() }
        ),
      );
      admin.post('/reset-stats', async () => (control.resetStats(), { ok: true }));
      admin.post('/switches', async (req) => {
        const body = b(req);
        const picked: Partial<SimSwitches> = {};
        for (const key of ['riskVerificationsUnsupported', 'unsortedPayments'] as const) {
          if (body[key] !== undefined) picked[key] = body[key] === true;
        }
        control.setSwitches(picked);
        return { ok: true };
      });
      admin.post('/malformed', async (req) => {
        const { organizationId, kind } = b(req);
        if (typeof organizationId !== 'string' || !MALFORMED_KINDS.includes(kind as MalformedKind))
          throw Object.assign(
            new Error(`organizationId and kind (${MALFORMED_KINDS.join('|')}) are required`),
            {
              statusCode: 400,
            },
          );
        control.malformRecords(organizationId, kind as MalformedKind);
        return { ok: true };
      });
    },
    { prefix: '/__admin' },
  );
}

export async function startBillSimulator(opts: BillSimulatorOptions = {}): Promise<BillSimulator> {
  const state = new SimState(opts.dataset ?? seedDataset(), opts.credentials ?? SEED_CREDENTIALS, opts);
  const app = createApp(state);
  const control = makeControl(state);
  registerAdmin(app, control);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  return {
    baseUrl: `http://${host}:${port}`,
    port,
    control,
    close: () => app.close(),
  };
}

export type {
  BillSimulatorOptions,
  InjectedFault,
  InjectedResponse,
  Latency,
  RequestLogEntry,
} from './state';
export {
  SEED_AS_OF,
  SEED_CREDENTIALS,
  SEED_EXPECTED_REASONS,
  SEED_EXPECTED_REASONS_WITHOUT_RISK_VERIFICATION,
  seedDataset,
} from './seed';
export { generateBillDataset } from './generate';
export { createSimulatedClock } from './clock';
export type { SimulatedClock } from './clock';
export { MALFORMED_KINDS } from './switches';
export type { MalformedKind, SimSwitches } from './switches';
export { bank, billTime, payment, org as organization, user } from './builders';
export type { GenerateOptions, GeneratedDataset } from './generate';
export type * from './types';
