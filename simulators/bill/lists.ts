/**
 * BILL list semantics: `max` 1..100 (default 20), opaque `page` tokens, `sort=f:asc|desc[,…]`,
 * `filters=f:op:value[,…]` with quoted values. Only fields declared filterable/sortable are accepted,
 * so the product cannot come to depend on a filter the real API may not have.
 */

export class ListError extends Error {
  constructor(message: string) {
    super(message);
  }
}

export interface ListSpec {
  endpoint: string;
  filterable: string[];
  sortable: string[];
}

export interface ListQuery {
  max?: string;
  page?: string;
  sort?: string;
  filters?: string;
}

export interface ListOutcome<T> {
  results: T[];
  nextPage?: string;
  prevPage?: string;
}

export interface ListBehaviour {
  /** Hand out a nextPage token on a full last page that leads to an empty page (real APIs do this). */
  emptyLastPage?: boolean;
  /** Validate `sort` but serve in storage order, like an endpoint that ignores a sort it does not support. */
  ignoreSort?: boolean;
}

type Filter = { field: string; op: string; value: string };
const OPS = new Set(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'sw']);

/** Splits on commas that are outside double quotes. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new ListError('filters: unbalanced quotes');
  out.push(cur);
  return out.filter((x) => x.length > 0);
}

export function parseFilters(s: string | undefined, spec: ListSpec): Filter[] {
  if (!s) return [];
  return splitTop(s).map((part) => {
    const m = /^([A-Za-z.]+):([a-z]+):(.*)$/.exec(part);
    if (!m) throw new ListError(`filters: malformed term "${part}"`);
    const [, field, op, rawValue] = m;
    if (!OPS.has(op)) throw new ListError(`filters: unknown operator ${op}`);
    if (!spec.filterable.includes(field)) throw new ListError(`filters: field ${field} is not filterable`);
    const value = rawValue.startsWith('"') && rawValue.endsWith('"') ? rawValue.slice(1, -1) : rawValue;
    return { field, op, value };
  });
}

function get(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

function comparable(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const t = Date.parse(/T/.test(v) ? v : `${v}T00:00:00Z`);
    if (Number.isFinite(t)) return t;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

function coerce(value: string, like: unknown): string | number | boolean | undefined {
  if (typeof like === 'boolean') return value === 'true' ? true : value === 'false' ? false : undefined;
  if (typeof like === 'number') return Number(value);
  return comparable(value);
}

function matches(item: unknown, f: Filter): boolean {
  const actual = comparable(get(item, f.field));
  if (f.op === 'in' || f.op === 'nin') {
    const hit = f.value.split(',').some((v) => coerce(v.trim(), actual) === actual);
    return f.op === 'in' ? hit : !hit;
  }
  const want = coerce(f.value, actual);
  if (actual === undefined || want === undefined) return f.op === 'ne';
  switch (f.op) {
    case 'eq':
      return actual === want;
    case 'ne':
      return actual !== want;
    case 'gt':
      return actual > want;
    case 'gte':
      return actual >= want;
    case 'lt':
      return actual < want;
    case 'lte':
      return actual <= want;
    case 'sw':
      return String(actual).startsWith(String(want));
    default:
      return false;
  }
}

function sorter(s: string | undefined, spec: ListSpec): (a: unknown, b: unknown) => number {
  const keys = (s ? s.split(',') : []).map((term) => {
    const [field, dir = 'asc'] = term.split(':');
    if (!spec.sortable.includes(field)) throw new ListError(`sort: field ${field} is not sortable`);
    if (dir !== 'asc' && dir !== 'desc') throw new ListError(`sort: bad order ${dir}`);
    return { field, sign: dir === 'asc' ? 1 : -1 };
  });
  return (a, b) => {
    for (const k of keys) {
      const x = comparable(get(a, k.field));
      const y = comparable(get(b, k.field));
      if (x !== y && x !== undefined && y !== undefined) return x < y ? -k.sign : k.sign;
    }
    // A total order keeps pages stable from one request to the next.
    const ia = String(get(a, 'id'));
    const ib = String(get(b, 'id'));
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}

function encodeToken(endpoint: string, offset: number): string {
  return Buffer.from(JSON.stringify({ e: endpoint, o: offset })).toString('base64url');
}

function decodeToken(token: string, endpoint: string): number {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { e?: unknown; o?: unknown };
    if (t.e === endpoint && typeof t.o === 'number' && Number.isInteger(t.o) && t.o >= 0) return t.o;
  } catch {
    /* fall through */
  }
  throw new ListError('page: invalid page token');
}

export function listPage<T>(
  items: T[],
  q: ListQuery,
  spec: ListSpec,
  behaviour: ListBehaviour = {},
): ListOutcome<T> {
  const max = q.max === undefined ? 20 : Number(q.max);
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw new ListError('max must be an integer between 1 and 100');
  const filters = parseFilters(q.filters, spec);
  const order = sorter(q.sort, spec);
  const kept = items.filter((it) => filters.every((f) => matches(it, f)));
  const sorted = behaviour.ignoreSort ? kept : kept.sort(order);
  const offset = q.page ? decodeToken(q.page, spec.endpoint) : 0;
  const results = sorted.slice(offset, offset + max);
  const out: ListOutcome<T> = { results };
  const end = offset + max;
  if (end < sorted.length || (behaviour.emptyLastPage && end === sorted.length && results.length > 0)) {
    out.nextPage = encodeToken(spec.endpoint, end);
  }
  if (offset > 0) out.prevPage = encodeToken(spec.endpoint, Math.max(0, offset - max));
  return out;
}
