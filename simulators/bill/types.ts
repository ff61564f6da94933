/** In-memory data of the BILL simulator. Field names are BILL's v3 names so records can be served as-is. */

export type EngagementReason =
  | 'ENROLLMENT_INCOMPLETE'
  | 'NO_FUNDING_ACCOUNT'
  | 'BANK_NOT_VERIFIED'
  | 'NO_PAYMENTS'
  | 'INACTIVE_30'
  | 'INACTIVE_60'
  | 'INACTIVE_90'
  | 'ACTIVE';

export interface SimUser {
  id: string;
  archived: boolean;
  firstName: string;
  lastName: string;
  email: string;
  role: { id: string; type: string };
  createdTime: string;
  updatedTime: string;
  /** Simulator-only: false makes login-as-user refuse this (non-archived) user, e.g. never activated. */
  canSignIn?: boolean;
}

export interface SimBankAccount {
  id: string;
  archived: boolean;
  status: 'NOT_VERIFIED' | 'VERIFIED' | 'PENDING' | 'BLOCKED' | 'EXPIRED' | 'INVALID' | 'UNDEFINED';
  accountNumber: string;
  routingNumber: string;
  nameOnAccount: string;
  bankName: string;
  type: 'CHECKING' | 'SAVINGS';
  ownerType: 'BUSINESS' | 'PERSONAL';
  default: { payables: boolean; receivables: boolean };
  accessToAdmins: boolean;
  createdTime: string;
  updatedTime: string;
}

export interface SimPayment {
  id: string;
  vendorId: string;
  vendorName: string;
  billId: string;
  amount: number;
  processDate: string;
  status: string;
  singleStatus: string;
  fundingAccount: { type: 'BANK_ACCOUNT'; id: string };
  createdTime: string;
  updatedTime: string;
}

export interface SimOrganization {
  id: string;
  archived: boolean;
  name: string;
  address: { line1: string; city: string; stateOrProvince: string; zipOrPostalCode: string; country: string };
  createdTime: string;
  updatedTime: string;
  /** Served by GET /v3/risk-verifications; null → 404 (no verification started). Not part of the org object. */
  riskDecision: 'IN_PROGRESS' | 'REVIEW' | 'HOLD' | 'APPROVE' | 'DECLINE' | null;
  users: SimUser[];
  bankAccounts: SimBankAccount[];
  payments: SimPayment[];
}

export interface BillCredentials {
  username: string;
  password: string;
  appKey: string;
  devKey: string;
}

export interface BillDataset {
  asOf: string;
  organizations: SimOrganization[];
}
