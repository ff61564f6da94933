import type { Pool } from 'pg';
import type { EncryptionKey } from '../temporal/codec';
import type { CustomerDetails } from '../domain/billsby/event-schema';
import { PayloadCipher } from './payload-cipher';
import { DEFAULT_POOL_SIZE, migrate, openPool, warmPool } from './postgres-connection';
import * as appends from './postgres-appends';
import * as delivery from './postgres-delivery';
import * as queries from './postgres-queries';
import * as redelivery from './postgres-redelivery';
import * as privacy from './postgres-privacy';
import * as secrets from './postgres-secrets';
import * as leases from './postgres-leases';
import * as billsby from './postgres-billsby';
import * as filled from './postgres-filled';
import * as engagement from './postgres-engagement';
import { engagementDocumentStore } from './engagement-documents';
import { billPacingStore } from './bill-pacing';
import * as billPacing from './postgres-bill-pacing';
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

export { DEFAULT_POOL_SIZE } from './postgres-connection';

/** One for the gateway's batcher (one batch at a time), one spare for appends from elsewhere (tools, tests). */
const APPEND_POOL_SIZE = 2;

export interface PostgresEventLogOptions {
  connectionString: string;
  keys: EncryptionKey[];
  poolSize?: number;
}

/**
 * The PostgreSQL engine, for several gateway and worker processes on several machines. Writers of
 * one account serialize on its `accounts` row (SELECT … FOR UPDATE, several accounts locked in
 * sorted order so two writers cannot deadlock), which makes sequence numbers follow commit order.
 * Every transaction that changes counters locks the account row first, for the same reason.
 *
 * The log is composed of one store per group of tables (types.ts: events, webhook secrets,
 * one-time tokens, leases, Billsby credentials) over one pool and one payload cipher; the SQL lives
 * in one module per group of methods (postgres-appends, -delivery, -queries, -redelivery,
 * -privacy, -secrets, -leases, -filled, -billsby), and the pool, transactions and migrations in
 * postgres-connection.
 */
export function postgresEventLog(opts: PostgresEventLogOptions): EventLog & { warm(): Promise<void> } {
  const cipher = new PayloadCipher(opts.keys);
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  let closing: Promise<void> | undefined;
  const pool = openPool(opts.connectionString, poolSize, () => closing !== undefined);
  /** Pipelined connections for append (webhooks are group-committed, one batch at a time). */
  const appendPool = openPool(opts.connectionString, APPEND_POOL_SIZE, () => closing !== undefined, {
    pipeline: true,
  });
  return {
    engine: 'postgres',
    migrate: () => migrate(pool),
    /** Opens every pooled connection before the first webhook needs one (see warmPool). */
    async warm() {
      await Promise.all([warmPool(pool, poolSize), warmPool(appendPool, APPEND_POOL_SIZE)]);
    },
    close() {
      closing ??= Promise.all([pool.end(), appendPool.end()]).then(() => undefined);
      return closing;
    },
    ...eventStore(pool, appendPool, cipher),
    ...webhookSecretStore(pool),
    ...oneTimeTokenStore(pool),
    ...leaseStore(pool),
    ...billsbyCredentialStore(pool, cipher),
    ...engagementDocumentStore(pool, cipher, engagement),
    ...billPacingStore(pool, billPacing),
  };
}

/** The events: queues, delivery states, queries, redelivery, erasure, filled texts. */
function eventStore(pool: Pool, appendPool: Pool, cipher: PayloadCipher): EventStore {
  return {
    activateAccount(accountId: string): Promise<void> {
      return appends.activateAccount(pool, accountId);
    },

    closeAccount(accountId: string): Promise<number> {
      return appends.closeAccount(pool, accountId);
    },

    isAccountActive(accountId: string): Promise<boolean> {
      return appends.isAccountActive(pool, accountId);
    },

    append(requests: AppendRequest[], options: AppendOptions): Promise<AppendOutcome[]> {
      return appends.append(appendPool, cipher, requests, options);
    },

    peekQueued(accountId: string, limit: number): Promise<QueuedRef[]> {
      return delivery.peekQueued(pool, accountId, limit);
    },

    readQueued(accountId: string, fromSeq: number, toSeq: number): Promise<QueuedEvent[]> {
      return delivery.readQueued(pool, cipher, accountId, fromSeq, toSeq);
    },

    beginAttempt(accountId: string, seq: number, at: string): Promise<EventRecord | null> {
      return delivery.beginAttempt(pool, accountId, seq, at);
    },

    markDeliveredAndBegin(
      accountId: string,
      delivered: { seq: number; messageIds: string[]; at: string; by?: DeliveredBy },
      next: { seq: number; at: string },
    ): Promise<EventRecord | null> {
      return delivery.markDeliveredAndBegin(pool, accountId, delivered, next);
    },

    lastMessageIdBefore(accountId: string, seq: number): Promise<string | null> {
      return delivery.lastMessageIdBefore(pool, accountId, seq);
    },

    recordParts(accountId: string, seq: number, messageIds: string[]): Promise<void> {
      return delivery.recordParts(pool, accountId, seq, messageIds);
    },

    markDelivered(
      accountId: string,
      seq: number,
      messageIds: string[],
      at: string,
      by?: DeliveredBy,
    ): Promise<void> {
      return delivery.markDelivered(pool, accountId, seq, messageIds, at, by);
    },

    markFailed(accountId: string, seq: number, reason: string, at: string, by?: DeliveredBy): Promise<void> {
      return delivery.markFailed(pool, accountId, seq, reason, at, by);
    },

    get(accountId: string, eventId: string): Promise<EventRecord | null> {
      return queries.get(pool, accountId, eventId);
    },

    list(accountId: string, options: { state?: EventState; limit: number }): Promise<EventRecord[]> {
      return queries.list(pool, accountId, options);
    },

    counts(accountId: string): Promise<LogCounts> {
      return queries.counts(pool, accountId);
    },

    deliverySummary(): Promise<DeliverySummary> {
      return queries.deliverySummary(pool);
    },

    accountsWithQueued(limit: number): Promise<string[]> {
      return queries.accountsWithQueued(pool, limit);
    },

    accountsToWake(options: { stalledBefore: string; limit: number }): Promise<string[]> {
      return queries.accountsToWake(pool, options);
    },

    select(
      accountId: string,
      options: { state: DeliveryState; since?: string; limit: number },
    ): Promise<EventRecord[]> {
      return queries.select(pool, accountId, options);
    },

    readPayloads(accountId: string, eventIds: string[]): Promise<Map<string, LoggedEvent>> {
      return queries.readPayloads(pool, cipher, accountId, eventIds);
    },

    redeliver(accountId: string, changes: RedeliveryChange[], at: string): Promise<RedeliveryOutcome[]> {
      return redelivery.redeliver(pool, accountId, changes, at);
    },

    erasePayloads(deliveredBefore: string, at: string, limit: number): Promise<number> {
      return privacy.erasePayloads(pool, deliveredBefore, at, limit);
    },

    forgetCustomer(accountId: string, customerUniqueId: string, at: string): Promise<ForgetOutcome | null> {
      return privacy.forgetCustomer(pool, cipher, accountId, customerUniqueId, at);
    },

    storeFilled(accountId: string, items: FilledEvent[], at: string): Promise<number[]> {
      return filled.storeFilled(pool, cipher, accountId, items, at);
    },

    lastKnownDetails(accountId: string, customerUniqueIds: string[]): Promise<Map<string, CustomerDetails>> {
      return filled.lastKnownDetails(pool, cipher, accountId, customerUniqueIds);
    },
  };
}

/** Each account's webhook secrets. */
function webhookSecretStore(pool: Pool): WebhookSecretRecords {
  return {
    getWebhookSecret(accountId: string): Promise<StoredWebhookSecret | null> {
      return secrets.getWebhookSecret(pool, accountId);
    },

    putWebhookSecret(accountId: string, secret: StoredWebhookSecret): Promise<void> {
      return secrets.putWebhookSecret(pool, accountId, secret);
    },
  };
}

/** Single-use tokens, spent once. */
function oneTimeTokenStore(pool: Pool): OneTimeTokenStore {
  return {
    consumeToken(tokenId: string, expiresAt: Date): Promise<boolean> {
      return secrets.consumeToken(pool, tokenId, expiresAt);
    },
  };
}

/** Named leases. */
function leaseStore(pool: Pool): LeaseStore {
  return {
    acquireLease(name: string, holder: string, ttlMs: number, now: Date = new Date()): Promise<boolean> {
      return leases.acquireLease(pool, name, holder, ttlMs, now);
    },

    releaseLease(name: string, holder: string): Promise<void> {
      return leases.releaseLease(pool, name, holder);
    },
  };
}

/** Each account's own Billsby credentials and refusals. */
function billsbyCredentialStore(pool: Pool, cipher: PayloadCipher): BillsbyCredentialStore {
  return {
    getBillsbyAccount(accountId: string): Promise<BillsbyAccountRecord | null> {
      return billsby.getBillsbyAccount(pool, cipher, accountId);
    },

    putBillsbyCredentials(
      accountId: string,
      credentials: { companyDomain: string; apiKey: string },
      checkedAt: string,
    ): Promise<void> {
      return billsby.putBillsbyCredentials(pool, cipher, accountId, credentials, checkedAt);
    },

    deleteBillsbyCredentials(accountId: string): Promise<void> {
      return billsby.deleteBillsbyCredentials(pool, accountId);
    },

    markBillsbyRejected(accountId: string, fingerprint: string, at: string): Promise<void> {
      return billsby.markBillsbyRejected(pool, accountId, fingerprint, at);
    },

    clearBillsbyRejected(accountId: string): Promise<void> {
      return billsby.clearBillsbyRejected(pool, accountId);
    },

    countBillsbyRejected(): Promise<number> {
      return billsby.countBillsbyRejected(pool);
    },
  };
}
