/** Small record builders shared by the hand-written seed and the generator. */
import { SimBankAccount, SimOrganization, SimPayment, SimUser } from './types';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** BILL's own timestamp style (`+00:00`, milliseconds), so clients are tested against the real format. */
export function billTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function user(
  id: string,
  firstName: string,
  lastName: string,
  createdMs: number,
  extra: Partial<SimUser> = {},
): SimUser {
  return {
    id,
    archived: false,
    firstName,
    lastName,
    email: `${firstName}.${lastName}@example.com`.toLowerCase(),
    role: { id: '0po01ADMIN0001', type: 'ADMINISTRATOR' },
    createdTime: billTime(createdMs),
    updatedTime: billTime(createdMs),
    ...extra,
  };
}

export function bank(
  id: string,
  status: SimBankAccount['status'],
  createdMs: number,
  archived = false,
): SimBankAccount {
  const verified = status === 'VERIFIED' && !archived;
  return {
    id,
    archived,
    status,
    accountNumber: `*****${id.slice(-4)}`,
    routingNumber: '074000010',
    nameOnAccount: 'Operating Account',
    bankName: 'Chase',
    type: 'CHECKING',
    ownerType: 'BUSINESS',
    default: { payables: verified, receivables: verified },
    accessToAdmins: true,
    createdTime: billTime(createdMs),
    updatedTime: billTime(createdMs),
  };
}

export function payment(id: string, createdMs: number, bankId: string, amount = 228.99): SimPayment {
  return {
    id,
    vendorId: '00901VEND00001',
    vendorName: 'Happy Music Supplies',
    billId: `00n${id.slice(3)}`,
    amount,
    processDate: new Date(createdMs + DAY_MS).toISOString().slice(0, 10),
    status: 'SCHEDULED',
    singleStatus: 'SCHEDULED',
    fundingAccount: { type: 'BANK_ACCOUNT', id: bankId },
    createdTime: billTime(createdMs),
    updatedTime: billTime(createdMs),
  };
}

export function org(
  id: string,
  name: string,
  createdMs: number,
  parts: Partial<Pick<SimOrganization, 'users' | 'bankAccounts' | 'payments' | 'riskDecision' | 'archived'>>,
): SimOrganization {
  return {
    id,
    archived: parts.archived ?? false,
    name,
    address: {
      line1: '987 Home St',
      city: 'San Jose',
      stateOrProvince: 'CA',
      zipOrPostalCode: '95002',
      country: 'US',
    },
    createdTime: billTime(createdMs),
    updatedTime: billTime(createdMs),
    riskDecision: parts.riskDecision === undefined ? 'APPROVE' : parts.riskDecision,
    users: parts.users ?? [],
    bankAccounts: parts.bankAccounts ?? [],
    payments: parts.payments ?? [],
  };
}
