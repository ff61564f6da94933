export { createBillClient } from './client';
export type { BillClient, BillClientConfig, ListOptions, CallOptions } from './client';
export { BillApiError, isBillApiError, msUntilNextHour } from './errors';
export type { BillErrorKind, BillErrorData } from './errors';
export { parseBillTime } from './schemas';
export type { BillOrganization, BillUser, BillBankAccount, BillPayment, Page } from './schemas';
