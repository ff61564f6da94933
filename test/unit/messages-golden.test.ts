/**
 * Golden texts of the five Webex messages (DESIGN §4.4, seed 000), rendered from the sample
 * events in samples/events/, and the empty-value rules. Amounts, dates and sanitising are in
 * messages-values.test.ts; splitting is in messages-split.test.ts.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { formatEventMessages, parseBillsbyEvent, triggerName, type BillsbyEvent } from '../../domain/billsby';
import { GOLDEN_MESSAGES } from '../fixtures/golden-messages';

function loadSample(name: string): BillsbyEvent {
  return parse(JSON.parse(readFileSync(join(__dirname, '../../samples/events', `${name}.json`), 'utf8')));
}

function parse(body: unknown): BillsbyEvent {
  const result = parseBillsbyEvent(body);
  if (!result.ok) throw new Error(`invalid test event: ${result.errors.join('; ')}`);
  return result.event;
}

/** The single message of an event (all golden messages are far below the size limit). */
function render(event: BillsbyEvent): string {
  const messages = formatEventMessages(event);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

describe('golden messages from samples/events', () => {
  test('Customer created', () => {
    expect(render(loadSample('customer-created'))).toBe(GOLDEN_MESSAGES['customer-created']);
  });

  test('Customer updated (a null AddressLine2 keeps its line, empty)', () => {
    expect(render(loadSample('customer-updated'))).toBe(GOLDEN_MESSAGES['customer-updated']);
  });

  test('Subscription created (extra fields such as Units are not rendered)', () => {
    expect(render(loadSample('subscription-created'))).toBe(GOLDEN_MESSAGES['subscription-created']);
  });

  test('Subscription updated (numbered tags, microseconds truncated, no offset = UTC)', () => {
    expect(render(loadSample('subscription-updated'))).toBe(GOLDEN_MESSAGES['subscription-updated']);
  });

  test('Successful payment (two invoice subscriptions, seed spellings kept)', () => {
    expect(render(loadSample('payment-succeeded'))).toBe(GOLDEN_MESSAGES['payment-succeeded']);
  });

  test('trigger names', () => {
    expect(triggerName('CustomerCreated')).toBe('Customer created');
    expect(triggerName('CustomerUpdated')).toBe('Customer updated');
    expect(triggerName('SubscriptionCreated')).toBe('Subscription created');
    expect(triggerName('SubscriptionUpdated')).toBe('Subscription updated');
    expect(triggerName('PaymentSucceeded')).toBe('Successful payment');
  });
});

describe('missing and null values keep every line, as `Key: `', () => {
  const customerCreatedEmpty = [
    'Customer created',
    'CustomerUniqueId: C1',
    'CustomerDetails_Email: ',
    'CustomerDetails_FirstName: ',
    'CustomerDetails_LastName: ',
    'CustomerDetails_PhoneNumber: ',
    'CustomerDetails_PhoneNumberDialCode: ',
    'CustomerDetails_PhoneNumberCountry: ',
    'CustomerDetails_BillingAddress_AddressLine1: ',
    'CustomerDetails_BillingAddress_AddressLine2: ',
    'CustomerDetails_BillingAddress_City: ',
    'CustomerDetails_BillingAddress_Country: ',
    'CustomerDetails_BillingAddress_State: ',
    'CustomerDetails_BillingAddress_Postcode: ',
  ].join('\n');

  test.each([
    ['absent CustomerDetails', {}],
    ['null CustomerDetails', { CustomerDetails: null }],
    ['empty CustomerDetails', { CustomerDetails: {} }],
    [
      'null fields and null BillingAddress',
      { CustomerDetails: { Email: null, FirstName: null, BillingAddress: null } },
    ],
    ['null address fields', { CustomerDetails: { BillingAddress: { City: null, Postcode: null } } }],
  ])('Customer created with %s', (_label, fields) => {
    expect(render(parse({ Id: 'e1', Type: 'CustomerCreated', CustomerUniqueId: 'C1', ...fields }))).toBe(
      customerCreatedEmpty,
    );
  });

  test('an empty string renders exactly like a missing value', () => {
    const event = parse({
      Id: 'e1',
      Type: 'CustomerCreated',
      CustomerUniqueId: 'C1',
      CustomerDetails: { Email: '' },
    });
    expect(render(event)).toBe(customerCreatedEmpty);
  });

  test('Customer updated without OldDetails renders all 12 OldDetails lines empty', () => {
    const event = parse({
      Id: 'e2',
      Type: 'CustomerUpdated',
      CustomerUniqueId: 'C1',
      NewDetails: { Email: 'new@example.com' },
    });
    const lines = render(event).split('\n');
    expect(lines).toHaveLength(2 + 12 + 12);
    expect(lines.slice(2, 14)).toEqual([
      'OldDetails_Email: ',
      'OldDetails_FirstName: ',
      'OldDetails_LastName: ',
      'OldDetails_PhoneNumber: ',
      'OldDetails_PhoneNumberDialCode: ',
      'OldDetails_PhoneNumberCountry: ',
      'OldDetails_BillingAddress_AddressLine1: ',
      'OldDetails_BillingAddress_AddressLine2: ',
      'OldDetails_BillingAddress_City: ',
      'OldDetails_BillingAddress_Country: ',
      'OldDetails_BillingAddress_State: ',
      'OldDetails_BillingAddress_Postcode: ',
    ]);
    expect(lines[14]).toBe('NewDetails_Email: new@example.com');
    expect(lines[15]).toBe('NewDetails_FirstName: ');
  });

  test('Subscription created and updated with only the required fields', () => {
    const base = { Id: 'e3', CustomerUniqueId: 'C1', SubscriptionUniqueId: 'S1' };
    expect(render(parse({ ...base, Type: 'SubscriptionCreated', BillsbyPlan: null }))).toBe(
      'Subscription created\nCustomerUniqueId: C1\nSubscriptionUniqueId: S1\nBillsbyProduct: \nBillsbyPlan: \nBillsbyCycle: ',
    );
    expect(render(parse({ ...base, Type: 'SubscriptionUpdated', SubscriptionFeatureTags: null }))).toBe(
      [
        'Subscription updated',
        'CustomerUniqueId: C1',
        'SubscriptionUniqueId: S1',
        'BillsbyProductId: ',
        'BillsbyPlanId: ',
        'BillsbyCycleId: ',
        'SubscriptionStatus: ',
        'NextBillsbyPlanId: ',
        'NextBillsbyCycleId: ',
        'NextBillingDate: ',
        'SubscriptionFeatureTags:',
      ].join('\n'),
    );
  });

  test('an empty tag list is just its header; an empty tag is `n: `; id 0 is rendered', () => {
    const base = {
      Id: 'e4',
      Type: 'SubscriptionUpdated',
      CustomerUniqueId: 'C1',
      SubscriptionUniqueId: 'S1',
    };
    expect(
      render(parse({ ...base, SubscriptionFeatureTags: [] })).endsWith('\nSubscriptionFeatureTags:'),
    ).toBe(true);
    const text = render(
      parse({ ...base, BillsbyPlanId: 0, SubscriptionFeatureTags: ['gold', '', 'silver'] }),
    );
    expect(text).toContain('\nBillsbyPlanId: 0\n');
    expect(text.endsWith('\nSubscriptionFeatureTags:\n1: gold\n2: \n3: silver')).toBe(true);
  });

  test('payment with only the required fields, and with zero invoice subscriptions', () => {
    const base = {
      Id: 'e5',
      Type: 'PaymentSucceeded',
      CustomerUniqueId: 'C1',
      AmountPaid: 1289,
      CurrencyCode: 'GBP',
    };
    const expected = [
      'Successful payment',
      'CustomerUniqueId: C1',
      'AmountPaid: 12.89',
      'AmountPaidinUsd: ',
      'PaidOn: ',
      'currencyCode: GBP',
      'CustomerDetails_Email: ',
      'CustomerDetails_FirstName: ',
      'CustomerDetails_LastName: ',
      'InvoiceCodeNumber: ',
      'InvoiceSubscriptions:',
    ].join('\n');
    expect(render(parse(base))).toBe(expected);
    expect(render(parse({ ...base, InvoiceSubscriptions: [] }))).toBe(expected);
    expect(render(parse({ ...base, InvoiceSubscriptions: null, AmountPaidInUsd: null }))).toBe(expected);
  });

  test('an invoice subscription with no fields still gets its number and five empty lines', () => {
    const event = parse({
      Id: 'e6',
      Type: 'PaymentSucceeded',
      CustomerUniqueId: 'C1',
      AmountPaid: 0,
      CurrencyCode: 'USD',
      InvoiceSubscriptions: [{}],
    });
    expect(render(event).split('\n').slice(-7)).toEqual([
      'InvoiceSubscriptions:',
      '1:',
      'PlanName: ',
      'ProductName: ',
      'BillingPeriodStart: ',
      'BilllingPeriodEnd: ',
      'SubscriptionUniqueId: ',
    ]);
    expect(render(event)).toContain('\nAmountPaid: 0.00\n');
  });
});
