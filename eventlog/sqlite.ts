import type { EncryptionKey } from '../temporal/codec';
import type { CustomerDetails } from '../domain/billsby/event-schema';
import { PayloadCipher } from './payload-cipher';
import { SqliteConnection } from './sqlite-connection';
import * as appends from './sqlite-appends';
import * as delivery from './sqlite-delivery';
import * as queries from './sqlite-queries';
import * as redelivery from './sqlite-redelivery';
import * as privacy from './sqlite-privacy';
import * as secrets from './sqlite-secrets';
import * as leases from './sqlite-leases';
import * as billsby from './sqlite-billsby';
import * as filled from './sqlite-filled';
import * as engagement from './sqlite-engagement';
import { engagementDocumentStore } from './engagement-documents';
import { billPacingStore } from './bill-pacing';
import * as billPacing from './sqlite-bill-pacing';
import type {
  AppendOptions,
  BillsbyAccountRecord,
  AppendOutcome,
  AppendRequest,
  DeliveredBy,
  DeliveryState,
  DeliverySummary,
  EventLog,
  EventStore,
  BillsbyCredentialStore,
  LeaseStore,
  OneTimeTokenStore,
  WebhookSecretRecords,
  EventRecord,
  EventState,
  FilledEvent,
  ForgetOutcome,
  LoggedEvent,
  LogCounts,
  QueuedEvent,
  QueuedRef,
  RedeliveryChange,
  RedeliveryOutcome,
  StoredWebhookSecret,
} from './types';

export { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-connection';

export interface SqliteEventLogOptions {
  path: string;
  keys: EncryptionKey[];
  busyTimeoutMs?: number;
}

/**
 * The embedded engine: one SQLite file in the data folder, opened at once by the gateway, the
 * worker and the CLI. WAL lets readers run beside the one writer; every write transaction is
 * BEGIN IMMEDIATE, so it takes the write lock up front (waiting up to busy_timeout) instead of
 * failing on lock upgrade, and sequence numbers follow commit order. synchronous=FULL makes a
 * commit durable before append() resolves (the gateway's 202 promises it).
 *
 * better-sqlite3 is synchronous: each method runs to completion inside its async wrapper.
 *
 * The log is composed of one store per group of tables (types.ts: events, webhook secrets,
 * one-time tokens, leases, Billsby credentials) over one connection and one payload cipher; the SQL
 * lives in one module per group of methods (sqlite-appends, -delivery, -queries, -redelivery,
 * -privacy, -secrets, -leases, -filled, -billsby), and the file, pragmas, transactions and
 * migrations in sqlite-connection.
 */
export function sqliteEventLog(opts: SqliteEventLogOptions): EventLog {
  const cipher = new PayloadCipher(opts.keys);
  const db = new SqliteConnection(opts.path, opts.busyTimeoutMs);
  return {
    engine: 'sqlite',
    async migrate() {
      db.migrate();
    },
    async close() {
      db.close();
    },
    ...eventStore(db, cipher),
    ...webhookSecretStore(db),
    ...oneTimeTokenStore(db),
    ...leaseStore(db),
    ...billsbyCredentialStore(db, cipher),
    ...engagementDocumentStore(db, cipher, engagement),
    ...billPacingStore(db, billPacing),
  };
}

/** The events: queues, delivery states, queries, redelivery, erasure, filled texts. */
function eventStore(db: SqliteConnection, cipher: PayloadCipher): EventStore {
  return {
    async activateAccount(accountId: string): Promise<void> {
      appends.activateAccount(db, accountId);
    },

    async closeAccount(accountId: string): Promise<number> {
      return appends.closeAccount(db, accountId);
    },

    async isAccountActive(accountId: string): Promise<boolean> {
      return appends.isAccountActive(db, accountId);
    },

    async append(requests: AppendRequest[], options: AppendOptions): Promise<AppendOutcome[]> {
      return appends.append(db, cipher, requests, options);
    },

    async peekQueued(accountId: string, limit: number): Promise<QueuedRef[]> {
      return delivery.peekQueued(db, accountId, limit);
    },

    async readQueued(accountId: string, fromSeq: number, toSeq: number): Promise<QueuedEvent[]> {
      return delivery.readQueued(db, cipher, accountId, fromSeq, toSeq);
    },

    async beginAttempt(accountId: string, seq: number, at: string): Promise<EventRecord | null> {
      return delivery.beginAttempt(db, accountId, seq, at);
    },

    async markDeliveredAndBegin(
      accountId: string,
      delivered: { seq: number; messageIds: string[]; at: string; by?: DeliveredBy },
      next: { seq: number; at: string },
    ): Promise<EventRecord | null> {
      return delivery.markDeliveredAndBegin(db, accountId, delivered, next);
    },

    async lastMessageIdBefore(accountId: string, seq: number): Promise<string | null> {
      return delivery.lastMessageIdBefore(db, accountId, seq);
    },

    async recordParts(accountId: string, seq: number, messageIds: string[]): Promise<void> {
      delivery.recordParts(db, accountId, seq, messageIds);
    },

    async markDelivered(
      accountId: string,
      seq: number,
      messageIds: string[],
      at: string,
      by?: DeliveredBy,
    ): Promise<void> {
      delivery.markDelivered(db, accountId, seq, messageIds, at, by);
    },

    async markFailed(
      accountId: string,
      seq: number,
      reason: string,
      at: string,
      by?: DeliveredBy,
    ): Promise<void> {
      delivery.markFailed(db, accountId, seq, reason, at, by);
    },

    async get(accountId: string, eventId: string): Promise<EventRecord | null> {
      return queries.get(db, accountId, eventId);
    },

    async list(accountId: string, options: { state?: EventState; limit: number }): Promise<EventRecord[]> {
      return queries.list(db, accountId, options);
    },

    async counts(accountId: string): Promise<LogCounts> {
      return queries.counts(db, accountId);
    },

    async deliverySummary(): Promise<DeliverySummary> {
      return queries.deliverySummary(db);
    },

    async accountsWithQueued(limit: number): Promise<string[]> {
      return queries.accountsWithQueued(db, limit);
    },

    async accountsToWake(options: { stalledBefore: string; limit: number }): Promise<string[]> {
      return queries.accountsToWake(db, options);
    },

    async select(
      accountId: string,
      options: { state: DeliveryState; since?: string; limit: number },
    ): Promise<EventRecord[]> {
      return queries.select(db, accountId, options);
    },

    async readPayloads(accountId: string, eventIds: string[]): Promise<Map<string, LoggedEvent>> {
      return queries.readPayloads(db, cipher, accountId, eventIds);
    },

    async redeliver(
      accountId: string,
      changes: RedeliveryChange[],
      at: string,
    ): Promise<RedeliveryOutcome[]> {
      return redelivery.redeliver(db, accountId, changes, at);
    },

    async erasePayloads(deliveredBefore: string, at: string, limit: number): Promise<number> {
      return privacy.erasePayloads(db, deliveredBefore, at, limit);
    },

    async forgetCustomer(
      accountId: string,
      customerUniqueId: string,
      at: string,
    ): Promise<ForgetOutcome | null> {
      return privacy.forgetCustomer(db, cipher, accountId, customerUniqueId, at);
    },

    async storeFilled(accountId: string, items: FilledEvent[], at: string): Promise<number[]> {
      return filled.storeFilled(db, cipher, accountId, items, at);
    },

    async lastKnownDetails(
      accountId: string,
      customerUniqueIds: string[],
    ): Promise<Map<string, CustomerDetails>> {
      return filled.lastKnownDetails(db, cipher, accountId, customerUniqueIds);
    },
  };
}

/** Each account's webhook secrets. */
function webhookSecretStore(db: SqliteConnection): WebhookSecretRecords {
  return {
    async getWebhookSecret(accountId: string): Promise<StoredWebhookSecret | null> {
      return secrets.getWebhookSecret(db, accountId);
    },

    async putWebhookSecret(accountId: string, secret: StoredWebhookSecret): Promise<void> {
      secrets.putWebhookSecret(db, accountId, secret);
    },
  };
}

/** Single-use tokens, spent once. */
function oneTimeTokenStore(db: SqliteConnection): OneTimeTokenStore {
  return {
    async consumeToken(tokenId: string, expiresAt: Date): Promise<boolean> {
      return secrets.consumeToken(db, tokenId, expiresAt);
    },
  };
}

/** Named leases. */
function leaseStore(db: SqliteConnection): LeaseStore {
  return {
    async acquireLease(
      name: string,
      holder: string,
      ttlMs: number,
      now: Date = new Date(),
    ): Promise<boolean> {
      return leases.acquireLease(db, name, holder, ttlMs, now);
    },

    async releaseLease(name: string, holder: string): Promise<void> {
      leases.releaseLease(db, name, holder);
    },
  };
}

/** Each account's own Billsby credentials and refusals. */
function billsbyCredentialStore(db: SqliteConnection, cipher: PayloadCipher): BillsbyCredentialStore {
  return {
    async getBillsbyAccount(accountId: string): Promise<BillsbyAccountRecord | null> {
      return billsby.getBillsbyAccount(db, cipher, accountId);
    },

    async putBillsbyCredentials(
      accountId: string,
      credentials: { companyDomain: string; apiKey: string },
      checkedAt: string,
    ): Promise<void> {
      billsby.putBillsbyCredentials(db, cipher, accountId, credentials, checkedAt);
    },

    async deleteBillsbyCredentials(accountId: string): Promise<void> {
      billsby.deleteBillsbyCredentials(db, accountId);
    },

    async markBillsbyRejected(accountId: string, fingerprint: string, at: string): Promise<void> {
      billsby.markBillsbyRejected(db, accountId, fingerprint, at);
    },

    async clearBillsbyRejected(accountId: string): Promise<void> {
      billsby.clearBillsbyRejected(db, accountId);
    },

    async countBillsbyRejected(): Promise<number> {
      return billsby.countBillsbyRejected(db);
    },
  };
}
