import type { BillsbyEvent, CustomerDetails } from '../domain/billsby/event-schema';
import type { PublicBillsbyEvent } from '../domain/billsby/public-event';
import type { EngagementDigestEvent } from '../domain/integration/digest-event';
import type { DeliveryCounts } from '../domain/integration/status';
import type { BillsbyAccountRecord } from '../domain/billsby/account-credentials';

export type { BillsbyAccountRecord };

/**
 * The event log: the system of record for accepted Billsby events (DESIGN.md §3 "Event").
 * Per account, append-only, unique on the event `Id` forever, payloads encrypted at rest.
 * Two engines implement it: PostgreSQL (`DATABASE_URL`) and an embedded SQLite file in the data
 * folder (several processes may open it at once: gateway, worker, CLI).
 */

export const DELIVERY_STATES = ['queued', 'delivered', 'failed', 'dropped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
/**
 * Every state an event can be listed in: the delivery states, and `ignored` (a Billsby webhook with
 * no message, §4.3.1: kept by id and reason, without its payload, never queued).
 */
export const EVENT_STATES = [...DELIVERY_STATES, 'ignored'] as const;
export type EventState = (typeof EVENT_STATES)[number];

/**
 * What the log stores for an event to post: a rich event (§4.3), a public webhook not filled
 * yet (§4.3.1; its `Form` is "public"), replaced by its filled rich event before the first post,
 * or a BILL engagement digest (§4.5.1; its `Form` is "digest"), posted to the BILL Engagement space.
 */
export type LoggedEvent = BillsbyEvent | PublicBillsbyEvent | EngagementDigestEvent;

export type AppendRequest =
  | {
      accountId: string;
      /** Already authenticated and validated by the gateway. */
      event: LoggedEvent;
      /**
       * At most one event per account is ever accepted with this key (a paid invoice is announced
       * once): a later event with the same key is stored as ignored (reason names the first event).
       */
      onceKey?: string | null;
    }
  | {
      accountId: string;
      /** A webhook that is kept but never posted: no payload is stored. */
      ignored: { eventId: string; type: string; reason: string };
    };

export type AppendOutcome =
  | { status: 'accepted'; seq: number }
  | { status: 'duplicate' }
  /** Stored as ignored (no payload): an ignored request, or a repeated onceKey. */
  | { status: 'ignored'; seq: number }
  /** The account has no active integration (never connected, or uninstalled). Nothing stored. */
  | { status: 'not_found' }
  /** The account's undelivered events reached the cap. Nothing stored. */
  | { status: 'backlog_full'; undelivered: number };

/**
 * The workflow run that finished an event (delivered or failed it): which run to open in the Web
 * UI when asking why. Ids only, no personal data.
 */
export interface DeliveredBy {
  workflowId: string;
  runId: string;
}

/** One event's delivery record, without its payload (what the API and CLI show). */
export interface EventRecord {
  eventId: string;
  type: string;
  state: EventState;
  /** Per-account sequence number: delivery order. */
  seq: number;
  receivedAt: string;
  deliveredAt: string | null;
  /** Webex message ids posted for it, in order (several when the message was split). */
  messageIds: string[];
  /** Delivery attempts begun (a begun attempt may have posted without our knowing). */
  attempts: number;
  firstAttemptAt: string | null;
  lastError: string | null;
  /** When it reached delivered, failed or dropped (its receivedAt while queued). */
  updatedAt: string;
  /**
   * When its payload was erased (retention of delivered events, or erasure at the customer's
   * request); null while the payload is stored. The record itself stays.
   */
  payloadErasedAt: string | null;
  /**
   * The run that delivered or failed it; null while queued, when dropped, when the caller did not
   * say (tools), and for events finished before the log recorded it.
   */
  deliveredBy: DeliveredBy | null;
}

/** A queued event with its decrypted payload, for the delivery activity only. */
export interface QueuedEvent extends EventRecord {
  payload: LoggedEvent;
}

/**
 * An account's own Billsby credentials (§4.2 `PUT …/billsby`), stored sealed with the payload keys,
 * and the mark Billsby's refusal left (by fingerprint, so it also covers the deployment's default
 * credentials and lapses by itself when the credentials in use change).
 */

/** A public event filled for posting: stored in place of its public payload, with what it tells. */
export interface FilledEvent {
  seq: number;
  /** The filled rich event (its Id is the stored event's). */
  event: BillsbyEvent;
  /**
   * The customer's details this message shows (a Customer created's CustomerDetails, an update's
   * NewDetails): the account's last-known details of that customer from now on, for the OldDetails
   * of its next public CustomerUpdated.
   */
  lastKnown?: { customerUniqueId: string; details: CustomerDetails };
}

/** Ids only, no personal data: safe in workflow history and search attributes. */
export interface QueuedRef {
  seq: number;
  eventId: string;
  type: string;
}

/**
 * The status API's counts, exactly as the log keeps them: `duplicates` counts repeated Ids (an
 * append to an inactive account answers not_found instead); `pending` is what is still queued.
 */
export type LogCounts = DeliveryCounts;

export interface AppendOptions {
  /** Per-account cap on undelivered (queued) events; at the cap an append answers backlog_full. */
  maxUndelivered: number;
}

/**
 * An account's webhook secrets as stored: never in plain text. The current secret is kept sealed
 * (AES-GCM with the payload keys) so its owner can be shown it again, and as a SHA-256 hash for
 * verifying; the previous one only as a hash, until its grace period ends.
 */
export interface StoredWebhookSecret {
  currentHash: string;
  currentSealed: Buffer;
  currentKeyId: string;
  previousHash: string | null;
  previousValidUntil: string | null;
  updatedAt: string;
}

/** lastError of a queued event dropped because its payload was erased at the customer's request. */
export const ERASED_ON_REQUEST = "erased at the customer's request";

export interface RedeliveryChange {
  eventId: string;
  /** The state it was read in. */
  from: 'failed' | 'dropped' | 'delivered';
  to: 'queued' | 'delivered';
  messageIds: string[];
}

export interface RedeliveryOutcome {
  eventId: string;
  applied: boolean;
  /** Its state after the call (null: no such event). */
  state: DeliveryState | null;
}

export interface ForgetOutcome {
  /** Payloads erased by this call. */
  erased: number;
  /** Of those, queued events now dropped. */
  dropped: number;
}

/** Every account's log at once, for metrics and alerts (no account is named). */
export interface DeliverySummary {
  /** Events by state over every account (the accounts' counters). */
  byState: Record<DeliveryState, number>;
  /** Accounts with at least one queued event. */
  accountsWithQueued: number;
  /**
   * When the longest-waiting queue head entered its queue (accepted, or re-queued by a redelivery;
   * its updatedAt), over every account; null when nothing is queued.
   */
  oldestQueuedAt: string | null;
}

/** The events: per-account queues, delivery states, queries, redelivery, erasure, filled texts. */
export interface EventStore {
  /** Webhooks are accepted only for active accounts. Creates the account row when missing. */
  activateAccount(accountId: string): Promise<void>;

  /**
   * Uninstall: in one transaction, marks the account inactive and every queued event `dropped`
   * (kept in the log). Answers how many were dropped. Appends after this answer not_found.
   */
  closeAccount(accountId: string): Promise<number>;

  isAccountActive(accountId: string): Promise<boolean>;

  /**
   * Appends many events (any accounts) in ONE transaction, committed before this resolves; one
   * outcome per request, in order. A repeated `Id` (in the log, or earlier in the same call) is
   * `duplicate` and counts in `duplicates`, whether each was an event or ignored; it is answered
   * before any once-key decision. Sequence numbers per account increase in commit order, so a
   * reader that sees seq n has seen every committed seq < n.
   *
   * An ignored request (or an event whose once key the account already holds) takes the next seq
   * but is never queued: no payload, not in `received` but in `ignored`, never `backlog_full`.
   * Once keys are stored only as HMAC tags; an event refused for a full backlog takes no key.
   */
  append(requests: AppendRequest[], options: AppendOptions): Promise<AppendOutcome[]>;

  /** The oldest queued events' ids, in seq order, at most `limit`. */
  peekQueued(accountId: string, limit: number): Promise<QueuedRef[]>;

  /** The queued events with fromSeq <= seq <= toSeq, in seq order, payloads decrypted. */
  readQueued(accountId: string, fromSeq: number, toSeq: number): Promise<QueuedEvent[]>;

  /**
   * Claims one delivery attempt of a queued event: attempts + 1, firstAttemptAt set on the first,
   * and the claim's time kept as its last attempt (so accountsToWake sees the delivery is alive).
   * Answers the record as it was before this claim, or null when the event is no longer queued
   * (dropped by an uninstall, or finished by someone else): the caller must not post it.
   */
  beginAttempt(accountId: string, seq: number, now: string): Promise<EventRecord | null>;

  /** Progress inside a split message: the parts posted so far (the event stays queued). */
  recordParts(accountId: string, seq: number, messageIds: string[]): Promise<void>;

  /** queued → delivered with its message ids, and the run that delivered it. No effect unless queued. */
  markDelivered(
    accountId: string,
    seq: number,
    messageIds: string[],
    at: string,
    by?: DeliveredBy,
  ): Promise<void>;

  /**
   * markDelivered(seq) then beginAttempt(nextSeq), in ONE write transaction: a batch records one
   * event's delivery and claims the next with one commit instead of two. Answers what
   * beginAttempt(nextSeq) answers.
   */
  markDeliveredAndBegin(
    accountId: string,
    delivered: { seq: number; messageIds: string[]; at: string; by?: DeliveredBy },
    next: { seq: number; at: string },
  ): Promise<EventRecord | null>;

  /**
   * The last Webex message recorded on any event before `seq` (the newest message id of the
   * highest-seq event that has one), or null: where a batch that starts at `seq` begins to read
   * back, once every event before it is finished.
   */
  lastMessageIdBefore(accountId: string, seq: number): Promise<string | null>;

  /**
   * queued → failed with the reason (no personal data in it), and the run that gave up on it. No
   * effect unless queued.
   */
  markFailed(accountId: string, seq: number, reason: string, at: string, by?: DeliveredBy): Promise<void>;

  /** null for an unknown id. */
  get(accountId: string, eventId: string): Promise<EventRecord | null>;

  /**
   * Newest first when no state is given (ignored events among the rest, by seq); oldest first
   * (delivery order) for `queued`; newest first for any other state, `ignored` included.
   */
  list(accountId: string, options: { state?: EventState; limit: number }): Promise<EventRecord[]>;

  /** Exact counts, from the log. Zeroes for an unknown account. */
  counts(accountId: string): Promise<LogCounts>;

  /** Totals over every account and the oldest queued event's time (metrics, on scrape). */
  deliverySummary(): Promise<DeliverySummary>;

  /** Active accounts that have queued events (the gateway wakes their workflows when it starts). */
  accountsWithQueued(limit: number): Promise<string[]>;

  /**
   * Active accounts whose delivery looks stalled, for the wake sweep (workers/wake-sweep.ts): the
   * oldest queued event entered the queue (its updatedAt) before `stalledBefore` and no delivery
   * attempt has claimed it since then. An account whose head is being delivered or retried right
   * now is not listed. Longest-waiting first, at most `limit`.
   */
  accountsToWake(options: { stalledBefore: string; limit: number }): Promise<string[]>;

  /**
   * Events in one state, oldest first (seq order), at most `limit`; with `since`, only those that
   * reached the state at or after it (updatedAt). Redelivery selects failed or dropped events so.
   */
  select(
    accountId: string,
    options: { state: DeliveryState; since?: string; limit: number },
  ): Promise<EventRecord[]>;

  /**
   * The stored payloads of these events, decrypted, by event id (erased ones are absent; ignored
   * events have none). A public webhook not filled yet answers its public payload.
   */
  readPayloads(accountId: string, eventIds: string[]): Promise<Map<string, LoggedEvent>>;

  /**
   * Redelivery, in ONE transaction on an active account: each change applies only while its event
   * is still in `from`. `queued`: to the end of the queue (a new seq after every queued event, in
   * the order given), attempts and deliveredBy reset, messageIds kept as given (parts already in
   * the room); `delivered`: its whole message was found in the room (deliveredBy null: which run
   * posted it is not known). Counters follow. An inactive account (uninstalled) changes nothing:
   * every outcome is not applied.
   */
  redeliver(accountId: string, changes: RedeliveryChange[], at: string): Promise<RedeliveryOutcome[]>;

  /**
   * Retention: erases the payloads of events delivered before `deliveredBefore` (any account),
   * keeping their records, then, with what is left of `limit`, deletes last-known customer details
   * last written before it (as old as the event that wrote them), then forgotten customers' marks
   * older than it that no queued event received before them still needs. At most `limit` of both per
   * call; answers how many of both were erased (so looping until an answer below the limit
   * empties both).
   */
  erasePayloads(deliveredBefore: string, at: string, limit: number): Promise<number>;

  /**
   * Erasure at a customer's request: erases the payload of every event of the account whose
   * CustomerUniqueId is this one, in every state; a queued one cannot be delivered any more and
   * becomes `dropped` (lastError {@link ERASED_ON_REQUEST}). Deletes the account's last-known
   * details of that customer too (not counted in the outcome), and leaves a mark (the customer's
   * tags, `forgotten_customers`): a public payment queued before now names its customer only once
   * filled, and storeFilled drops it then. null for an unknown account.
   */
  forgetCustomer(accountId: string, customerUniqueId: string, at: string): Promise<ForgetOutcome | null>;

  /**
   * Stores filled events in place of their public payloads, and the last-known customer details they
   * carry (upserted in the order given), in ONE transaction. Only while the event is still queued
   * and its seq still holds that event Id: answers the seqs stored (a dropped one is skipped, and
   * so are its details, so a customer just forgotten does not come back). The customer tag is set
   * from the filled event, so erasure finds a filled payment by its customer. An event received
   * before its (filled) customer was forgotten is not stored: it is dropped and erased as
   * forgetCustomer would have (lastError {@link ERASED_ON_REQUEST}), so it is never posted.
   */
  storeFilled(accountId: string, filled: FilledEvent[], at: string): Promise<number[]>;

  /**
   * The account's last-known details of these customers (decrypted), by CustomerUniqueId. A
   * customer without any, or whose row does not open (its key no longer configured), is absent.
   */
  lastKnownDetails(accountId: string, customerUniqueIds: string[]): Promise<Map<string, CustomerDetails>>;
}

/** Each account's webhook secrets (sealed), for the gateway's verifier. */
export interface WebhookSecretRecords {
  /** The account's webhook secrets, or null when none was ever issued. */
  getWebhookSecret(accountId: string): Promise<StoredWebhookSecret | null>;

  /** Replaces the account's webhook secrets (issue, re-issue on re-integration, rotation). */
  putWebhookSecret(accountId: string, secret: StoredWebhookSecret): Promise<void>;
}

/** Single-use link and OAuth start tokens: spent once across every gateway of the deployment. */
export interface OneTimeTokenStore {
  /**
   * Marks a single-use token as used: true the first time for `tokenId`, false ever after (until
   * `expiresAt`, when the row may be cleaned up: the token itself is refused by then).
   */
  consumeToken(tokenId: string, expiresAt: Date): Promise<boolean>;
}

/** Named leases (the wake sweep and the retention sweep run on one worker at a time). */
export interface LeaseStore {
  /**
   * Takes or renews the lease `name` for `holder` until now + ttlMs: true when `holder` holds it
   * now (it was free, expired, or already its own), false while another holder's is unexpired.
   * Atomic across every process of the deployment. Times come from the callers' clocks.
   */
  acquireLease(name: string, holder: string, ttlMs: number, now?: Date): Promise<boolean>;

  /** Gives the lease up if `holder` holds it (another holder can take it at once). */
  releaseLease(name: string, holder: string): Promise<void>;
}

/** Each account's own Billsby credentials (sealed) and Billsby's refusals of them. */
export interface BillsbyCredentialStore {
  /**
   * The account's Billsby credentials and refusal mark; null when it has neither. Credentials
   * that do not open (sealed with a payload key no longer configured) read as null, never throw.
   */
  getBillsbyAccount(accountId: string): Promise<BillsbyAccountRecord | null>;

  /** Stores (replaces) the account's own credentials, sealed, and clears any refusal mark. */
  putBillsbyCredentials(
    accountId: string,
    credentials: { companyDomain: string; apiKey: string },
    checkedAt: string,
  ): Promise<void>;

  /** Removes the account's own credentials and any refusal mark. */
  deleteBillsbyCredentials(accountId: string): Promise<void>;

  /** Records that Billsby refused the credentials with this fingerprint (the account's state `rejected`). */
  markBillsbyRejected(accountId: string, fingerprint: string, at: string): Promise<void>;

  /** Clears the refusal mark (the credentials in use were accepted again). */
  clearBillsbyRejected(accountId: string): Promise<void>;

  /**
   * How many active accounts carry a refusal mark (the metric behind the alert); an uninstalled
   * account keeps its mark for a re-integration but has nothing waiting.
   */
  countBillsbyRejected(): Promise<number>;
}

/** What an engagement run keeps in the database (issue 22): nothing of a run lives on one worker's disk. */
export const ENGAGEMENT_DOCUMENT_KINDS = ['part', 'report', 'snapshot', 'latest'] as const;
export type EngagementDocumentKind = (typeof ENGAGEMENT_DOCUMENT_KINDS)[number];

/**
 * Engagement runs' documents: report parts as the run flushes them, assembled reports, each run's
 * snapshot (organization → reason, for `changes`) and the partner's latest full run. Every one is
 * sealed with the payload keys (they hold customers' emails), kept for
 * ENGAGEMENT_REPORT_RETENTION_DAYS, and shared by every worker and CLI of the deployment.
 */
export interface EngagementDocumentStore {
  /** Writes (or, with `ifAbsent`, keeps an existing) document; true when this call wrote it. */
  putEngagementDocument(
    kind: EngagementDocumentKind,
    key: string,
    value: unknown,
    options?: { ifAbsent?: boolean },
  ): Promise<boolean>;
  getEngagementDocument<T>(kind: EngagementDocumentKind, key: string): Promise<T | null>;
  /** The keys of `kind` starting with `keyPrefix`, sorted. */
  listEngagementDocumentKeys(kind: EngagementDocumentKind, keyPrefix: string): Promise<string[]>;
  deleteEngagementDocuments(kind: EngagementDocumentKind, keyPrefix: string): Promise<number>;
  /** Retention: deletes up to `limit` documents last written before `before`; answers how many. */
  sweepEngagementDocuments(before: string, limit: number): Promise<number>;
}

/** One request slot of a shared BILL budget: granted, or how long to wait before asking again. */
export type BillSlot = { granted: true } | { granted: false; waitMs: number };

export interface BillSlotRequest {
  /** Which budget: a hash of the devKey (never the key itself). */
  budgetKey: string;
  /** This request's id, for its release. */
  permitId: string;
  /** The pacer's clock (the simulated one in tests). */
  nowMs: number;
  /** 3,600,000 / the hourly budget: successive requests of the whole deployment start this far apart. */
  spacingMs: number;
  maxPerHour: number;
  /** A permit not released by then is dropped (its worker died): the bound on a dead worker's hold. */
  leaseMs: number;
}

/**
 * BILL's hourly request budget per devKey, shared by every worker of the deployment (issue 22):
 * evenly spaced slots, a cap per clock hour, and a request counted in every clock hour it is in
 * flight in. One row per budget (next slot, current hour, its count) and one per request in flight.
 */
export interface BillPacingStore {
  takeBillSlot(request: BillSlotRequest): Promise<BillSlot>;
  releaseBillSlot(release: { budgetKey: string; permitId: string; nowMs: number }): Promise<void>;
}

/**
 * The event log: its stores over one database (one connection pool, one payload cipher), composed
 * by each engine (sqlite.ts, postgres.ts) from one store object per group of tables. Code that
 * needs one store asks for that store's interface.
 */
export interface EventLog
  extends
    EventStore,
    WebhookSecretRecords,
    OneTimeTokenStore,
    LeaseStore,
    BillsbyCredentialStore,
    EngagementDocumentStore,
    BillPacingStore {
  /** Which engine, for messages and tests. */
  readonly engine: 'sqlite' | 'postgres';

  /** Creates or upgrades the schema; safe to run from several processes at once, and repeatedly. */
  migrate(): Promise<void>;

  close(): Promise<void>;
}
