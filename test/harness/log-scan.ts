import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SEED_CREDENTIALS, seedDataset } from '../../simulators/bill/seed';

/**
 * Issue 15's log scans: which values must never appear in the product's log output, and a search
 * for them. Used by test/e2e/log-scan.test.ts (one real flow, its exact secrets) and by the
 * run-wide scan in global-teardown.ts (every product log line of the whole test run).
 */

const ROOT = path.resolve(__dirname, '../..');

/** Personal values of the sample events (samples/events/*.json), which many tests send. */
export function samplePersonalValues(): string[] {
  const keys = new Set([
    'Email',
    'FirstName',
    'LastName',
    'PhoneNumber',
    'AddressLine1',
    'AddressLine2',
    'Postcode',
  ]);
  const values = new Set<string>();
  const walk = (value: unknown, key?: string) => {
    if (typeof value === 'string' && key && keys.has(key) && value.length >= 4) values.add(value);
    else if (Array.isArray(value)) value.forEach((item) => walk(item));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  const dir = path.join(ROOT, 'samples', 'events');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    walk(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  }
  return [...values];
}

/**
 * The BILL simulator's people: emails, full names, and first or last names as whole JSON values
 * (bare, a last name like "Anchovy" is also part of an organization's business name).
 */
export function billPersonalValues(): string[] {
  const values = new Set<string>();
  for (const org of seedDataset().organizations) {
    for (const user of org.users) {
      values.add(user.email);
      values.add(`${user.firstName} ${user.lastName}`);
      values.add(JSON.stringify(user.firstName));
      values.add(JSON.stringify(user.lastName));
    }
  }
  return [...values];
}

/** Credentials every test run uses (the harness's and the simulators'). */
export function testCredentials(): string[] {
  return [
    'test-gateway-api-key-0123456789abcdef', // TEST_API_KEY (webex-app.ts)
    'sim-client-secret',
    'sim-billsby-api-key', // the Billsby simulator's ApiKey (simulators/billsby/seed.ts)
    SEED_CREDENTIALS.password,
    SEED_CREDENTIALS.appKey,
    SEED_CREDENTIALS.devKey,
    ...(process.env.TEST_PAYLOAD_KEY ? [process.env.TEST_PAYLOAD_KEY] : []),
  ];
}

/** Shapes no log line may hold whatever their value. */
export const LEAK_PATTERNS: [name: string, pattern: RegExp][] = [
  ['a Webex (simulator) token', /[A-Za-z0-9_-]{20,}_SIM1_/],
  ['a bearer credential', /\bBearer (?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/],
  ['an email address', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
];

export interface Leak {
  what: string;
  line: string;
}

/** Every (value or pattern, line) found; at most `limit`. */
export function findLeaks(lines: Iterable<string>, needles: string[], limit = 20): Leak[] {
  const leaks: Leak[] = [];
  const wanted = [...new Set(needles.filter((needle) => needle.length >= 4))];
  for (const line of lines) {
    for (const needle of wanted) {
      if (line.includes(needle)) leaks.push({ what: JSON.stringify(needle), line: line.slice(0, 400) });
    }
    for (const [what, pattern] of LEAK_PATTERNS) {
      if (pattern.test(line)) leaks.push({ what, line: line.slice(0, 400) });
    }
    if (leaks.length >= limit) break;
  }
  return leaks.slice(0, limit);
}

export function describeLeaks(leaks: Leak[]): string {
  return leaks.map((leak) => `  ${leak.what} in: ${leak.line.trimEnd()}`).join('\n');
}
