import { ApplicationFailure } from '@temporalio/workflow';
import type { BillFailure } from '../../temporal/failures';
import { billApi, isFailure } from './bill-api';

/** A session can expire again right after renewal (e.g. a long hourly-limit wait); give up after this. */
const MAX_RENEWALS_PER_STEP = 3;

const isExpired = (err: unknown) => isFailure(err, 'Bill.session_expired');

/**
 * Holds the BILL sessions of one workflow and renews them on `BDC_1109`: a new partner login for
 * partner calls, a new login-as-user (as the same user) for organization calls. Renewal is
 * single-flight, so parallel calls that all hit an expired session trigger one login, not three.
 */
export class BillSessions {
  private partnerRenewal?: Promise<void>;
  private orgRenewal?: Promise<void>;
  private orgSessionId?: string;
  private orgIds?: { organizationId: string; userId: string };
  /** True once this keeper logged in as partner itself; the parent then adopts the new session. */
  partnerRenewed = false;

  constructor(public partnerSessionId: string) {}

  async withPartner<T>(step: (sessionId: string) => Promise<T>): Promise<T> {
    for (let renewals = 0; ; renewals++) {
      const used = this.partnerSessionId;
      try {
        return await step(used);
      } catch (err) {
        if (!isExpired(err) || renewals >= MAX_RENEWALS_PER_STEP) throw err;
        await this.renewPartner(used);
      }
    }
  }

  /** Remembers the organization session and who it belongs to, so it can be renewed the same way. */
  setOrgSession(sessionId: string, ids: { organizationId: string; userId: string }): void {
    this.orgSessionId = sessionId;
    this.orgIds = ids;
  }

  async withOrg<T>(step: (orgSessionId: string) => Promise<T>): Promise<T> {
    for (let renewals = 0; ; renewals++) {
      const used = this.orgSessionId;
      if (!used) throw new Error('no organization session: sign in as a user first');
      try {
        return await step(used);
      } catch (err) {
        if (!isExpired(err) || renewals >= MAX_RENEWALS_PER_STEP) throw err;
        await this.renewOrg(used);
      }
    }
  }

  private async renewPartner(stale: string): Promise<void> {
    if (this.partnerSessionId !== stale) return; // someone else already renewed it
    this.partnerRenewal ??= (async () => {
      try {
        this.partnerSessionId = (await billApi.billPartnerLogin()).sessionId;
        this.partnerRenewed = true;
      } finally {
        this.partnerRenewal = undefined;
      }
    })();
    await this.partnerRenewal;
  }

  private async renewOrg(stale: string): Promise<void> {
    if (this.orgSessionId !== stale) return;
    const ids = this.orgIds!;
    this.orgRenewal ??= (async () => {
      try {
        const res = await this.withPartner((sessionId) => billApi.billLoginAsUser({ sessionId, ...ids }));
        if (!('sessionId' in res)) {
          throw ApplicationFailure.nonRetryable(
            `signing in again as user ${ids.userId} was refused: ${res.reason}`,
            'Bill.sign_in_lost' satisfies BillFailure,
          );
        }
        this.orgSessionId = res.sessionId;
      } finally {
        this.orgRenewal = undefined;
      }
    })();
    await this.orgRenewal;
  }
}
