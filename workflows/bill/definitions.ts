import { defineQuery } from '@temporalio/workflow';
import type { ReasonTotals } from '../../domain/engagement';

/** The engagement workflow's contract. Client code (CLI, bench) imports these definitions. */

export const ENGAGEMENT_WORKFLOW_PREFIX = 'bill-engagement';
export const organizationWorkflowId = (parentWorkflowId: string, organizationId: string) =>
  `bill-engagement-org:${parentWorkflowId}:${organizationId}`;

export interface BillEngagementInput {
  /** Reference instant for §4.5 (ISO date or date-time). Default: the workflow's start time. */
  asOf?: string;
  /** Stop listing after this many organizations (newest first). Default: all. */
  maxOrgs?: number;
  /** Organization child workflows running at once. Default 5. */
  concurrency?: number;
  /** BILL page size (1..100) for organizations and users. Default 100. */
  pageSize?: number;
  /** Start a fresh run (continue-as-new) after this many organizations. Default 500. */
  continueAsNewAfterOrgs?: number;
  /** Flush classified organizations to the report store once this many bytes are held. Default 256 KiB. */
  flushAfterBytes?: number;
  /** Larger reports are written to the reports folder and only their location is returned. Default 500,000. */
  inlineReportLimitBytes?: number;
  /**
   * The run to list `changes` against (a workflow id). Default: the latest completed run over the
   * same partner that read every organization (for a schedule: its previous run).
   */
  compareTo?: string;
  /**
   * After the run completes, post its digest (DESIGN §4.5.1) through this account's Webex
   * integration into its `BILL Engagement` space, once.
   */
  postTo?: string;
  /** With `postTo`: the digest's change lines name the contacts' emails (`--with-contacts`). */
  withContacts?: boolean;
  /** Set by the workflow itself when it continues as new; never pass this. */
  carry?: EngagementCarry;
}

export interface RankedOrganization {
  rank: number;
  id: string;
  name: string;
  createdTime: string | null;
  /** BILL's record of it is malformed (the field named): reported with this error, not classified. */
  malformed?: string;
}

/** Everything a new run needs to carry on: a cursor, counters and where the parts are, never the parts. */
export interface EngagementCarry {
  asOf: string;
  partnerSessionId: string;
  nextPage?: string;
  listingDone: boolean;
  /** Listed but not yet started (at most one page). */
  queue: RankedOrganization[];
  known: number;
  done: number;
  errors: number;
  totals: ReasonTotals;
  /** Report parts already saved by billSaveReportPart. */
  parts: number;
  runs: number;
  /** BILL requests made by the organizations so far, and the worker's pace: the time-left estimate. */
  requests: number;
  maxRequestsPerHour?: number;
}

export interface EngagementProgress {
  asOf: string;
  /** Organizations classified (or recorded as failed). */
  done: number;
  /** Organizations listed so far. */
  known: number;
  listingComplete: boolean;
  running: number;
  errors: number;
  totals: ReasonTotals;
  /** How many runs this workflow has had (continue-as-new). */
  runs: number;
  finished: boolean;
  /** BILL requests made by the organizations done so far. */
  requests: number;
  /** The worker's BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR, which sets the pace. */
  maxRequestsPerHour?: number;
}

export const engagementProgressQuery = defineQuery<EngagementProgress>('engagementProgress');
