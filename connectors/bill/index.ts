export { createBillClient } from './client';
export type {
  BillClient,
  BillClientConfig,
  ListOptions,
  CallOptions,
  RiskVerificationAnswer,
} from './client';
export { BillApiError, isBillApiError, msUntilNextHour } from './errors';
export type { BillErrorKind, BillErrorData } from './errors';
export { parseBillTime, BANK_STATUSES } from './schemas';
export type {
  CheckedOrganization,
  BillOrganization,
  BillUser,
  BillBankAccount,
  BillPayment,
  Page,
} from './schemas';
export { createRequestPacer, systemClock } from './pacer';
export type { Clock, PacerRelease, RequestPacer } from './pacer';
export { newestPayment } from './newest-payment';
export type { NewestPayment } from './newest-payment';
