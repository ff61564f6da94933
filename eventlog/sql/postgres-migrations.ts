import type { Migration } from './migration';

/**
 * The PostgreSQL schema: the same logical shape as the SQLite one. Counters and sequence numbers
 * are bigint (node-postgres is told to parse them as numbers, see postgres.ts).
 */
export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'accounts and events',
    sql: `
      CREATE TABLE accounts (
        account_id text PRIMARY KEY,
        active boolean NOT NULL,
        next_seq bigint NOT NULL DEFAULT 1,
        received bigint NOT NULL DEFAULT 0,
        duplicates bigint NOT NULL DEFAULT 0,
        delivered bigint NOT NULL DEFAULT 0,
        failed bigint NOT NULL DEFAULT 0,
        dropped bigint NOT NULL DEFAULT 0,
        queued bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );

      CREATE TABLE events (
        account_id text NOT NULL REFERENCES accounts (account_id),
        seq bigint NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        state text NOT NULL CHECK (state IN ('queued', 'delivered', 'failed', 'dropped')),
        received_at timestamptz NOT NULL,
        delivered_at timestamptz,
        message_ids text NOT NULL DEFAULT '[]',
        attempts integer NOT NULL DEFAULT 0,
        first_attempt_at timestamptz,
        last_error text,
        updated_at timestamptz NOT NULL,
        payload bytea NOT NULL,
        payload_key_id text NOT NULL,
        PRIMARY KEY (account_id, seq),
        UNIQUE (account_id, event_id)
      );

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
        account_id text PRIMARY KEY,
        current_hash text NOT NULL,
        current_sealed bytea NOT NULL,
        current_key_id text NOT NULL,
        previous_hash text,
        previous_valid_until timestamptz,
        updated_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'used one-time tokens',
    sql: `
      -- Ids of single-use links already opened (control-page links, OAuth start links), kept
      -- until they expire, so a link works once across every gateway of a deployment.
      CREATE TABLE used_tokens (
        token_id text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );
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
      ALTER TABLE events ADD COLUMN customer_tag text;
      -- When the payload was erased (retention, or the customer's request); the record stays.
      ALTER TABLE events ADD COLUMN payload_erased_at timestamptz;
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
      ALTER TABLE events ADD COLUMN finished_by_workflow_id text;
      ALTER TABLE events ADD COLUMN finished_by_run_id text;
      -- Set by every claim of a delivery attempt: the wake sweep leaves an account alone while its
      -- queue head is being delivered or retried. NULL until the first claim after this step.
      ALTER TABLE events ADD COLUMN last_attempt_at timestamptz;
    `,
  },
  {
    version: 6,
    name: 'leases',
    sql: `
      -- A job that one process of the deployment runs at a time (the wake sweep): the holder renews
      -- its lease before expires_at; once expired, any process may take it over.
      CREATE TABLE leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'ignored events, once keys, last-known customer details, Billsby credentials',
    sql: `
      -- Webhooks kept by id and reason but never posted (DESIGN.md §4.3.1): no payload, never queued.
      -- Their seq comes from accounts.next_seq like an event's, so they list in order among the rest.
      CREATE TABLE ignored_events (
        account_id text NOT NULL REFERENCES accounts (account_id),
        seq bigint NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        reason text NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, seq),
        UNIQUE (account_id, event_id)
      );
      ALTER TABLE accounts ADD COLUMN ignored bigint NOT NULL DEFAULT 0;

      -- At most one accepted event per key (a paid invoice is announced once). The key names an
      -- invoice, whose number embeds a customer id: only its HMAC (PayloadCipher.onceKeyTag) is kept.
      CREATE TABLE once_keys (
        account_id text NOT NULL REFERENCES accounts (account_id),
        key_tag text NOT NULL,
        event_id text NOT NULL,
        PRIMARY KEY (account_id, key_tag)
      );

      -- What the account's last message about a customer showed (the OldDetails of its next public
      -- CustomerUpdated), sealed, by customer tag; erased with the customer, and by retention.
      CREATE TABLE customer_details (
        account_id text NOT NULL REFERENCES accounts (account_id),
        customer_tag text NOT NULL,
        sealed bytea NOT NULL,
        key_id text NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, customer_tag)
      );
      CREATE INDEX customer_details_retention ON customer_details (updated_at);

      -- An account's own Billsby credentials (the API key sealed, never in plain text) and the
      -- mark Billsby's refusal left. Kept across an uninstall: a re-integration uses them again.
      CREATE TABLE billsby_accounts (
        account_id text PRIMARY KEY,
        company_domain text,
        api_key_sealed bytea,
        key_id text,
        checked_at timestamptz,
        rejected_fingerprint text,
        rejected_at timestamptz,
        updated_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'engagement documents',
    sql: `
      -- Engagement runs' report parts, reports, snapshots and latest-run pointers (sealed), shared
      -- by every worker and CLI (issue 22); swept after ENGAGEMENT_REPORT_RETENTION_DAYS.
      CREATE TABLE engagement_documents (
        kind text NOT NULL,
        key text NOT NULL,
        sealed bytea NOT NULL,
        key_id text NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (kind, key)
      );
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
        budget_key text PRIMARY KEY,
        next_slot_ms bigint NOT NULL,
        hour bigint NOT NULL,
        hour_count integer NOT NULL
      );
      CREATE TABLE bill_permits (
        budget_key text NOT NULL,
        permit_id text NOT NULL,
        lease_until_ms bigint NOT NULL,
        PRIMARY KEY (budget_key, permit_id)
      );
    `,
  },
  {
    version: 10,
    name: 'forgotten customers',
    sql: `
      -- forget-customer's mark (an HMAC tag per configured key, never the id): a Billsby payment
      -- queued before the request names its customer only once filled, so the fill drops it then.
      CREATE TABLE forgotten_customers (
        account_id text NOT NULL,
        customer_tag text NOT NULL,
        forgotten_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, customer_tag)
      );
    `,
  },
];
