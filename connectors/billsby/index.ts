export { createBillsbyClient } from './client';
export type { BillsbyClient, BillsbyClientConfig, CallOptions } from './client';
export { BillsbyApiError, isBillsbyApiError, DEFAULT_RATE_LIMIT_WAIT_MS, MAX_RETRY_AFTER_MS } from './errors';
export type { BillsbyErrorKind, BillsbyErrorData } from './errors';
export type {
  BillsbyCustomer,
  BillsbyCustomerPage,
  BillsbySubscription,
  BillsbyInvoice,
  BillsbyFeatureTags,
} from './schemas';
