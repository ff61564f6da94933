/**
 * Mutable simulator state: sessions, rate-limit counters, injected faults and the request log.
 * The log never stores header values, so a test can print it without leaking anything.
 */
import { randomBytes } from 'node:crypto';
import type { MalformedRecords, SimSwitches } from './switches';
import { BillCredentials, BillDataset, SimOrganization } from './types';

export type SessionKind = 'partner' | 'org';
export interface Session {
  kind: SessionKind;
  lastUsed: number;
  orgId?: string;
  userId?: string;
}

export interface RequestInfo {
  method: string;
  path: string;
  orgId?: string;
}

export interface RequestLogEntry extends RequestInfo {
  seq: number;
  at: number;
  query: Record<string, string>;
  sessionKind?: SessionKind;
  status?: number;
  code?: string;
}

export interface InjectedFault {
  code: string;
  status: number;
  message?: string;
  /** Only requests whose path contains this string are affected. */
  path?: string;
}

export interface InjectedResponse {
  status: number;
  /** A string is sent verbatim (e.g. an HTML page); anything else as JSON. */
  body: unknown;
  contentType?: string;
  path?: string;
}

export type Latency = number | ((req: RequestInfo) => number);

export interface BillSimulatorOptions {
  port?: number;
  host?: string;
  dataset?: BillDataset;
  credentials?: BillCredentials;
  /** Injectable clock for session expiry and the hourly window. */
  now?: () => number;
  sessionIdleMs?: number;
  concurrencyLimit?: number;
  /** When true (default) partner calls naming an organization (users, login-as-user) hold one of its slots. */
  partnerCallsCountTowardsOrg?: boolean;
  hourlyLimit?: number;
  /** HTTP status per BDC code; BILL's statuses for BDC_1144/BDC_1322 are unknown (default 422). */
  statuses?: Partial<Record<string, number>>;
  /** Send `Retry-After` (seconds to the next hour) with BDC_1144. BILL documents none; default false. */
  retryAfterOnHourlyLimit?: boolean;
  /** How login-as-user refuses an archived or inactive user (BILL's answer is unknown). */
  loginAsUserRejection?: { status: number; code: string };
  latencyMs?: Latency;
  emptyLastPage?: boolean;
  /** GET /v3/risk-verifications answers 404 BDC_1121 for everyone (see switches.ts). */
  riskVerificationsUnsupported?: boolean;
  /** GET /v3/payments ignores `sort` (see switches.ts). */
  unsortedPayments?: boolean;
  maxLogEntries?: number;
}

export const DEFAULT_STATUSES: Record<string, number> = {
  BDC_1001: 500,
  BDC_1002: 400,
  BDC_1101: 401,
  BDC_1102: 401,
  BDC_1109: 401,
  BDC_1121: 404,
  BDC_1144: 422,
  BDC_1322: 422,
};

export class SimState {
  readonly sessions = new Map<string, Session>();
  readonly orgs = new Map<string, SimOrganization>();
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  readonly log: RequestLogEntry[] = [];
  readonly faults: Array<InjectedFault & { remaining: number }> = [];
  readonly responses: Array<InjectedResponse & { remaining: number }> = [];
  readonly statuses: Record<string, number>;
  clockOffset = 0;
  latency: Latency;
  hourlyLimit: number;
  concurrencyLimit: number;
  hourWindow = -1;
  hourCount = 0;
  seq = 0;
  stats = { requests: 0, concurrencyRejections: 0, hourlyRejections: 0, sessionRejections: 0 };
  readonly switches: SimSwitches;
  readonly malformed: MalformedRecords = new Map();

  constructor(
    readonly dataset: BillDataset,
    readonly creds: BillCredentials,
    readonly opts: BillSimulatorOptions,
  ) {
    for (const o of dataset.organizations) this.orgs.set(o.id, o);
    this.statuses = { ...DEFAULT_STATUSES, ...(opts.statuses as Record<string, number>) };
    this.latency = opts.latencyMs ?? 0;
    this.hourlyLimit = opts.hourlyLimit ?? 20_000;
    this.concurrencyLimit = opts.concurrencyLimit ?? 3;
    this.switches = {
      riskVerificationsUnsupported: opts.riskVerificationsUnsupported ?? false,
      unsortedPayments: opts.unsortedPayments ?? false,
    };
  }

  now(): number {
    return (this.opts.now ?? Date.now)() + this.clockOffset;
  }

  latencyFor(req: RequestInfo): number {
    const l = this.latency;
    return Math.max(0, typeof l === 'function' ? l(req) : l);
  }

  newSession(s: Omit<Session, 'lastUsed'>): string {
    const id = randomBytes(18).toString('base64url');
    this.sessions.set(id, { ...s, lastUsed: this.now() });
    return id;
  }

  /** The sliding 35-minute idle rule: any authenticated call resets the timer. */
  touchSession(id: string | undefined, kind: SessionKind): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.lastUsed >= (this.opts.sessionIdleMs ?? 35 * 60_000)) {
      this.sessions.delete(id);
      return undefined;
    }
    if (s.kind !== kind) return undefined;
    s.lastUsed = this.now();
    return s;
  }

  expireAllSessions(): void {
    this.sessions.clear();
  }

  /** Counts the request in the current clock hour; true when it is over the limit. */
  overHourlyLimit(): boolean {
    const window = Math.floor(this.now() / 3_600_000);
    if (window !== this.hourWindow) {
      this.hourWindow = window;
      this.hourCount = 0;
    }
    this.hourCount++;
    return this.hourCount > this.hourlyLimit;
  }

  /** Records the attempt (even a rejected one) so tests can assert the client never tried a 4th. */
  acquire(orgId: string): boolean {
    const attempted = (this.inFlight.get(orgId) ?? 0) + 1;
    this.maxInFlight.set(orgId, Math.max(this.maxInFlight.get(orgId) ?? 0, attempted));
    if (attempted > this.concurrencyLimit) return false;
    this.inFlight.set(orgId, attempted);
    return true;
  }

  release(orgId: string): void {
    const n = (this.inFlight.get(orgId) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(orgId);
    else this.inFlight.set(orgId, n);
  }

  takeFault(path: string): InjectedFault | undefined {
    return take(this.faults, path);
  }

  takeResponse(path: string): InjectedResponse | undefined {
    return take(this.responses, path);
  }

  record(entry: Omit<RequestLogEntry, 'seq' | 'at'>): RequestLogEntry {
    const e: RequestLogEntry = { ...entry, seq: ++this.seq, at: this.now() };
    this.log.push(e);
    const cap = this.opts.maxLogEntries ?? 50_000;
    if (this.log.length > cap) this.log.splice(0, this.log.length - cap);
    return e;
  }

  resetStats(): void {
    this.log.length = 0;
    this.maxInFlight.clear();
    this.stats = { requests: 0, concurrencyRejections: 0, hourlyRejections: 0, sessionRejections: 0 };
  }
}

function take<T extends { path?: string; remaining: number }>(list: T[], path: string): T | undefined {
  const i = list.findIndex((f) => !f.path || path.includes(f.path));
  if (i < 0) return undefined;
  const f = list[i];
  if (--f.remaining <= 0) list.splice(i, 1);
  return f;
}
