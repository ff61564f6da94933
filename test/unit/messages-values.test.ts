/**
 * How values are rendered inside the Webex messages (DESIGN §4.4): amounts by ISO 4217 minor
 * units, dates like Date.prototype.toISOString(), and sanitising so no value adds or breaks a line.
 */
import { formatEventMessages, parseBillsbyEvent, type BillsbyEvent } from '../../domain/billsby';

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

describe('amounts: minor units rendered with the currency’s ISO 4217 digits', () => {
  function amountLines(AmountPaid: number, CurrencyCode: string, AmountPaidInUsd?: number): string[] {
    const event = parse({
      Id: 'a1',
      Type: 'PaymentSucceeded',
      CustomerUniqueId: 'C1',
      AmountPaid,
      CurrencyCode,
      AmountPaidInUsd,
    });
    return render(event).split('\n').slice(2, 4);
  }

  test.each([
    [1289, 'GBP', '12.89'],
    [500, 'JPY', '500'],
    [1234, 'KWD', '1.234'],
    [5, 'KWD', '0.005'],
    [5, 'GBP', '0.05'],
    [50, 'EUR', '0.50'],
    [0, 'GBP', '0.00'],
    [-1289, 'GBP', '-12.89'],
    [-5, 'USD', '-0.05'],
    [-500, 'JPY', '-500'],
    [123456, 'CLF', '12.3456'],
    [7, 'UYW', '0.0007'],
    [1000, 'BHD', '1.000'],
    [99, 'KRW', '99'],
    [123456789, 'ISK', '123456789'],
    [1289, 'ZZZ', '12.89'], // unknown code: 2 digits
    [9007199254740991, 'USD', '90071992547409.91'],
  ])('%d %s → %s', (amount, code, expected) => {
    expect(amountLines(amount, code)[0]).toBe(`AmountPaid: ${expected}`);
  });

  test('AmountPaidinUsd always uses USD’s 2 digits, whatever CurrencyCode is', () => {
    expect(amountLines(500, 'JPY', 343)).toEqual(['AmountPaid: 500', 'AmountPaidinUsd: 3.43']);
    expect(amountLines(1234, 'KWD', -4012)).toEqual(['AmountPaid: 1.234', 'AmountPaidinUsd: -40.12']);
  });
});

describe('dates: rendered like Date.prototype.toISOString()', () => {
  function nextBillingDate(value: string): string {
    const event = parse({
      Id: 'd1',
      Type: 'SubscriptionUpdated',
      CustomerUniqueId: 'C1',
      SubscriptionUniqueId: 'S1',
      NextBillingDate: value,
    });
    return render(event)
      .split('\n')
      .find((l) => l.startsWith('NextBillingDate: '))!
      .slice('NextBillingDate: '.length);
  }

  test.each([
    ['UTC with milliseconds is unchanged', '2026-07-22T10:17:42.018Z', '2026-07-22T10:17:42.018Z'],
    ['no offset means UTC', '2026-07-22T10:17:42', '2026-07-22T10:17:42.000Z'],
    ['a positive offset is converted to UTC', '2026-07-22T12:17:42+02:00', '2026-07-22T10:17:42.000Z'],
    ['a negative offset crosses midnight', '2026-07-22T22:30:00-05:30', '2026-07-23T04:00:00.000Z'],
    ['an offset without colon', '2026-07-22T12:17:42+0200', '2026-07-22T10:17:42.000Z'],
    ['microseconds are truncated', '2020-06-22T10:17:42.018276', '2020-06-22T10:17:42.018Z'],
    ['truncated, never rounded up', '2026-12-31T23:59:59.9999999Z', '2026-12-31T23:59:59.999Z'],
    ['one fractional digit', '2026-07-22T10:17:42.5Z', '2026-07-22T10:17:42.500Z'],
    ['a date alone is midnight UTC', '2026-07-22', '2026-07-22T00:00:00.000Z'],
    ['minutes without seconds', '2026-07-22T10:17', '2026-07-22T10:17:00.000Z'],
    ['a leap day', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['lower-case t and z, comma fraction', '2026-07-22t10:17:42,018z', '2026-07-22T10:17:42.018Z'],
  ])('%s: %s → %s', (_rule, input, expected) => {
    expect(nextBillingDate(input)).toBe(expected);
    expect(nextBillingDate(input)).toBe(new Date(expected).toISOString());
  });
});

describe('sanitising: a value can neither add nor break a line', () => {
  test.each([
    ['LF', 'Made\nline', 'Made line'],
    ['CRLF (one line break, one space)', 'Made\r\nline', 'Made line'],
    ['CR', 'Made\rline', 'Made line'],
    ['U+2028', 'Made\u2028line', 'Made line'],
    ['U+2029', 'Made\u2029line', 'Made line'],
    ['tab', 'Made\tline', 'Made line'],
    ['NEL (C1)', 'Made\u0085line', 'Made line'],
    ['NUL, VT, FF, DEL', 'M\u0000a\u000bd\u000ce\u007f', 'M a d e '],
    ['everything at once', '\n\r\n\u2028\u2029\t\u009f', '      '],
    ['a lone surrogate', 'a\ud800b', 'a\ufffdb'],
    ['emoji and accents are kept', 'Zoë 😀 €', 'Zoë 😀 €'],
  ])('%s', (_label, value, expected) => {
    const event = parse({
      Id: 's1',
      Type: 'CustomerCreated',
      CustomerUniqueId: 'C1',
      CustomerDetails: { FirstName: value },
    });
    const lines = render(event).split('\n');
    expect(lines).toHaveLength(14);
    expect(lines[3]).toBe(`CustomerDetails_FirstName: ${expected}`);
  });

  test('line breaks in every kind of value, including list items, add no line', () => {
    const nasty = 'a\nb\r\nc\u2028d\te';
    const event = parse({
      Id: 's2',
      Type: 'PaymentSucceeded',
      CustomerUniqueId: `C${nasty}`,
      AmountPaid: 1,
      CurrencyCode: 'GBP',
      InvoiceCodeNumber: nasty,
      CustomerDetails: { Email: nasty },
      InvoiceSubscriptions: [{ PlanName: nasty, ProductName: nasty, SubscriptionUniqueId: nasty }],
    });
    const lines = render(event).split('\n');
    expect(lines).toHaveLength(17);
    expect(lines[1]).toBe('CustomerUniqueId: Ca b c d e');
    expect(lines[12]).toBe('PlanName: a b c d e');
    const tags = parse({
      Id: 's3',
      Type: 'SubscriptionUpdated',
      CustomerUniqueId: 'C1',
      SubscriptionUniqueId: 'S1',
      SubscriptionFeatureTags: [nasty, 'x'],
    });
    expect(render(tags).split('\n').slice(-3)).toEqual(['SubscriptionFeatureTags:', '1: a b c d e', '2: x']);
  });
});
