import type { Migration } from './migration';

/**
 * The SQLite schema. STRICT tables so a wrong type is an error, not a silently stored string.
 * Times are ISO-8601 text (`toISOString()`), which sorts chronologically as text.
 */
export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'accounts and events',
    sql: `
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        next_seq INTEGER NOT NULL DEFAULT 1,
        received INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        delivered INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        dropped INTEGER NOT NULL DEFAULT 0,
        queued INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE events (
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'failed', 'dropped')),
        received_at TEXT NOT NULL,
        delivered_at TEXT,
        message_ids TEXT NOT NULL DEFAULT '[]',
        attempts INTEGER NOT NULL DEFAULT 0,
        first_attempt_at TEXT,
        last_error TEXT,
        updated_at TEXT NOT NULL,
        payload BLOB NOT NULL,
        payload_key_id TEXT NOT NULL,
        PRIMARY KEY (account_id, seq),
        UNIQUE (account_id, event_id)
      ) STRICT;

      -- Queued events in delivery order (and lists filtered by any state, newest first).
      CREATE INDEX events_by_state ON events (account_id, state, seq);
    `,
  },
  {
    version: 2,
    name: 'webhook secrets',
    sql: `
      -- Hashes, and the current secret sealed with the payload keys: never a secret in plain text.
      CREATE TABLE webhook_secrets (
        account_id TEXT PRIMARY KEY,
        current_hash TEXT NOT NULL,
        current_sealed BLOB NOT NULL,
        current_key_id TEXT NOT NULL,
        previous_hash TEXT,
        previous_valid_until TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'used one-time tokens',
    sql: `
      -- Ids of single-use links already opened (control-page links, OAuth start links), kept
      -- until they expire, so a link works once across every gateway of a deployment.
      CREATE TABLE used_tokens (
        token_id TEXT PRIMARY KEY,
        expires_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX used_tokens_by_expiry ON used_tokens (expires_at);
    `,
  },
  {
    version: 4,
    name: 'customer tags and payload erasure',
    sql: `
      -- HMAC of the event's CustomerUniqueId (keyed from the payload key, never the id itself):
      -- erasure at a customer's request finds their rows by it. NULL for rows appended before
      -- this step (found by decrypting) and for erased rows.
      ALTER TABLE events ADD COLUMN customer_tag TEXT;
      -- When the payload was erased (retention, or the customer's request); the record stays.
      ALTER TABLE events ADD COLUMN payload_erased_at TEXT;
      CREATE INDEX events_by_customer ON events (account_id, customer_tag) WHERE customer_tag IS NOT NULL;
      -- The retention sweep: delivered events whose payload is still stored, oldest delivery first.
      CREATE INDEX events_payload_retention ON events (delivered_at)
        WHERE state = 'delivered' AND payload_erased_at IS NULL;
    `,
  },
  {
    version: 5,
    name: 'who finished an event, and its last claim',
    sql: `
      -- The workflow run that delivered or failed the event (the API's deliveredBy). NULL while
      -- queued, when dropped, and for events finished before this step.
      ALTER TABLE events ADD COLUMN finished_by_workflow_id TEXT;
      ALTER TABLE events ADD COLUMN finished_by_run_id TEXT;
      -- Set by every claim of a delivery attempt: the wake sweep leaves an account alone while its
      -- queue head is being delivered or retried. NULL until the first claim after this step.
      ALTER TABLE events ADD COLUMN last_attempt_at TEXT;
    `,
  },
  {
    version: 6,
    name: 'leases',
    sql: `
      -- A job that one process of the deployment runs at a time (the wake sweep): the holder renews
      -- its lease before expires_at; once expired, any process may take it over.
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'ignored events, once keys, last-known customer details, Billsby credentials',
    sql: `
      -- Webhooks kept by id and reason but never posted (DESIGN.md §4.3.1): no payload, never queued.
      -- Their seq comes from accounts.next_seq like an event's, so they list in order among the rest.
      CREATE TABLE ignored_events (
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        reason TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (account_id, seq),
        UNIQUE (account_id, event_id)
      ) STRICT;
      ALTER TABLE accounts ADD COLUMN ignored INTEGER NOT NULL DEFAULT 0;

      -- At most one accepted event per key (a paid invoice is announced once). The key names an
      -- invoice, whose number embeds a customer id: only its HMAC (PayloadCipher.onceKeyTag) is kept.
      CREATE TABLE once_keys (
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        key_tag TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (account_id, key_tag)
      ) STRICT;

      -- What the account's last message about a customer showed (the OldDetails of its next public
      -- CustomerUpdated), sealed, by customer tag; erased with the customer, and by retention.
      CREATE TABLE customer_details (
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        customer_tag TEXT NOT NULL,
        sealed BLOB NOT NULL,
        key_id TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account_id, customer_tag)
      ) STRICT;
      CREATE INDEX customer_details_retention ON customer_details (updated_at);

      -- An account's own Billsby credentials (the API key sealed, never in plain text) and the
      -- mark Billsby's refusal left. Kept across an uninstall: a re-integration uses them again.
      CREATE TABLE billsby_accounts (
        account_id TEXT PRIMARY KEY,
        company_domain TEXT,
        api_key_sealed BLOB,
        key_id TEXT,
        checked_at TEXT,
        rejected_fingerprint TEXT,
        rejected_at TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 8,
    name: 'engagement documents',
    sql: `
      -- Engagement runs' report parts, reports, snapshots and latest-run pointers (sealed), shared
      -- by every worker and CLI (issue 22); swept after ENGAGEMENT_REPORT_RETENTION_DAYS.
      CREATE TABLE engagement_documents (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        sealed BLOB NOT NULL,
        key_id TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, key)
      ) STRICT;
      CREATE INDEX engagement_documents_retention ON engagement_documents (updated_at);
    `,
  },
  {
    version: 9,
    name: 'shared BILL budget',
    sql: `
      -- BILL's hourly budget per devKey, shared by every worker (issue 22): the next free slot, the
      -- current clock hour and how many requests it has counted; and the requests in flight.
      CREATE TABLE bill_budgets (
        budget_key TEXT PRIMARY KEY,
        next_slot_ms INTEGER NOT NULL,
        hour INTEGER NOT NULL,
        hour_count INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE bill_permits (
        budget_key TEXT NOT NULL,
        permit_id TEXT NOT NULL,
        lease_until_ms INTEGER NOT NULL,
        PRIMARY KEY (budget_key, permit_id)
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'forgotten customers',
    sql: `
      -- forget-customer's mark (an HMAC tag per configured key, never the id): a Billsby payment
      -- queued before the request names its customer only once filled, so the fill drops it then.
      CREATE TABLE forgotten_customers (
        account_id TEXT NOT NULL,
        customer_tag TEXT NOT NULL,
        forgotten_at TEXT NOT NULL,
        PRIMARY KEY (account_id, customer_tag)
      ) STRICT;
    `,
  },
];
