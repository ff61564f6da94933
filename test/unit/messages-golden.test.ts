/**
 * Golden texts of the five Webex messages (DESIGN §4.4, seed 000), rendered from the sample
 * events in samples/events/, and the empty-value rules. Amounts, dates and sanitising are in
 * messages-values.test.ts; splitting is in messages-split.test.ts.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { formatEventMessages, parseBillsbyEvent, triggerName, type BillsbyEvent } from '../../domain/billsby';

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
    expect(render(loadSample('customer-created'))).toBe(
      [
        'Customer created',
        'CustomerUniqueId: 5VL9JC0NE0',
        'CustomerDetails_Email: madeline.parsons@example.com',
        'CustomerDetails_FirstName: Madeline',
        'CustomerDetails_LastName: Parsons',
        'CustomerDetails_PhoneNumber: 7700900123',
        'CustomerDetails_PhoneNumberDialCode: +44',
        'CustomerDetails_PhoneNumberCountry: GB',
        'CustomerDetails_BillingAddress_AddressLine1: 23 Turnabout Road',
        'CustomerDetails_BillingAddress_AddressLine2: Flat 4',
        'CustomerDetails_BillingAddress_City: Brighton',
        'CustomerDetails_BillingAddress_Country: GBR',
        'CustomerDetails_BillingAddress_State: East Sussex',
        'CustomerDetails_BillingAddress_Postcode: BN1 1AA',
      ].join('\n'),
    );
  });

  test('Customer updated (a null AddressLine2 keeps its line, empty)', () => {
    expect(render(loadSample('customer-updated'))).toBe(
      [
        'Customer updated',
        'CustomerUniqueId: 5VL9JC0NE0',
        'OldDetails_Email: madeline.parsons@example.com',
        'OldDetails_FirstName: Madeline',
        'OldDetails_LastName: Parsons',
        'OldDetails_PhoneNumber: 7700900123',
        'OldDetails_PhoneNumberDialCode: +44',
        'OldDetails_PhoneNumberCountry: GB',
        'OldDetails_BillingAddress_AddressLine1: 23 Turnabout Road',
        'OldDetails_BillingAddress_AddressLine2: Flat 4',
        'OldDetails_BillingAddress_City: Brighton',
        'OldDetails_BillingAddress_Country: GBR',
        'OldDetails_BillingAddress_State: East Sussex',
        'OldDetails_BillingAddress_Postcode: BN1 1AA',
        'NewDetails_Email: m.parsons@example.org',
        'NewDetails_FirstName: Madeline',
        'NewDetails_LastName: Parsons-Reid',
        'NewDetails_PhoneNumber: 2015552810',
        'NewDetails_PhoneNumberDialCode: +1',
        'NewDetails_PhoneNumberCountry: US',
        'NewDetails_BillingAddress_AddressLine1: 500 Market Street',
        'NewDetails_BillingAddress_AddressLine2: ',
        'NewDetails_BillingAddress_City: San Francisco',
        'NewDetails_BillingAddress_Country: USA',
        'NewDetails_BillingAddress_State: CA',
        'NewDetails_BillingAddress_Postcode: 94105',
      ].join('\n'),
    );
  });

  test('Subscription created (extra fields such as Units are not rendered)', () => {
    expect(render(loadSample('subscription-created'))).toBe(`Subscription created
CustomerUniqueId: 5VL9JC0NE0
SubscriptionUniqueId: 6WJYRQ9V3G
BillsbyProduct: Gym Membership
BillsbyPlan: Gold
BillsbyCycle: Monthly`);
  });

  test('Subscription updated (numbered tags, microseconds truncated, no offset = UTC)', () => {
    expect(render(loadSample('subscription-updated'))).toBe(`Subscription updated
CustomerUniqueId: QV4WNSL7E6
SubscriptionUniqueId: M6JYJRPV4Q
BillsbyProductId: 50
BillsbyPlanId: 155
BillsbyCycleId: 217
SubscriptionStatus: Active
NextBillsbyPlanId: 156
NextBillsbyCycleId: 218
NextBillingDate: 2020-06-22T10:17:42.018Z
SubscriptionFeatureTags:
1: gold
2: silver
3: water`);
  });

  test('Successful payment (two invoice subscriptions, seed spellings kept)', () => {
    expect(render(loadSample('payment-succeeded'))).toBe(`Successful payment
CustomerUniqueId: 5VL9JC0NE0
AmountPaid: 45.78
AmountPaidinUsd: 58.12
PaidOn: 2026-07-22T10:17:42.018Z
currencyCode: GBP
CustomerDetails_Email: madeline.parsons@example.com
CustomerDetails_FirstName: Madeline
CustomerDetails_LastName: Parsons
InvoiceCodeNumber: 5VL9JC0NE0-3
InvoiceSubscriptions:
1:
PlanName: Gold
ProductName: Gym Membership
BillingPeriodStart: 2026-07-22T10:17:42.018Z
BilllingPeriodEnd: 2026-08-22T10:17:42.018Z
SubscriptionUniqueId: 6WJYRQ9V3G
2:
PlanName: Towel Service
ProductName: Add-ons
BillingPeriodStart: 2026-07-01T00:00:00.000Z
BilllingPeriodEnd: 2026-07-31T22:59:59.000Z
SubscriptionUniqueId: 8KD2MX4PQ1`);
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
