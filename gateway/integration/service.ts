import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { buildAuthorizeUrl } from '../../connectors/webex/oauth';
import { onceKeyOf } from '../../domain/billsby/public-event';
import type { IntegrationWorkflowView } from '../../domain/integration/status';
import type {
  AppendOutcome,
  AppendRequest,
  EventLog,
  EventRecord,
  EventState,
  LoggedEvent,
} from '../../eventlog/types';
import { IntegrationStatus } from '../../temporal/search-attributes';
import {
  completeAuthorization,
  getStatus,
  integrationWorkflowId,
  uninstall,
} from '../../workflows/webex/definitions';
import type { IntegrationOptions, IntegrationResult } from '../../workflows/webex/integration';
import { DEFAULT_UNDELIVERED_ALERT_SECONDS } from './alerts';
import { AppendBatcher } from './append-batcher';
import { BillsbyCredentialsService, type BillsbyCredentialsConfig } from './billsby-credentials';
import { openAuthorizationAttempt } from './authorization-attempt';
import {
  EventLogUnavailableError,
  InvalidStateError,
  NotConfiguredError,
  StatusUnavailableError,
} from './errors';
import { composeState, parseState } from './oauth-state';
import { withLogFacts, type StatusResult } from './status-view';
import type { WebhookSecretStore } from './webhook-secrets';
import { WorkflowWaker, type WakerOptions } from './workflow-waker';

export {
  AlreadyConnectedError,
  EventLogUnavailableError,
  InvalidStateError,
  NotConfiguredError,
  StatusUnavailableError,
} from './errors';
export type { StatusResult } from './status-view';

export interface IntegrationServiceConfig {
  publicBaseUrl: string;
  webexApiBaseUrl: string;
  webexClientId?: string;
  webexScopes: string;
  taskQueue: string;
  /** How long an authorize URL stays usable. */
  authorizationTtlMs?: number;
  /** How long connect waits for the workflow (a worker) to open the attempt. */
  connectTimeoutMs?: number;
  workflowOptions?: IntegrationOptions;
  /** Per-account cap on undelivered events (EVENT_LOG_MAX_UNDELIVERED). */
  maxUndelivered: number;
  /** The status's `alerts` name undelivered events older than this (ALERT_UNDELIVERED_AGE_SECONDS). */
  undeliveredAlertSeconds?: number;
  waker?: WakerOptions;
  /** BILLSBY_API_BASE_URL and BILLSBY_COMPANY_DOMAIN: checking and showing the account's Billsby credentials. */
  billsby?: BillsbyCredentialsConfig;
}

export interface ConnectResult {
  /** Webex's authorize URL (the gateway hands the browser its own start link instead). */
  authorizeUrl: string;
  /** The attempt's state nonce and expiry, to bind the attempt to the installing browser. */
  attempt: { stateNonce: string; expiresAt: string };
  workflowId: string;
  webhookUrl: string;
  webhookSecret: string;
}

/**
 * What the gateway and CLI do with integrations, in Temporal terms. One instance per process.
 * Connect's update-with-start lives in authorization-attempt.ts, the status's event-log facts in
 * status-view.ts, and the errors the gateway maps to HTTP answers in errors.ts.
 */
export class IntegrationService {
  private readonly batcher: AppendBatcher;
  private readonly waker: WorkflowWaker;
  /** The account's own Billsby credentials (§4.2 `…/billsby`). */
  readonly billsby: BillsbyCredentialsService;

  constructor(
    private readonly client: Client,
    private readonly cfg: IntegrationServiceConfig,
    readonly secrets: WebhookSecretStore,
    readonly eventLog: EventLog,
  ) {
    this.batcher = new AppendBatcher(eventLog, { maxUndelivered: cfg.maxUndelivered });
    this.waker = new WorkflowWaker(client, cfg.waker);
    this.billsby = new BillsbyCredentialsService(
      eventLog,
      cfg.billsby ?? { apiBaseUrl: 'https://public.billsby.com/api/v1/rest' },
      (accountId) => this.waker.wake(accountId),
    );
  }

  /** Stops the wake-up timers (the log and the client belong to the caller). */
  close(): void {
    this.waker.close();
  }

  get redirectUri(): string {
    return `${this.cfg.publicBaseUrl}/oauth/webex/callback`;
  }

  webhookUrl(accountId: string): string {
    return `${this.cfg.publicBaseUrl}/webhooks/billsby/${accountId}`;
  }

  /**
   * Starts (or reuses) the integration workflow and opens a fresh OAuth attempt. A connected
   * integration needs `replace` (AlreadyConnectedError otherwise, and nothing changes).
   */
  async connect(accountId: string, opts: { replace?: boolean } = {}): Promise<ConnectResult> {
    const clientId = this.cfg.webexClientId;
    if (!clientId)
      throw new NotConfiguredError('WEBEX_CLIENT_ID is not configured, so Webex cannot be connected');
    const previous = await this.finishedState(accountId);
    const attempt = await openAuthorizationAttempt(this.client, this.cfg, {
      accountId,
      previous,
      replace: opts.replace === true,
    });
    // From now on webhooks for this account are accepted into its log. The first connect, and a
    // re-integration after an uninstall, issue a new webhook secret; a reconnect keeps it.
    const wasActive = await this.eventLog.isAccountActive(accountId);
    await this.eventLog.activateAccount(accountId);
    const webhookSecret =
      (wasActive ? await this.secrets.current(accountId) : null) ?? (await this.secrets.issue(accountId));
    return {
      authorizeUrl: buildAuthorizeUrl({
        baseUrl: this.cfg.webexApiBaseUrl,
        clientId,
        redirectUri: this.redirectUri,
        scopes: this.cfg.webexScopes,
        state: composeState(accountId, attempt.stateNonce),
        codeChallenge: attempt.codeChallenge,
      }),
      attempt: { stateNonce: attempt.stateNonce, expiresAt: attempt.expiresAt },
      workflowId: attempt.workflowId,
      webhookUrl: this.webhookUrl(accountId),
      webhookSecret,
    };
  }

  /** Hands Webex's redirect to the workflow. Unknown, used or expired state → InvalidStateError. */
  async completeAuthorization(input: { state?: string; code?: string; error?: string }) {
    const parsed = parseState(input.state);
    if (!parsed) throw new InvalidStateError('state is missing or malformed');
    const handle = this.client.workflow.getHandle(integrationWorkflowId(parsed.accountId));
    try {
      const result = await handle.executeUpdate(completeAuthorization, {
        args: [{ stateNonce: parsed.nonce, code: input.code, error: input.error }],
      });
      return { accountId: parsed.accountId, ...result };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError) {
        throw new InvalidStateError('state is unknown, already used or expired');
      }
      throw err;
    }
  }

  /** Whether the account ever integrated Webex (its integration workflow exists, in any state). */
  async everIntegrated(accountId: string): Promise<boolean> {
    return (await this.describeIntegration(accountId)) !== null;
  }

  /** The integration workflow's description (its latest run), or null when there never was one. */
  private async describeIntegration(accountId: string) {
    try {
      return await this.client.workflow.getHandle(integrationWorkflowId(accountId)).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  /** null when the account never integrated. */
  async status(accountId: string): Promise<StatusResult | null> {
    const handle = this.client.workflow.getHandle(integrationWorkflowId(accountId));
    const description = await this.describeIntegration(accountId);
    if (!description) return null;
    let view: IntegrationWorkflowView | undefined;
    if (description.status.name === 'RUNNING') {
      try {
        view = await this.client.connection.withDeadline(Date.now() + 5_000, () => handle.query(getStatus));
      } catch {
        throw new StatusUnavailableError(description.typedSearchAttributes.get(IntegrationStatus));
      }
    } else {
      view = (await this.finishedResult(accountId))?.view;
    }
    if (!view) return null;
    return this.withLogFacts(view);
  }

  /** The workflow's view plus the exact counts and newest failures from the event log. */
  private withLogFacts(view: IntegrationWorkflowView): Promise<StatusResult> {
    return withLogFacts(this.eventLog, view, {
      webhookUrl: this.webhookUrl(view.accountId),
      billsbyCompanyDomain: this.cfg.billsby?.defaultCompanyDomain,
      undeliveredAlertSeconds: this.cfg.undeliveredAlertSeconds ?? DEFAULT_UNDELIVERED_ALERT_SECONDS,
    });
  }

  async uninstall(accountId: string): Promise<StatusResult | null> {
    const handle = this.client.workflow.getHandle(integrationWorkflowId(accountId));
    try {
      return await this.withLogFacts(await handle.executeUpdate(uninstall));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // Already closed (uninstalled before) answers its final status; never integrated → null.
      return this.status(accountId);
    }
  }

  /**
   * Appends a validated event to the account's log; resolves once committed (the 202), then
   * wakes the workflow without waiting for Temporal. `not_found`: no active integration.
   */
  /**
   * Appends a webhook to the account's log: an event to post (a paid invoice announced once), or
   * an ignored one (§4.3.1, kept without its payload).
   */
  async acceptEvent(
    accountId: string,
    webhook: { event: LoggedEvent } | { ignored: { eventId: string; type: string; reason: string } },
  ): Promise<AppendOutcome> {
    let outcome: AppendOutcome;
    const request: AppendRequest =
      'event' in webhook
        ? { accountId, event: webhook.event, onceKey: onceKeyOf(webhook.event) }
        : { accountId, ignored: webhook.ignored };
    try {
      outcome = await this.batcher.append(request);
    } catch (err) {
      throw new EventLogUnavailableError(err);
    }
    if (outcome.status === 'accepted') this.waker.wake(accountId);
    return outcome;
  }

  /**
   * Wakes every active account that has queued events: after a gateway restart, an event whose
   * wake-up was lost with the old process is picked up now rather than at the worker's next wake sweep.
   */
  async wakeAccountsWithQueuedEvents(limit = 10_000): Promise<number> {
    const accounts = await this.eventLog.accountsWithQueued(limit);
    for (const accountId of accounts) this.waker.wake(accountId);
    return accounts.length;
  }

  async event(accountId: string, eventId: string): Promise<EventRecord | null> {
    return this.eventLog.get(accountId, eventId);
  }

  async events(accountId: string, query: { state?: EventState; limit: number }): Promise<EventRecord[]> {
    return this.eventLog.list(accountId, query);
  }

  private async finishedResult(accountId: string): Promise<IntegrationResult | undefined> {
    try {
      return (await this.client.workflow
        .getHandle(integrationWorkflowId(accountId))
        .result()) as IntegrationResult;
    } catch {
      return undefined;
    }
  }

  /** The state an uninstalled integration ended with, carried into a re-integration. */
  private async finishedState(accountId: string) {
    if ((await this.describeIntegration(accountId))?.status.name !== 'COMPLETED') return undefined;
    const result = await this.finishedResult(accountId);
    if (!result) return undefined;
    return { room: result.state.room };
  }
}
