/**
 * The Billsby event contract (DESIGN §4.3): valid bodies of every type, and a table of
 * malformed bodies with the exact errors (path and wording) a webhook caller gets back.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { EVENT_TYPES, parseBillsbyEvent } from '../../domain/billsby';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../samples/events', `${name}.json`), 'utf8'));

const ACCEPTED =
  'CustomerCreated, CustomerUpdated, SubscriptionCreated, SubscriptionUpdated, PaymentSucceeded';
const DATE_ERROR = 'expected a valid ISO-8601 date or date-time, e.g. 2026-07-22 or 2026-07-22T10:17:42.018Z';
const ID_ERROR = 'expected 1 to 128 characters, each a letter, digit, ".", "_" or "-"';
const customer = { Id: 'evt-1', Type: 'CustomerCreated', CustomerUniqueId: 'C1' };
const subscription = {
  Id: 'evt-2',
  Type: 'SubscriptionUpdated',
  CustomerUniqueId: 'C1',
  SubscriptionUniqueId: 'S1',
};
const payment = {
  Id: 'evt-3',
  Type: 'PaymentSucceeded',
  CustomerUniqueId: 'C1',
  AmountPaid: 1289,
  CurrencyCode: 'GBP',
};

describe('valid events', () => {
  test.each([
    'customer-created',
    'customer-updated',
    'subscription-created',
    'subscription-updated',
    'payment-succeeded',
  ])('samples/events/%s.json is valid', (name) => {
    const result = parseBillsbyEvent(sample(name));
    expect(result).toMatchObject({ ok: true, event: { Type: expect.any(String) } });
  });

  test.each([
    ['CustomerCreated', customer],
    ['CustomerUpdated', { ...customer, Type: 'CustomerUpdated', OldDetails: null, NewDetails: {} }],
    ['SubscriptionCreated', { ...subscription, Type: 'SubscriptionCreated' }],
    ['SubscriptionUpdated', subscription],
    ['PaymentSucceeded', payment],
  ])('%s with only the required fields', (_type, body) => {
    expect(parseBillsbyEvent(body)).toEqual({ ok: true, event: body });
  });

  test('every type has a sample and EVENT_TYPES lists exactly the five types', () => {
    expect(EVENT_TYPES).toEqual(ACCEPTED.split(', '));
  });

  test('unknown fields are stripped, values are kept as sent', () => {
    const body = {
      ...subscription,
      Units: 1,
      Extra: { a: 1 },
      NextBillingDate: '2020-06-22T10:17:42.018276',
      BillsbyPlanId: -3,
    };
    const result = parseBillsbyEvent(body);
    expect(result).toEqual({
      ok: true,
      event: { ...subscription, NextBillingDate: '2020-06-22T10:17:42.018276', BillsbyPlanId: -3 },
    });
  });

  test('boundaries that are still valid', () => {
    const ok = (body: unknown) => expect(parseBillsbyEvent(body)).toMatchObject({ ok: true });
    ok({ ...customer, Id: 'a'.repeat(128) });
    ok({ ...customer, Id: 'A.b_c-9' });
    ok({ ...customer, CustomerDetails: { Email: 'x'.repeat(1000) } });
    ok({ ...payment, AmountPaid: -1289, AmountPaidInUsd: 0 });
    ok({ ...payment, AmountPaid: Number.MAX_SAFE_INTEGER });
    ok({ ...payment, CurrencyCode: 'ZZZ' }); // well-formed but unknown: 2 minor digits
    ok({ ...payment, PaidOn: '2024-02-29' });
    ok({ ...subscription, SubscriptionFeatureTags: Array.from({ length: 1000 }, (_, i) => `t${i}`) });
  });
});

describe('malformed bodies: every error names its path', () => {
  test.each<[string, unknown, string[]]>([
    ['null body', null, ['body: expected a JSON object, received null']],
    ['array body', [customer], ['body: expected a JSON object, received array']],
    ['string body', 'CustomerCreated', ['body: expected a JSON object, received string']],
    ['number body', 42, ['body: expected a JSON object, received number']],
    ['missing Type', { Id: 'e', CustomerUniqueId: 'C1' }, [`Type: required (expected one of ${ACCEPTED})`]],
    [
      'unknown Type',
      { ...customer, Type: 'InvoiceUpdated' },
      [`Type: expected one of ${ACCEPTED}, received "InvoiceUpdated"`],
    ],
    [
      'Type in the wrong case',
      { ...customer, Type: 'customercreated' },
      [`Type: expected one of ${ACCEPTED}, received "customercreated"`],
    ],
    ['numeric Type', { ...customer, Type: 1 }, [`Type: expected one of ${ACCEPTED}, received number`]],
    [
      'missing Id and CustomerUniqueId',
      { Type: 'CustomerCreated' },
      ['Id: required (expected string)', 'CustomerUniqueId: required (expected string)'],
    ],
    ['numeric Id', { ...customer, Id: 7 }, ['Id: expected string, received number']],
    ['empty Id', { ...customer, Id: '' }, [`Id: ${ID_ERROR}`]],
    ['Id with a colon', { ...customer, Id: 'a:b' }, [`Id: ${ID_ERROR}`]],
    ['Id with a space', { ...customer, Id: 'a b' }, [`Id: ${ID_ERROR}`]],
    ['Id of 129 characters', { ...customer, Id: 'a'.repeat(129) }, [`Id: ${ID_ERROR}`]],
    [
      'empty CustomerUniqueId',
      { ...customer, CustomerUniqueId: '' },
      ['CustomerUniqueId: expected a non-empty string'],
    ],
    [
      'null CustomerUniqueId',
      { ...customer, CustomerUniqueId: null },
      ['CustomerUniqueId: expected string, received null'],
    ],
    [
      'numeric Email',
      { ...customer, CustomerDetails: { Email: 5 } },
      ['CustomerDetails.Email: expected string, received number'],
    ],
    [
      'CustomerDetails as a string',
      { ...customer, CustomerDetails: 'x' },
      ['CustomerDetails: expected object, received string'],
    ],
    [
      'BillingAddress as an array',
      { ...customer, CustomerDetails: { BillingAddress: [] } },
      ['CustomerDetails.BillingAddress: expected object, received array'],
    ],
    [
      'City over 1,000 characters',
      { ...customer, CustomerDetails: { BillingAddress: { City: 'x'.repeat(1001) } } },
      ['CustomerDetails.BillingAddress.City: expected at most 1000 characters'],
    ],
    [
      'numeric PhoneNumber',
      { ...customer, CustomerDetails: { PhoneNumber: 2015552810 } },
      ['CustomerDetails.PhoneNumber: expected string, received number'],
    ],
    [
      'OldDetails.LastName boolean',
      { ...customer, Type: 'CustomerUpdated', OldDetails: { LastName: true } },
      ['OldDetails.LastName: expected string, received boolean'],
    ],
    [
      'subscription without SubscriptionUniqueId',
      { ...customer, Type: 'SubscriptionCreated' },
      ['SubscriptionUniqueId: required (expected string)'],
    ],
    [
      'BillsbyPlan as a number',
      { ...subscription, Type: 'SubscriptionCreated', BillsbyPlan: 24 },
      ['BillsbyPlan: expected string, received number'],
    ],
    [
      'BillsbyProductId as a string',
      { ...subscription, BillsbyProductId: '17' },
      ['BillsbyProductId: expected integer, received string'],
    ],
    [
      'BillsbyCycleId fractional',
      { ...subscription, BillsbyCycleId: 1.5 },
      ['BillsbyCycleId: expected integer, received non-integer number'],
    ],
    [
      'NextBillingDate not a date',
      { ...subscription, NextBillingDate: 'next Tuesday' },
      [`NextBillingDate: ${DATE_ERROR}`],
    ],
    [
      'NextBillingDate 30 February',
      { ...subscription, NextBillingDate: '2026-02-30' },
      [`NextBillingDate: ${DATE_ERROR}`],
    ],
    [
      'NextBillingDate 29 February of a common year',
      { ...subscription, NextBillingDate: '2025-02-29T00:00:00Z' },
      [`NextBillingDate: ${DATE_ERROR}`],
    ],
    [
      'NextBillingDate hour 24',
      { ...subscription, NextBillingDate: '2026-07-22T24:00:00Z' },
      [`NextBillingDate: ${DATE_ERROR}`],
    ],
    [
      'NextBillingDate day-first',
      { ...subscription, NextBillingDate: '22/07/2026' },
      [`NextBillingDate: ${DATE_ERROR}`],
    ],
    [
      'NextBillingDate epoch number',
      { ...subscription, NextBillingDate: 1784715462018 },
      ['NextBillingDate: expected string, received number'],
    ],
    [
      'NextBillingDate offset +24:00',
      { ...subscription, NextBillingDate: '2026-07-22T10:00:00+24:00' },
      [`NextBillingDate: ${DATE_ERROR}`],
    ],
    [
      'tags not an array',
      { ...subscription, SubscriptionFeatureTags: 'gold' },
      ['SubscriptionFeatureTags: expected array, received string'],
    ],
    [
      'a tag that is not a string',
      { ...subscription, SubscriptionFeatureTags: ['gold', 3, null] },
      [
        'SubscriptionFeatureTags[1]: expected string, received number',
        'SubscriptionFeatureTags[2]: expected string, received null',
      ],
    ],
    [
      'more than 1,000 tags',
      { ...subscription, SubscriptionFeatureTags: Array.from({ length: 1001 }, () => 't') },
      ['SubscriptionFeatureTags: expected at most 1000 items'],
    ],
    [
      'missing AmountPaid and CurrencyCode',
      { ...customer, Type: 'PaymentSucceeded' },
      ['AmountPaid: required (expected integer)', 'CurrencyCode: required (expected string)'],
    ],
    [
      'AmountPaid as a decimal',
      { ...payment, AmountPaid: 12.89 },
      ['AmountPaid: expected integer, received non-integer number'],
    ],
    [
      'AmountPaid as a string',
      { ...payment, AmountPaid: '1289' },
      ['AmountPaid: expected integer, received string'],
    ],
    ['AmountPaid null', { ...payment, AmountPaid: null }, ['AmountPaid: expected integer, received null']],
    [
      'AmountPaidInUsd beyond safe integers',
      { ...payment, AmountPaidInUsd: 2 ** 60 },
      ['AmountPaidInUsd: expected a safe integer (magnitude at most 2^53 - 1)'],
    ],
    [
      'CurrencyCode lower case',
      { ...payment, CurrencyCode: 'gbp' },
      ['CurrencyCode: expected a 3-letter ISO 4217 code such as GBP'],
    ],
    [
      'CurrencyCode a symbol',
      { ...payment, CurrencyCode: '£' },
      ['CurrencyCode: expected a 3-letter ISO 4217 code such as GBP'],
    ],
    ['PaidOn unparseable', { ...payment, PaidOn: '2026-07-22T10:17:42.018ZZ' }, [`PaidOn: ${DATE_ERROR}`]],
    [
      'InvoiceSubscriptions an object',
      { ...payment, InvoiceSubscriptions: {} },
      ['InvoiceSubscriptions: expected array, received object'],
    ],
    [
      'a null invoice subscription',
      { ...payment, InvoiceSubscriptions: [{}, null] },
      ['InvoiceSubscriptions[1]: expected object, received null'],
    ],
    [
      'nested errors in invoice subscriptions',
      { ...payment, InvoiceSubscriptions: [{ PlanName: 1 }, { BillingPeriodEnd: '2026-13-01' }] },
      [
        'InvoiceSubscriptions[0].PlanName: expected string, received number',
        `InvoiceSubscriptions[1].BillingPeriodEnd: ${DATE_ERROR}`,
      ],
    ],
    [
      'payment email over 1,000 characters',
      { ...payment, CustomerDetails: { Email: `${'x'.repeat(995)}@example.com` } },
      ['CustomerDetails.Email: expected at most 1000 characters'],
    ],
  ])('%s', (_label, body, errors) => {
    expect(parseBillsbyEvent(body)).toEqual({ ok: false, errors });
  });

  test('errors never echo a submitted value (they may be personal data)', () => {
    const result = parseBillsbyEvent({
      ...payment,
      CustomerDetails: { Email: 42, FirstName: 'x'.repeat(1001) },
      PaidOn: 'secret@example.com',
    });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret@example.com');
    expect(JSON.stringify(result)).not.toContain('xxxx');
  });

  test('an unknown Type is echoed only shortened', () => {
    const result = parseBillsbyEvent({ ...customer, Type: 'T'.repeat(5000) });
    expect(result).toEqual({
      ok: false,
      errors: [`Type: expected one of ${ACCEPTED}, received "${'T'.repeat(64)}"`],
    });
  });
});
