/**
 * An account's own Billsby credentials (DESIGN §4.2 `PUT/GET/DELETE /api/accounts/:accountId/billsby`):
 * verified with one read before anything is stored, sealed at rest by the event log, never shown
 * again, never logged, never in Temporal history (the delivery activity reads them by account id).
 */
import { createBillsbyClient, isBillsbyApiError } from '../../connectors/billsby';
import { billsbyState, type BillsbyState } from '../../connectors/billsby/credentials';
import type { EventLog } from '../../eventlog/types';

export interface BillsbyCredentialsView {
  companyDomain: string | null;
  state: BillsbyState;
  checkedAt: string | null;
}

export type PutOutcome =
  | { ok: true; view: BillsbyCredentialsView }
  /** 422: Billsby refused the key or does not know the company; 502: Billsby did not answer usefully. */
  | { ok: false; status: 422 | 502; error: string };

export interface BillsbyCredentialsConfig {
  /** BILLSBY_API_BASE_URL */
  apiBaseUrl: string;
  /** BILLSBY_COMPANY_DOMAIN: the default for accounts without their own (its key is the worker's). */
  defaultCompanyDomain?: string;
  timeoutMs?: number;
}

/** The login subdomain: `widgets` for widgets.billsby.com. */
export const COMPANY_DOMAIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;

export class BillsbyCredentialsService {
  constructor(
    private readonly eventLog: EventLog,
    private readonly cfg: BillsbyCredentialsConfig,
    /** Wakes the account's integration: events held by a refusal try again with the new credentials. */
    private readonly wake: (accountId: string) => void,
  ) {}

  async view(accountId: string): Promise<BillsbyCredentialsView> {
    const record = await this.eventLog.getBillsbyAccount(accountId);
    const { state, companyDomain } = billsbyState(record, this.cfg.defaultCompanyDomain);
    return { companyDomain, state, checkedAt: record?.credentials ? record.checkedAt : null };
  }

  /** One read (`GET /core/{companyDomain}/customers?page=1&pageSize=1`); stored only when it succeeds. */
  async put(accountId: string, companyDomain: string, apiKey: string): Promise<PutOutcome> {
    const client = createBillsbyClient({
      baseUrl: this.cfg.apiBaseUrl,
      companyDomain,
      apiKey,
      timeoutMs: this.cfg.timeoutMs ?? 10_000,
    });
    try {
      await client.listCustomers(1, 1);
    } catch (err) {
      if (!isBillsbyApiError(err)) throw err;
      if (err.kind === 'unauthorized' || err.kind === 'forbidden')
        return { ok: false, status: 422, error: 'Billsby refused the API key (nothing was stored)' };
      if (err.kind === 'not_found' || err.kind === 'bad_request')
        return {
          ok: false,
          status: 422,
          error: `Billsby does not know the company "${companyDomain}" (nothing was stored)`,
        };
      return {
        ok: false,
        status: 502,
        error: `Billsby could not be reached to check the credentials (${err.kind}); nothing was stored, try again`,
      };
    }
    const checkedAt = new Date().toISOString();
    await this.eventLog.putBillsbyCredentials(accountId, { companyDomain, apiKey }, checkedAt);
    this.wake(accountId);
    return { ok: true, view: { companyDomain, state: 'ok', checkedAt } };
  }

  async remove(accountId: string): Promise<void> {
    await this.eventLog.deleteBillsbyCredentials(accountId);
    // Held events go on with the default credentials, or with the webhook's values only.
    this.wake(accountId);
  }
}
