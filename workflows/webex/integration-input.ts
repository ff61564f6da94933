import type { IntegrationWorkflowView } from '../../domain/integration/status';
import type { IntegrationState } from './state';

/** The integration workflow's input and result (apart from the workflow, so its parts can import them). */

export interface IntegrationInput {
  accountId: string;
  /** State from the previous run (continue-as-new) or from an uninstalled integration. */
  carried?: IntegrationState;
  /** A later re-integration passes the earlier run's final state: the room. */
  previous?: Partial<IntegrationState>;
  options?: IntegrationOptions;
}

export interface IntegrationOptions {
  /** Continue-as-new once history passes this many events (the server's suggestion also counts). */
  continueAsNewAfter?: number;
  /** Continue-as-new once the run is this old, even while idle or waiting (default 7 days). */
  maxRunAgeMs?: number;
  /** Wait before retrying a refresh or delivery that failed for a reason other than Webex's word. */
  retryLaterMs?: number;
  /** Most events in one batch (one delivery activity). */
  batchSize?: number;
  /**
   * LEGACY runs only (begun before the delivery loop): how often they looked at the log with
   * nothing queued. Runs on the loop wait for a wake-up signal; the worker's wake sweep
   * (workers/wake-sweep.ts) stands in for a signal that never came.
   */
  idlePollMs?: number;
  /** How soon a dead worker's batch is taken up again (the delivery activity's heartbeat timeout). */
  heartbeatTimeoutMs?: number;
}

export interface IntegrationResult {
  view: IntegrationWorkflowView;
  state: IntegrationState;
}
