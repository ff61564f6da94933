/**
 * Splitting messages over Webex's 7,439-byte limit (DESIGN §4.4; definition in
 * domain/billsby/message-split.ts). Byte counts are checked against Node's own UTF-8 encoder.
 */
import {
  MAX_MESSAGE_BYTES,
  formatEventMessages,
  messageLines,
  parseBillsbyEvent,
  splitMessageLines,
  utf8ByteLength,
  type BillsbyEvent,
} from '../../domain/billsby';

const nodeBytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** A Subscription updated event whose whole message is exactly `targetBytes` UTF-8 bytes. */
function subscriptionUpdatedWithBytes(targetBytes: number): BillsbyEvent {
  const tags: string[] = [];
  const build = () =>
    parsed({
      Id: 'big',
      Type: 'SubscriptionUpdated',
      CustomerUniqueId: 'C1',
      SubscriptionUniqueId: 'S1',
      SubscriptionFeatureTags: tags,
    });
  const size = () => nodeBytes(messageLines(build()).join('\n'));
  // Multibyte tags (2-, 3- and 4-byte characters, 900 bytes each) until close to the target…
  const multibyte = 'é€😀'.repeat(100); // 100 × (2 + 3 + 4) = 900 bytes
  while (size() + 1 + 5 + 900 < targetBytes) tags.push(multibyte);
  // …then one ASCII tag pads the rest exactly (its line is `n: ` + padding).
  tags.push('');
  tags[tags.length - 1] = 'x'.repeat(targetBytes - size());
  expect(size()).toBe(targetBytes);
  return build();
}

function parsed(body: unknown): BillsbyEvent {
  const result = parseBillsbyEvent(body);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.event;
}

/** The invariants every split must satisfy. */
function expectValidSplit(lines: string[], parts: string[], maxBytes = MAX_MESSAGE_BYTES): void {
  const [trigger, ...body] = lines;
  const n = parts.length;
  parts.forEach((part, i) => {
    expect(utf8ByteLength(part)).toBe(nodeBytes(part));
    expect(nodeBytes(part)).toBeLessThanOrEqual(maxBytes);
    expect(part.split('\n')[0]).toBe(i === 0 ? trigger : `${trigger} (continued ${i + 1}/${n})`);
    expect(part.split('\n').length).toBeGreaterThan(1); // no part is a header alone
  });
  expect(parts.flatMap((part) => part.split('\n').slice(1))).toEqual(body);
  // Greedy: no part could have taken the first line of the next part.
  for (let i = 0; i + 1 < n; i++) {
    const next = parts[i + 1]!.split('\n')[1]!;
    expect(nodeBytes(`${parts[i]}\n${next}`)).toBeGreaterThan(maxBytes);
  }
}

describe('utf8ByteLength', () => {
  test.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a\ud800b', 5],
    ['\udc00', 3],
    ['\ud83d\ude00\ud83d', 7],
  ])('%j is %d bytes, like Buffer.byteLength', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
    expect(nodeBytes(text)).toBe(bytes);
  });
});

describe('splitting at 7,439 UTF-8 bytes', () => {
  test('just under the limit: one message', () => {
    const messages = formatEventMessages(subscriptionUpdatedWithBytes(MAX_MESSAGE_BYTES - 1));
    expect(messages).toHaveLength(1);
    expect(nodeBytes(messages[0]!)).toBe(7438);
  });

  test('exactly at the limit: one message', () => {
    const messages = formatEventMessages(subscriptionUpdatedWithBytes(MAX_MESSAGE_BYTES));
    expect(messages).toHaveLength(1);
    expect(nodeBytes(messages[0]!)).toBe(7439);
  });

  test('one byte over: two messages, the second headed `(continued 2/2)`', () => {
    const event = subscriptionUpdatedWithBytes(MAX_MESSAGE_BYTES + 1);
    const messages = formatEventMessages(event);
    expect(messages).toHaveLength(2);
    expect(messages[1]!.startsWith('Subscription updated (continued 2/2)\n')).toBe(true);
    expectValidSplit(messageLines(event), messages);
  });

  test('a large payment (300 invoice subscriptions with multibyte names) splits into ordered parts', () => {
    const name = 'Zoë’s plan 😀 '.repeat(60);
    const event = parsed({
      Id: 'pay',
      Type: 'PaymentSucceeded',
      CustomerUniqueId: 'C1',
      AmountPaid: 1289,
      CurrencyCode: 'GBP',
      InvoiceSubscriptions: Array.from({ length: 300 }, (_, i) => ({
        PlanName: name,
        ProductName: `P${i}`,
        SubscriptionUniqueId: `S${i}`,
      })),
    });
    const messages = formatEventMessages(event);
    expect(messages.length).toBeGreaterThan(9); // two-digit part numbers
    expect(messages[9]!.split('\n')[0]).toBe(`Successful payment (continued 10/${messages.length})`);
    expectValidSplit(messageLines(event), messages);
  });

  test('hundreds of parts (three-digit headers) still each fit', () => {
    const event = parsed({
      Id: 'tags',
      Type: 'SubscriptionUpdated',
      CustomerUniqueId: 'C1',
      SubscriptionUniqueId: 'S1',
      SubscriptionFeatureTags: Array.from({ length: 1000 }, () => '😀'.repeat(500)),
    });
    const messages = formatEventMessages(event);
    expect(messages.length).toBeGreaterThan(99);
    expectValidSplit(messageLines(event), messages);
  });

  test('headers are numbered with the final count at every 9→10 and 99→100 boundary', () => {
    // Small limits make the header length matter: a pseudo-random sweep of line lengths.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const partCounts = new Set<number>();
    const pieces = ['x', '€', '😀', 'é€😀'];
    for (let run = 0; run < 100; run++) {
      const maxBytes = 80 + Math.floor(random() * 60);
      const lines = [
        'Successful payment',
        ...Array.from({ length: 1 + Math.floor(random() * 800) }, () =>
          pieces[Math.floor(random() * pieces.length)]!.repeat(1 + Math.floor(random() * 3)),
        ),
      ];
      const parts = splitMessageLines(lines, maxBytes);
      if (nodeBytes(lines.join('\n')) <= maxBytes) expect(parts).toEqual([lines.join('\n')]);
      else expectValidSplit(lines, parts, maxBytes);
      partCounts.add(parts.length);
    }
    expect([...partCounts].some((n) => n >= 10 && n < 100)).toBe(true);
    expect([...partCounts].some((n) => n >= 100)).toBe(true);
  });

  test('a line too long to fit beside a header (unvalidated input) is cut, never over the limit', () => {
    const lines = [
      'Customer created',
      `CustomerDetails_FirstName: ${'😀'.repeat(3000)}`,
      'CustomerUniqueId: C1',
    ];
    const parts = splitMessageLines(lines);
    for (const part of parts) expect(nodeBytes(part)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(parts.flatMap((p) => p.split('\n').slice(1)).join('')).toBe(lines.slice(1).join(''));
  });
});
