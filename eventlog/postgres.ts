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
import type {
  AppendOptions,
  BillsbyAccountRecord,
  AppendOutcome,
  AppendRequest,
  DeliveredBy,
  DeliveryState,
  DeliverySummary,
  EventLog,
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
 * This class holds the pool and the payload cipher and answers the EventLog interface; the SQL
 * lives in one module per group of methods (postgres-appends, -delivery, -queries, -redelivery,
 * -privacy, -secrets, -leases, -filled, -billsby), and the pool, transactions and migrations in
 * postgres-connection.
 */
export class PostgresEventLog implements EventLog {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;
  /** Pipelined connections for append (webhooks are group-committed, one batch at a time). */
  private readonly appendPool: Pool;
  private readonly poolSize: number;
  private readonly cipher: PayloadCipher;
  private closing: Promise<void> | undefined;

  constructor(opts: PostgresEventLogOptions) {
    this.cipher = new PayloadCipher(opts.keys);
    this.poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
    this.pool = openPool(opts.connectionString, this.poolSize, () => this.closing !== undefined);
    this.appendPool = openPool(opts.connectionString, APPEND_POOL_SIZE, () => this.closing !== undefined, {
      pipeline: true,
    });
  }

  migrate(): Promise<void> {
    return migrate(this.pool);
  }

  /** Opens every pooled connection before the first webhook needs one (see warmPool). */
  async warm(): Promise<void> {
    await Promise.all([warmPool(this.pool, this.poolSize), warmPool(this.appendPool, APPEND_POOL_SIZE)]);
  }

  activateAccount(accountId: string): Promise<void> {
    return appends.activateAccount(this.pool, accountId);
  }

  closeAccount(accountId: string): Promise<number> {
    return appends.closeAccount(this.pool, accountId);
  }

  isAccountActive(accountId: string): Promise<boolean> {
    return appends.isAccountActive(this.pool, accountId);
  }

  append(requests: AppendRequest[], options: AppendOptions): Promise<AppendOutcome[]> {
    return appends.append(this.appendPool, this.cipher, requests, options);
  }

  peekQueued(accountId: string, limit: number): Promise<QueuedRef[]> {
    return delivery.peekQueued(this.pool, accountId, limit);
  }

  readQueued(accountId: string, fromSeq: number, toSeq: number): Promise<QueuedEvent[]> {
    return delivery.readQueued(this.pool, this.cipher, accountId, fromSeq, toSeq);
  }

  beginAttempt(accountId: string, seq: number, at: string): Promise<EventRecord | null> {
    return delivery.beginAttempt(this.pool, accountId, seq, at);
  }

  markDeliveredAndBegin(
    accountId: string,
    delivered: { seq: number; messageIds: string[]; at: string; by?: DeliveredBy },
    next: { seq: number; at: string },
  ): Promise<EventRecord | null> {
    return delivery.markDeliveredAndBegin(this.pool, accountId, delivered, next);
  }

  lastMessageIdBefore(accountId: string, seq: number): Promise<string | null> {
    return delivery.lastMessageIdBefore(this.pool, accountId, seq);
  }

  recordParts(accountId: string, seq: number, messageIds: string[]): Promise<void> {
    return delivery.recordParts(this.pool, accountId, seq, messageIds);
  }

  markDelivered(
    accountId: string,
    seq: number,
    messageIds: string[],
    at: string,
    by?: DeliveredBy,
  ): Promise<void> {
    return delivery.markDelivered(this.pool, accountId, seq, messageIds, at, by);
  }

  markFailed(accountId: string, seq: number, reason: string, at: string, by?: DeliveredBy): Promise<void> {
    return delivery.markFailed(this.pool, accountId, seq, reason, at, by);
  }

  get(accountId: string, eventId: string): Promise<EventRecord | null> {
    return queries.get(this.pool, accountId, eventId);
  }

  list(accountId: string, options: { state?: EventState; limit: number }): Promise<EventRecord[]> {
    return queries.list(this.pool, accountId, options);
  }

  counts(accountId: string): Promise<LogCounts> {
    return queries.counts(this.pool, accountId);
  }

  deliverySummary(): Promise<DeliverySummary> {
    return queries.deliverySummary(this.pool);
  }

  accountsWithQueued(limit: number): Promise<string[]> {
    return queries.accountsWithQueued(this.pool, limit);
  }

  accountsToWake(options: { stalledBefore: string; limit: number }): Promise<string[]> {
    return queries.accountsToWake(this.pool, options);
  }

  acquireLease(name: string, holder: string, ttlMs: number, now: Date = new Date()): Promise<boolean> {
    return leases.acquireLease(this.pool, name, holder, ttlMs, now);
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return leases.releaseLease(this.pool, name, holder);
  }

  select(
    accountId: string,
    options: { state: DeliveryState; since?: string; limit: number },
  ): Promise<EventRecord[]> {
    return queries.select(this.pool, accountId, options);
  }

  readPayloads(accountId: string, eventIds: string[]): Promise<Map<string, LoggedEvent>> {
    return queries.readPayloads(this.pool, this.cipher, accountId, eventIds);
  }

  redeliver(accountId: string, changes: RedeliveryChange[], at: string): Promise<RedeliveryOutcome[]> {
    return redelivery.redeliver(this.pool, accountId, changes, at);
  }

  erasePayloads(deliveredBefore: string, at: string, limit: number): Promise<number> {
    return privacy.erasePayloads(this.pool, deliveredBefore, at, limit);
  }

  forgetCustomer(accountId: string, customerUniqueId: string, at: string): Promise<ForgetOutcome | null> {
    return privacy.forgetCustomer(this.pool, this.cipher, accountId, customerUniqueId, at);
  }

  getWebhookSecret(accountId: string): Promise<StoredWebhookSecret | null> {
    return secrets.getWebhookSecret(this.pool, accountId);
  }

  putWebhookSecret(accountId: string, secret: StoredWebhookSecret): Promise<void> {
    return secrets.putWebhookSecret(this.pool, accountId, secret);
  }

  consumeToken(tokenId: string, expiresAt: Date): Promise<boolean> {
    return secrets.consumeToken(this.pool, tokenId, expiresAt);
  }

  storeFilled(accountId: string, items: FilledEvent[], at: string): Promise<number[]> {
    return filled.storeFilled(this.pool, this.cipher, accountId, items, at);
  }

  lastKnownDetails(accountId: string, customerUniqueIds: string[]): Promise<Map<string, CustomerDetails>> {
    return filled.lastKnownDetails(this.pool, this.cipher, accountId, customerUniqueIds);
  }

  getBillsbyAccount(accountId: string): Promise<BillsbyAccountRecord | null> {
    return billsby.getBillsbyAccount(this.pool, this.cipher, accountId);
  }

  putBillsbyCredentials(
    accountId: string,
    credentials: { companyDomain: string; apiKey: string },
    checkedAt: string,
  ): Promise<void> {
    return billsby.putBillsbyCredentials(this.pool, this.cipher, accountId, credentials, checkedAt);
  }

  deleteBillsbyCredentials(accountId: string): Promise<void> {
    return billsby.deleteBillsbyCredentials(this.pool, accountId);
  }

  markBillsbyRejected(accountId: string, fingerprint: string, at: string): Promise<void> {
    return billsby.markBillsbyRejected(this.pool, accountId, fingerprint, at);
  }

  clearBillsbyRejected(accountId: string): Promise<void> {
    return billsby.clearBillsbyRejected(this.pool, accountId);
  }

  countBillsbyRejected(): Promise<number> {
    return billsby.countBillsbyRejected(this.pool);
  }

  close(): Promise<void> {
    this.closing ??= Promise.all([this.pool.end(), this.appendPool.end()]).then(() => undefined);
    return this.closing;
  }
}
