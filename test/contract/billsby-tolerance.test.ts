/**
 * The connector reads Billsby's answers tolerantly (reference §4 "Shapes to tolerate"): Billsby's own
 * examples mix types, so a field the product never reads must not fail a read, and the fields it does
 * read accept the forms Billsby is seen to send (digit strings for numbers, null strings).
 */
import { BillsbyClient } from '../../connectors/billsby';
import { BillsbySimulator, startBillsbySimulator } from '../../simulators/billsby';
import { clientFor } from './billsby-helpers';

let sim: BillsbySimulator;
let billsby: BillsbyClient;

beforeEach(async () => {
  sim = await startBillsbySimulator();
  billsby = clientFor(sim);
});
afterEach(() => sim.close());

/** The next read answers this body with 200. */
const answer = (body: unknown) => sim.control.failNext(1, { status: 200, body });

/** Values of every JSON type, for fields the product never reads. */
const ODD = { n: 1.5, s: 'x', b: true, nul: null, arr: [1, 'a', null], obj: { deep: [{}] } };

describe('customer', () => {
  test('the OpenAPI details example (totalAmountPaid "440", averageAmountPerMonth "20") parses', async () => {
    answer({
      customerUniqueId: 'AB12CD34EF',
      firstName: 'Ana',
      lastName: 'Silva',
      email: 'ana@example.com',
      phoneNumber: '912345678',
      phoneNumberDialCode: '+351',
      phoneNumberDialCountry: 'PT',
      billingAddress: {
        addressLine1: 'Rua 1',
        addressLine2: null,
        city: 'Lisboa',
        state: null,
        country: 'PRT',
        postCode: '1000-001',
      },
      totalAmountPaid: '440',
      averageAmountPerMonth: '20',
      createdOn: '2020-04-29T10:08:39.320Z',
    });
    expect(await billsby.getCustomer('AB12CD34EF')).toEqual({
      firstName: 'Ana',
      lastName: 'Silva',
      email: 'ana@example.com',
      phoneNumber: '912345678',
      phoneNumberDialCode: '+351',
      phoneNumberDialCountry: 'PT',
      billingAddress: {
        addressLine1: 'Rua 1',
        addressLine2: null,
        city: 'Lisboa',
        state: null,
        country: 'PRT',
        postCode: '1000-001',
      },
    });
  });

  test('phoneNumberDialCodeCountry (the list example’s name) stands in for phoneNumberDialCountry', async () => {
    answer({ email: 'a@b.c', phoneNumberDialCodeCountry: 'GB' });
    expect((await billsby.getCustomer('X')).phoneNumberDialCountry).toBe('GB');
    answer({ phoneNumberDialCountry: 'US', phoneNumberDialCodeCountry: 'GB' });
    expect((await billsby.getCustomer('X')).phoneNumberDialCountry).toBe('US');
    answer({ phoneNumberDialCountry: null, phoneNumberDialCodeCountry: 'GB' });
    expect((await billsby.getCustomer('X')).phoneNumberDialCountry).toBe('GB');
  });

  test('null or absent everywhere, and unknown fields of any type, parse', async () => {
    answer({
      customerUniqueId: 12345,
      email: null,
      firstName: null,
      lastName: null,
      phoneNumber: null,
      billingAddress: null,
      status: { code: 3 },
      createdOn: 1588154919,
      ...ODD,
    });
    const c = await billsby.getCustomer('X');
    expect(c).toMatchObject({ email: null, firstName: null, billingAddress: null });
    expect(c.phoneNumberDialCountry).toBeUndefined();
    for (const unread of ['customerUniqueId', 'n', 'obj', 'status', 'createdOn'])
      expect(c).not.toHaveProperty(unread);
    answer({});
    expect(await billsby.getCustomer('X')).toEqual({ phoneNumberDialCountry: undefined });
  });
});

describe('subscription', () => {
  test('ids and frequency as digit strings come out as integers; next plan/cycle integers or null', async () => {
    answer({
      subscriptionUniqueId: 'S1',
      productId: '17',
      planId: '24',
      cycleId: 35,
      productName: 'Gym',
      planName: 'Gold',
      status: 'Active',
      planPricingModel: { frequency: '3', frequencyType: 'Months', price: '12.50', setupFee: null },
      planIdNext: '25',
      cycleIdNext: null,
      nextBillingAmount: '1289',
      totalRevenue: 12.89,
      units: '1',
      nextBillingDate: '2020-12-21T15:59:19.095789',
      ...ODD,
    });
    expect(await billsby.getSubscription('S1')).toEqual({
      productId: 17,
      planId: 24,
      cycleId: 35,
      productName: 'Gym',
      planName: 'Gold',
      status: 'Active',
      planPricingModel: { frequency: 3, frequencyType: 'Months' },
      planIdNext: 25,
      cycleIdNext: null,
      nextBillingDate: '2020-12-21T15:59:19.095789',
    });
  });

  test('no pricing model, no next plan: parses with those absent', async () => {
    answer({ planName: 'Gold', planPricingModel: null });
    const s = await billsby.getSubscription('S1');
    expect(s.planPricingModel).toBeNull();
    expect(s.planIdNext).toBeUndefined();
    expect(s.planName).toBe('Gold');
  });

  test('the simulator serves planIdNext/cycleIdNext (null by default, integers when set)', async () => {
    expect(await billsby.getSubscription('6WJYRQ9V3G')).toMatchObject({
      planIdNext: null,
      cycleIdNext: null,
    });
    sim.control.dataset.subscriptions[0]!.planIdNext = 25;
    sim.control.dataset.subscriptions[0]!.cycleIdNext = 36;
    expect(await billsby.getSubscription('6WJYRQ9V3G')).toMatchObject({ planIdNext: 25, cycleIdNext: 36 });
  });
});

describe('invoice', () => {
  test('amount as a digit string, lower-case currency, extra line fields and unknown fields parse', async () => {
    answer({
      invoiceNumber: 'AB-1',
      customerUniqueId: 'AB',
      customerEmail: 'a@b.c',
      amount: '4999',
      formattedAmount: '$49.99',
      currency: 'usd',
      status: 'Paid',
      subTotal: '40.00',
      taxTotal: 9.99,
      subscriptions: [
        {
          subscriptionUniqueId: 'S1',
          planName: 'Gold',
          billingPeriodStart: '2020-06-22T10:17:42.018276',
          billingPeriodEnd: null,
          subscriptionItems: [{ amount: '1.5' }],
          productName: 42,
        },
      ],
      ...ODD,
    });
    expect(await billsby.getInvoice('AB-1')).toEqual({
      customerUniqueId: 'AB',
      customerEmail: 'a@b.c',
      amount: 4999,
      currency: 'usd',
      status: 'Paid',
      subscriptions: [
        {
          subscriptionUniqueId: 'S1',
          planName: 'Gold',
          billingPeriodStart: '2020-06-22T10:17:42.018276',
          billingPeriodEnd: null,
        },
      ],
    });
  });

  test('customer names: served by the simulator, null when the invoice lacks them; no lines reads as []', async () => {
    expect(await billsby.getInvoice('5VL9JC0NE0-3')).toMatchObject({
      customerFirstName: 'Madeline',
      customerLastName: 'Parsons',
    });
    sim.control.dataset.invoices[0]!.customerFirstName = null;
    delete sim.control.dataset.invoices[0]!.customerLastName;
    expect(await billsby.getInvoice('5VL9JC0NE0-3')).toMatchObject({
      customerFirstName: null,
      customerLastName: null,
    });
    answer({ amount: -1289, subscriptions: null });
    expect(await billsby.getInvoice('R-1')).toMatchObject({ amount: -1289, subscriptions: [] });
  });
});

test('feature tags: null lists read as empty, unknown fields ignored', async () => {
  answer({ planFeatureTags: null, subscriptionFeatureTags: ['towel'], addOnFeatureTags: 7 });
  expect(await billsby.getSubscriptionFeatureTags('S1')).toEqual({
    planFeatureTags: [],
    subscriptionFeatureTags: ['towel'],
  });
});
