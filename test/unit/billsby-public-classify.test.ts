import { classifyWebhook } from '../../domain/billsby/classify-webhook';

/** Billsby's own examples (reference/billsby-webhooks.md §1, VERBATIM), with a real email. */
const CUSTOMER_CREATED = {
  CustomerUniqueId: '5VL9JC0NE0',
  Email: 'madeline@example.com',
  LastName: 'Parsons',
  FirstName: 'Madeline',
  SubscriptionIds: ['6WJYRQ9V3G'],
  Type: 'CustomerCreated',
  Id: 'cdcb3d04-5b01-4f12-96a5-e5bf24826d57',
};
const SUBSCRIPTION_UPDATED = {
  SubscriptionUniqueId: 'M6JYJRPV4Q',
  CustomerUniqueId: 'QV4WNSL7E6',
  SubscriptionStatus: 'Active',
  BillsbyProductId: 50,
  BillsbyPlanId: 155,
  BillsbyCycleId: 217,
  Units: 1,
  NextBillingDate: '2020-06-22T10:17:42.018276',
  Type: 'SubscriptionUpdated',
  Id: '070406cd-b4c5-4589-a546-4ca97bb6ed09',
};
const INVOICE = {
  InvoiceNumber: '5VL9JC0NE0-3',
  InvoiceAmount: 1289,
  CurrencyCode: 'GBP',
  InvoiceStatus: 'Paid',
  Url: 'https://app.billsby.com/invoice/5VL9JC0NE0-3',
  Type: 'InvoiceUpdated',
  Id: '04a05433-b250-43ab-a405-5ae0b594fecf',
};
const AT = '2026-12-04T10:00:00.000Z';

describe('classifying a webhook body (DESIGN §4.3, §4.3.1)', () => {
  it('a public CustomerCreated is delivered in its public form, its top-level names kept, unread fields stripped', () => {
    const out = classifyWebhook(CUSTOMER_CREATED, AT);
    expect(out).toEqual({
      kind: 'deliver',
      event: {
        Form: 'public',
        Type: 'CustomerCreated',
        Id: CUSTOMER_CREATED.Id,
        CustomerUniqueId: '5VL9JC0NE0',
        Email: 'madeline@example.com',
        FirstName: 'Madeline',
        LastName: 'Parsons',
      },
    });
  });

  it('the rich contract is recognised by its own keys and stays rich (no Form)', () => {
    const out = classifyWebhook(
      { Id: 'r-1', Type: 'CustomerCreated', CustomerUniqueId: 'C1', CustomerDetails: { Email: 'a@b.c' } },
      AT,
    );
    expect(out.kind).toBe('deliver');
    expect(out.kind === 'deliver' && 'Form' in out.event).toBe(false);
    const pay = classifyWebhook(
      { Id: 'r-2', Type: 'PaymentSucceeded', CustomerUniqueId: 'C1', AmountPaid: 100, CurrencyCode: 'GBP' },
      AT,
    );
    expect(pay).toMatchObject({ kind: 'deliver', event: { Type: 'PaymentSucceeded', AmountPaid: 100 } });
  });

  it('a public SubscriptionUpdated keeps its ids and its offset-less NextBillingDate; digit-string ids become numbers', () => {
    const out = classifyWebhook({ ...SUBSCRIPTION_UPDATED, BillsbyPlanId: '155' }, AT);
    expect(out).toMatchObject({
      kind: 'deliver',
      event: { Form: 'public', BillsbyPlanId: 155, NextBillingDate: '2020-06-22T10:17:42.018276' },
    });
    expect(out.kind === 'deliver' && 'Units' in out.event).toBe(false);
  });

  it('InvoiceUpdated Paid is a payment: PaidOn is the acceptance time, the currency upper-cased, a string amount read', () => {
    const out = classifyWebhook({ ...INVOICE, InvoiceAmount: '1289', CurrencyCode: 'gbp' }, AT);
    expect(out).toEqual({
      kind: 'deliver',
      event: {
        Form: 'public',
        Type: 'InvoiceUpdated',
        Id: INVOICE.Id,
        InvoiceNumber: '5VL9JC0NE0-3',
        InvoiceAmount: 1289,
        CurrencyCode: 'GBP',
        PaidOn: AT,
      },
    });
  });

  it.each([
    ['InvoiceCreated', { ...INVOICE, Type: 'InvoiceCreated', InvoiceStatus: 'Pending' }],
    ['InvoiceUpdated Pending', { ...INVOICE, InvoiceStatus: 'Pending' }],
    ['InvoiceUpdated without a status', { ...INVOICE, InvoiceStatus: undefined }],
    ['CustomerDeleted', { CustomerUniqueId: '5VL9JC0NE0', Type: 'CustomerDeleted', Id: 'del-1' }],
    ['a type Billsby adds later', { Type: 'CreditNoteCreated', Id: 'cn-1', Anything: { deep: [1] } }],
  ])('%s is ignored, with a reason and its type, and nothing else of the body', (_name, body) => {
    const out = classifyWebhook(body, AT);
    expect(out).toEqual({
      kind: 'ignore',
      eventId: (body as { Id: string }).Id,
      type: (body as { Type: string }).Type,
      reason: expect.stringMatching(/\w/),
    });
    expect(JSON.stringify(out)).not.toContain('5VL9JC0NE0');
  });

  it.each([
    ['not an object', [1, 2], /^body: expected a JSON object, received array/],
    ['no Type', { Id: 'x' }, /^Type: required/],
    ['a numeric Type', { Id: 'x', Type: 7 }, /^Type: expected a string/],
    ['an ignored type without Id', { Type: 'CustomerDeleted' }, /^Id: required/],
    ['an ignored type with a bad Id', { Type: 'CustomerDeleted', Id: 'a b' }, /^Id: expected 1 to 128/],
    ['a payment without InvoiceNumber', { ...INVOICE, InvoiceNumber: undefined }, /^InvoiceNumber: required/],
    ['a payment with a fractional amount', { ...INVOICE, InvoiceAmount: 12.89 }, /^InvoiceAmount: /],
    [
      'a payment with a bad currency',
      { ...INVOICE, CurrencyCode: 'POUNDS' },
      /^CurrencyCode: expected a 3-letter/,
    ],
    [
      'a public customer event without CustomerUniqueId',
      { ...CUSTOMER_CREATED, CustomerUniqueId: undefined },
      /^CustomerUniqueId: required/,
    ],
    [
      'a public subscription event with a bad date',
      { ...SUBSCRIPTION_UPDATED, NextBillingDate: 'soon' },
      /^NextBillingDate: expected a valid ISO-8601/,
    ],
  ])('%s is invalid, naming the field', (_name, body, message) => {
    const out = classifyWebhook(body, AT);
    expect(out.kind).toBe('invalid');
    expect(out.kind === 'invalid' && out.errors[0]).toMatch(message);
  });

  it('an invalid answer never echoes a submitted value', () => {
    const out = classifyWebhook({ ...CUSTOMER_CREATED, Email: 'x'.repeat(1001) + 'secret@example.com' }, AT);
    expect(out.kind).toBe('invalid');
    expect(JSON.stringify(out)).not.toContain('secret@example.com');
  });
});
