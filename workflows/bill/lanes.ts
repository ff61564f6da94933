import { ApplicationFailure, executeChild, isCancellation, workflowInfo } from '@temporalio/workflow';
import {
  addToTotals,
  NOT_READ,
  utf8Length,
  type OrganizationEngagement,
  type RankedEngagement,
} from '../../domain/engagement';
import { BillOrganizationId } from '../../temporal/search-attributes';
import type { BillFailure } from '../../temporal/failures';
import { productMetrics } from '../metric-sinks';
import { organizationSummary } from '../summaries';
import { billApi, FATAL_TYPES, failureMessage, isFailure, reportStore } from './bill-api';
import { organizationWorkflowId, type EngagementCarry, type RankedOrganization } from './definitions';
import type { EngagementOptions } from './options';
import { billEngagementOrganization } from './organization';
import type { BillSessions } from './sessions';

/**
 * The engagement run's concurrent lanes: `concurrency` lanes each take the next organization
 * (listing BILL's next page when the queue runs dry, one page fetch shared by all lanes), classify
 * it in a child workflow, and buffer its entry until a report part is worth saving. They stop when
 * the listing is done, when the run should continue as new (`stopping`), or at the first fatal
 * failure (`fatal`, e.g. credentials gone bad), which the workflow then raises.
 */
export class EngagementLanes {
  /** Organizations being classified right now (the progress query's `running`). */
  running = 0;
  /** Classified entries not yet saved as a report part. */
  readonly buffer: RankedEngagement[] = [];
  fatal: unknown;
  private bufferBytes = 0;
  private startedThisRun = 0;
  private stopping = false;
  private pageFetch: Promise<void> | undefined;
  private readonly seenThisRun = new Set<string>();
  private readonly parentId = workflowInfo().workflowId;

  constructor(
    private readonly state: EngagementCarry,
    private readonly sessions: BillSessions,
    private readonly opts: EngagementOptions,
    private readonly reportKey: string,
  ) {}

  /** Runs every lane until none has an organization left to take. */
  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.concurrency }, () => this.lane()));
  }

  /** Saves the buffered entries as the next report part. */
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const organizations = this.buffer.splice(0);
    this.bufferBytes = 0;
    const index = this.state.parts++;
    await reportStore.billSaveReportPart({ reportKey: this.reportKey, index, organizations });
  }

  private async lane(): Promise<void> {
    for (let org = await this.nextOrganization(); org; org = await this.nextOrganization())
      await this.classify(org);
  }

  private async nextOrganization(): Promise<RankedOrganization | undefined> {
    const { state, opts } = this;
    for (;;) {
      if (this.stopping) return undefined;
      const org = state.queue.shift();
      if (org) {
        this.startedThisRun++;
        if (this.startedThisRun >= opts.continueAsNewAfterOrgs || workflowInfo().continueAsNewSuggested)
          this.stopping = true;
        return org;
      }
      if (state.listingDone) return undefined;
      this.pageFetch ??= this.fetchPage().finally(() => (this.pageFetch = undefined));
      await this.pageFetch;
    }
  }

  private async fetchPage(): Promise<void> {
    const { state, opts } = this;
    if (state.known >= opts.maxOrgs) {
      state.listingDone = true;
      return;
    }
    const page = await this.sessions.withPartner((sessionId) =>
      billApi.billListOrganizationsPage({ sessionId, page: state.nextPage, pageSize: opts.pageSize }),
    );
    for (const org of page.organizations) {
      // A customer enrolling mid-listing shifts BILL's pages; never classify one organization twice.
      if (state.known >= opts.maxOrgs || this.seenThisRun.has(org.id)) continue;
      this.seenThisRun.add(org.id);
      state.queue.push({ rank: state.known++, ...org });
    }
    state.nextPage = page.nextPage;
    if (!page.nextPage || state.known >= opts.maxOrgs) state.listingDone = true;
  }

  private async classify(org: RankedOrganization): Promise<void> {
    this.running++;
    let entry: OrganizationEngagement;
    let done: 'classified' | 'failed' = 'classified';
    try {
      // Inline, not a helper: the same awaits as before, so concurrent lanes order their commands alike.
      if (org.malformed)
        throw ApplicationFailure.nonRetryable(org.malformed, 'Bill.invalid_response' satisfies BillFailure);
      const outcome = await executeChild(billEngagementOrganization, {
        workflowId: organizationWorkflowId(this.parentId, org.id),
        args: [
          {
            organization: org,
            partnerSessionId: this.sessions.partnerSessionId,
            asOf: this.state.asOf,
            pageSize: this.opts.pageSize,
          },
        ],
        typedSearchAttributes: [{ key: BillOrganizationId, value: org.id }],
        staticSummary: organizationSummary(org.id),
      });
      if (outcome.renewedPartnerSessionId) this.sessions.partnerSessionId = outcome.renewedPartnerSessionId;
      this.state.requests += outcome.requests ?? 0;
      entry = outcome.entry;
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (isFailure(err, ...FATAL_TYPES)) {
        this.fatal ??= err;
        this.stopping = true;
        return;
      }
      // One organization's trouble is recorded in its entry and does not sink the run.
      entry = failedEntry(org, failureMessage(err));
      done = 'failed';
      this.state.errors++;
    } finally {
      this.running--;
    }
    addToTotals(this.state.totals, entry);
    this.state.done++;
    productMetrics.organizationDone(done);
    const ranked = { rank: org.rank, entry };
    this.buffer.push(ranked);
    this.bufferBytes += utf8Length(JSON.stringify(ranked));
    if (this.bufferBytes >= this.opts.flushAfterBytes) await this.flush();
  }
}

function failedEntry(org: RankedOrganization, error: string): OrganizationEngagement {
  return {
    organizationId: org.id,
    name: org.name,
    createdTime: org.createdTime,
    users: [],
    reasons: [],
    lastPaymentAt: null,
    bankAccounts: { total: 0, verified: 0 },
    error,
    signals: NOT_READ,
  };
}
