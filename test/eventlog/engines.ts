import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { EncryptionKey } from '../../temporal/codec';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type { PublicCustomerEvent, PublicInvoicePaidEvent } from '../../domain/billsby/public-event';
import { openEventLog } from '../../eventlog/open';
import type { AppendRequest, EventLog } from '../../eventlog/types';
import { createTestDatabase } from '../harness/postgres';

/**
 * The engines the event-log contract runs against, each on real storage: a SQLite file in a temp
 * folder, and a fresh database on the run's PostgreSQL cluster. Each test file gets its own
 * storage; `open()` gives another EventLog on it (a stand-in for another process).
 */

export const testKey = (id = 'k1'): EncryptionKey => ({ id, key: randomBytes(32) });

export interface EngineUnderTest {
  name: 'sqlite' | 'postgres';
  /** Another EventLog on this file's storage, migrated; closed by closeAll(). */
  open(opts?: { keys?: EncryptionKey[]; poolSize?: number }): Promise<EventLog>;
  /** Where the data is: the SQLite file or the PostgreSQL URL. */
  location(): Promise<string>;
  closeAll(): Promise<void>;
}

function engine(name: EngineUnderTest['name'], locate: () => Promise<string>): EngineUnderTest {
  const keys = [testKey()];
  const opened: EventLog[] = [];
  let where: Promise<string> | undefined;
  const location = () => (where ??= locate());
  return {
    name,
    location,
    async open(opts = {}) {
      const at = await location();
      const log = await openEventLog({
        ...(name === 'postgres' ? { databaseUrl: at } : { sqlitePath: at }),
        keys: opts.keys ?? keys,
        poolSize: opts.poolSize,
      });
      opened.push(log);
      return log;
    },
    async closeAll() {
      await Promise.all(opened.splice(0).map((log) => log.close()));
      // The SQLite file's temp folder goes; PostgreSQL databases go with the run's cluster.
      if (name === 'sqlite' && where) rmSync(path.dirname(await where), { recursive: true, force: true });
      where = undefined;
    },
  };
}

export function engines(): EngineUnderTest[] {
  return [
    engine('sqlite', async () =>
      path.join(mkdtempSync(path.join(tmpdir(), 'event-log-test-')), 'log.sqlite'),
    ),
    engine('postgres', () => createTestDatabase()),
  ];
}

export const uniqueAccount = (label = 'acct') => `${label}-${randomUUID().slice(0, 8)}`;

const samples = path.join(__dirname, '..', '..', 'samples', 'events');
const cache = new Map<string, BillsbyEvent>();
const sample = (file: string) => {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(path.join(samples, file), 'utf8')));
  return cache.get(file)!;
};

/** A CustomerCreated event (with the sample's email and name) under the given Id. */
export function customerCreated(id: string): BillsbyEvent {
  return { ...sample('customer-created.json'), Id: id };
}

export function paymentSucceeded(id: string): BillsbyEvent {
  return { ...sample('payment-succeeded.json'), Id: id };
}

export const requests = (accountId: string, ids: string[]): AppendRequest[] =>
  ids.map((id) => ({ accountId, event: customerCreated(id) }));

export const ids = (prefix: string, count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${from + i}`);

export const NO_CAP = { maxUndelivered: 1_000_000 };

/** A new active account with `n` queued events `e-0` … (seq 1 … n). */
export async function queuedAccount(log: EventLog, n: number): Promise<string> {
  const accountId = uniqueAccount();
  await log.activateAccount(accountId);
  await log.append(requests(accountId, ids('e', n)), NO_CAP);
  return accountId;
}

/** A public `InvoiceUpdated` Paid webhook (§4.3.1) as the gateway logs it, with its once key. */
export function publicInvoicePaid(id: string, invoiceNumber: string): PublicInvoicePaidEvent {
  return {
    Id: id,
    Type: 'InvoiceUpdated',
    InvoiceNumber: invoiceNumber,
    InvoiceAmount: 4578,
    CurrencyCode: 'GBP',
    Form: 'public',
    PaidOn: '2026-07-22T10:17:42.018Z',
  };
}

/** A public CustomerCreated webhook (§4.3.1): ids and names only. */
export function publicCustomerCreated(id: string, customerUniqueId: string): PublicCustomerEvent {
  return { Id: id, Type: 'CustomerCreated', CustomerUniqueId: customerUniqueId, Email: null, Form: 'public' };
}

/** An ignored webhook's append request. */
export const ignoredRequest = (
  accountId: string,
  eventId: string,
  reason = 'InvoiceCreated has no message',
) => ({
  accountId,
  ignored: { eventId, type: 'InvoiceCreated', reason },
});

/**
 * Runs SQL on the engine's storage directly, bypassing the EventLog (what no product code path
 * can do): `$n` placeholders on both engines. Answers the rows.
 */
export async function rawQuery(
  engine: EngineUnderTest,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const at = await engine.location();
  if (engine.name === 'sqlite') {
    const db = new Database(at, { timeout: 10_000 });
    try {
      const statement = db.prepare(sql.replace(/\$\d+/g, '?'));
      return statement.reader ? (statement.all(...params) as never) : (statement.run(...params), []);
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: at });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
