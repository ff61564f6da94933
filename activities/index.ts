import type { AppConfig } from '../config/env';
import type { EventLog } from '../eventlog/types';
import { createBillActivities, type BillActivityDeps } from './bill';
import * as diagnostics from './diagnostics';
import { createWebexActivities } from './webex';
import type { WebexActivityDeps } from './webex/deps';

export interface ActivityDeps {
  webex: WebexActivityDeps;
  bill: BillActivityDeps;
}

/** Activity dependencies from the product configuration. Tests build their own (simulator URLs). */
export function activityDepsFromConfig(config: AppConfig, eventLog: EventLog): ActivityDeps {
  return {
    webex: {
      eventLog,
      apiBaseUrl: config.WEBEX_API_BASE_URL,
      clientId: config.WEBEX_CLIENT_ID,
      clientSecret: config.WEBEX_CLIENT_SECRET,
      redirectUri: `${config.PUBLIC_BASE_URL}/oauth/webex/callback`,
      billsby: {
        apiBaseUrl: config.BILLSBY_API_BASE_URL,
        readsPerAccount: config.BILLSBY_READS_PER_ACCOUNT,
        readsPerProcess: config.BILLSBY_READS_PER_PROCESS,
        // Both or nothing: a key without its company cannot be used.
        ...(config.BILLSBY_COMPANY_DOMAIN && config.BILLSBY_API_KEY
          ? {
              defaultCredentials: {
                companyDomain: config.BILLSBY_COMPANY_DOMAIN,
                apiKey: config.BILLSBY_API_KEY,
              },
            }
          : {}),
      },
    },
    bill: {
      apiBaseUrl: config.BILL_API_BASE_URL,
      username: config.BILL_USERNAME,
      password: config.BILL_PASSWORD,
      appKey: config.BILL_APP_KEY,
      devKey: config.BILL_DEV_KEY,
      maxRequestsPerHour: config.BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR,
      documents: eventLog,
      pacing: eventLog,
      digests: { events: eventLog, maxUndelivered: config.EVENT_LOG_MAX_UNDELIVERED },
    },
  };
}

/** Each task queue's activities: its own, and the diagnostics every queue answers. */
export function createActivities(deps: ActivityDeps) {
  return {
    webex: { ...diagnostics, ...createWebexActivities(deps.webex) },
    bill: { ...diagnostics, ...createBillActivities(deps.bill) },
  };
}

export type ProductActivities = ReturnType<typeof createActivities>;
