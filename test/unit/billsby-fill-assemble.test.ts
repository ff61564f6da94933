import { assembleFilled, cycleName, type FillReads } from '../../activities/webex/billsby-fill/assemble';
import { formatEventMessages } from '../../domain/billsby/format-event-messages';
import type { BillsbyEvent } from '../../domain/billsby/event-schema';
import type { PublicBillsbyEvent } from '../../domain/billsby/public-event';

const none: FillReads = {
  customer: () => null,
  subscription: () => null,
  tags: () => null,
  invoice: () => null,
};

describe('BillsbyCycle from planPricingModel (§4.3.1)', () => {
  it.each([
    [{ frequency: 1, frequencyType: 'Daily' }, 'Daily'],
    [{ frequency: 1, frequencyType: 'Days' }, 'Daily'],
    [{ frequency: 1, frequencyType: 'Weekly' }, 'Weekly'],
    [{ frequency: 1, frequencyType: 'Months' }, 'Monthly'],
    [{ frequency: 1, frequencyType: 'yearly' }, 'Yearly'],
    [{ frequency: 2, frequencyType: 'Weeks' }, 'Every 2 weeks'],
    [{ frequency: 3, frequencyType: 'Monthly' }, 'Every 3 months'],
    [{ frequency: 10, frequencyType: 'Day' }, 'Every 10 days'],
  ])('%j → %s', (model, name) => expect(cycleName(model)).toBe(name));

  it.each([
    [{ frequency: 1, frequencyType: 'Fortnightly' }],
    [{ frequency: 0, frequencyType: 'Months' }],
    [{ frequency: 1.5, frequencyType: 'Months' }],
    [null],
  ])('an unknown or impossible model %j leaves the line empty', (model) =>
    expect(cycleName(model)).toBeNull(),
  );
});

describe('assembling a filled event', () => {
  it('tags: plan tags then the subscription’s own, each once, in first-seen order', () => {
    const event = {
      Form: 'public',
      Type: 'SubscriptionUpdated',
      Id: 'e1',
      SubscriptionUniqueId: 'S1',
      CustomerUniqueId: 'C1',
    } as PublicBillsbyEvent;
    const reads: FillReads = {
      ...none,
      tags: () => ({
        planFeatureTags: ['gold', 'water', 'gold'],
        subscriptionFeatureTags: ['towel', 'water'],
      }),
    };
    const filled = assembleFilled(event, reads, () => undefined).event as Extract<
      BillsbyEvent,
      { Type: 'SubscriptionUpdated' }
    >;
    expect(filled.SubscriptionFeatureTags).toEqual(['gold', 'water', 'towel']);
  });

  it('an API date that is not ISO-8601 is left empty; an over-long API string is cut to what one line may hold', () => {
    const event = {
      Form: 'public',
      Type: 'SubscriptionUpdated',
      Id: 'e2',
      SubscriptionUniqueId: 'S1',
      CustomerUniqueId: 'C1',
    } as PublicBillsbyEvent;
    const reads: FillReads = {
      ...none,
      subscription: () => ({ nextBillingDate: 'next Tuesday', status: 'A'.repeat(5000) }) as never,
    };
    const filled = assembleFilled(event, reads, () => undefined).event as Extract<
      BillsbyEvent,
      { Type: 'SubscriptionUpdated' }
    >;
    expect(filled.NextBillingDate).toBeNull();
    expect(filled.SubscriptionStatus).toHaveLength(1000);
    expect(() => formatEventMessages(filled)).not.toThrow();
  });

  it('a payment whose invoice Billsby no longer has posts with the webhook’s amount, currency and number only', () => {
    const event = {
      Form: 'public',
      Type: 'InvoiceUpdated',
      Id: 'e3',
      InvoiceNumber: 'INV-9',
      InvoiceAmount: 500,
      CurrencyCode: 'JPY',
      PaidOn: '2026-12-04T10:00:00.000Z',
    } as PublicBillsbyEvent;
    const [text] = formatEventMessages(assembleFilled(event, none, () => undefined).event);
    expect(text!.split('\n')).toEqual([
      'Successful payment',
      'CustomerUniqueId: ',
      'AmountPaid: 500',
      'AmountPaidinUsd: ',
      'PaidOn: 2026-12-04T10:00:00.000Z',
      'currencyCode: JPY',
      'CustomerDetails_Email: ',
      'CustomerDetails_FirstName: ',
      'CustomerDetails_LastName: ',
      'InvoiceCodeNumber: INV-9',
      'InvoiceSubscriptions:',
    ]);
  });

  it('a USD payment also fills AmountPaidinUsd with the amount', () => {
    const event = {
      Form: 'public',
      Type: 'InvoiceUpdated',
      Id: 'e4',
      InvoiceNumber: 'INV-1',
      InvoiceAmount: 4999,
      CurrencyCode: 'USD',
      PaidOn: '2026-12-04T10:00:00.000Z',
    } as PublicBillsbyEvent;
    const [text] = formatEventMessages(assembleFilled(event, none, () => undefined).event);
    expect(text).toContain('AmountPaid: 49.99\nAmountPaidinUsd: 49.99\n');
  });

  it('a customer update shows the last-known details as OldDetails and becomes the new last-known', () => {
    const event = {
      Form: 'public',
      Type: 'CustomerUpdated',
      Id: 'e5',
      CustomerUniqueId: 'C1',
      Email: 'new@example.com',
    } as PublicBillsbyEvent;
    const old = { Email: 'old@example.com', FirstName: 'Ann' };
    const filled = assembleFilled(event, none, (id) => (id === 'C1' ? old : undefined));
    expect(filled.event).toMatchObject({ OldDetails: old, NewDetails: { Email: 'new@example.com' } });
    expect(filled.lastKnown).toEqual({
      customerUniqueId: 'C1',
      details: expect.objectContaining({ Email: 'new@example.com' }),
    });
  });
});
