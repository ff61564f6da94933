import type { BillsbyEvent, CustomerDetails } from '../../domain/billsby/event-schema';
import { ERASED_ON_REQUEST, type EventLog, type FilledEvent } from '../../eventlog/types';
import {
  customerCreated,
  engines,
  NO_CAP,
  paymentSucceeded,
  publicCustomerCreated,
  publicInvoicePaid,
  rawQuery,
  testKey,
  uniqueAccount,
} from './engines';

/**
 * Public webhooks filled before their first post (DESIGN.md §4.3.1 rules 3 and 5), on both
 * engines: the filled event stored in place of the public one, and the account's last-known
 * details of a customer, sealed, erased with the customer and by retention.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const details = (email: string): CustomerDetails => ({
  Email: email,
  FirstName: 'Madeline',
  LastName: 'Parsons',
  BillingAddress: { City: 'Brighton', Postcode: 'BN1 1AA' },
});

/** The rich events a fill produces for the public ones appended below. */
const filledCustomer = (id: string, customer: string, email: string): BillsbyEvent => ({
  ...(customerCreated(id) as Extract<BillsbyEvent, { Type: 'CustomerCreated' }>),
  CustomerUniqueId: customer,
  CustomerDetails: details(email),
});
const filledPayment = (id: string, customer: string): BillsbyEvent => ({
  ...paymentSucceeded(id),
  CustomerUniqueId: customer,
});

const withDetails = (seq: number, id: string, customer: string, email: string): FilledEvent => ({
  seq,
  event: filledCustomer(id, customer, email),
  lastKnown: { customerUniqueId: customer, details: details(email) },
});

describe.each(engines())('filled events and last-known details on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  /** An active account with public webhooks c-1 (customer `cust`), c-2 (same), p-1 (a payment). */
  async function publicAccount(cust = 'CUST-A'): Promise<string> {
    const accountId = uniqueAccount('public');
    await log.activateAccount(accountId);
    await log.append(
      [
        { accountId, event: publicCustomerCreated('c-1', cust) },
        { accountId, event: publicCustomerCreated('c-2', cust) },
        { accountId, event: publicInvoicePaid('p-1', 'INV-1') },
      ],
      NO_CAP,
    );
    return accountId;
  }

  describe('storeFilled', () => {
    test('replaces the public payloads of queued events; readQueued then answers the filled ones', async () => {
      const accountId = await publicAccount();
      expect(
        (await log.readQueued(accountId, 1, 3)).map((e) => (e.payload as { Form?: string }).Form),
      ).toEqual(['public', 'public', 'public']);
      const filled = [
        withDetails(1, 'c-1', 'CUST-A', 'a@example.com'),
        { seq: 3, event: filledPayment('p-1', 'CUST-P') },
      ];
      expect(await log.storeFilled(accountId, filled, iso(T0))).toEqual([1, 3]);
      const queued = await log.readQueued(accountId, 1, 3);
      expect(queued.map((e) => e.payload)).toEqual([
        filledCustomer('c-1', 'CUST-A', 'a@example.com'),
        publicCustomerCreated('c-2', 'CUST-A'),
        filledPayment('p-1', 'CUST-P'),
      ]);
      // The records themselves do not change.
      expect(queued.map((e) => [e.eventId, e.state, e.attempts])).toEqual([
        ['c-1', 'queued', 0],
        ['c-2', 'queued', 0],
        ['p-1', 'queued', 0],
      ]);
      expect(await log.storeFilled(accountId, [], iso(T0))).toEqual([]);
    });

    test('skips events no longer queued, and a seq that names another event', async () => {
      const accountId = await publicAccount();
      await log.markDelivered(accountId, 1, ['m-1'], iso(T0));
      await log.closeAccount(accountId); // c-2 and p-1 dropped
      const filled = [
        withDetails(1, 'c-1', 'CUST-A', 'a@example.com'),
        withDetails(2, 'c-2', 'CUST-A', 'a@example.com'),
      ];
      expect(await log.storeFilled(accountId, filled, iso(T0))).toEqual([]);
      const payloads = await log.readPayloads(accountId, ['c-1', 'c-2']);
      expect(payloads.get('c-1')).toEqual(publicCustomerCreated('c-1', 'CUST-A'));
      expect(payloads.get('c-2')).toEqual(publicCustomerCreated('c-2', 'CUST-A'));
      // Details ride with their event: none were kept for the skipped ones.
      expect((await log.lastKnownDetails(accountId, ['CUST-A'])).size).toBe(0);

      const other = await publicAccount();
      // seq 1 is c-1: a payload filled for c-2 is not stored in c-1's row.
      expect(
        await log.storeFilled(other, [withDetails(1, 'c-2', 'CUST-A', 'x@example.com')], iso(T0)),
      ).toEqual([]);
      expect((await log.readQueued(other, 1, 1))[0]?.payload).toEqual(publicCustomerCreated('c-1', 'CUST-A'));
      expect(
        await log.storeFilled(uniqueAccount('never'), [withDetails(1, 'c-1', 'C', 'c@x')], iso(T0)),
      ).toEqual([]);
    });

    test('sets the customer tag from the filled event, so erasure finds a filled payment by its customer', async () => {
      const accountId = await publicAccount();
      // A public payment names no customer: before filling, erasure cannot find it.
      expect(await log.forgetCustomer(accountId, 'CUST-P', iso(T0))).toEqual({ erased: 0, dropped: 0 });
      await log.storeFilled(accountId, [{ seq: 3, event: filledPayment('p-1', 'CUST-P') }], iso(T0));
      expect(await log.forgetCustomer(accountId, 'CUST-P', iso(T0))).toEqual({ erased: 1, dropped: 1 });
      expect(await log.get(accountId, 'p-1')).toMatchObject({ state: 'dropped', payloadErasedAt: iso(T0) });
      expect((await log.readQueued(accountId, 1, 3)).map((e) => e.eventId)).toEqual(['c-1', 'c-2']);
    });
    test('a payment queued before its customer was forgotten is dropped and erased when filled, never stored', async () => {
      const accountId = await publicAccount();
      // p-1 names no customer yet: forget-customer cannot find it, and leaves a mark.
      const forgottenAt = new Date().toISOString();
      expect(await log.forgetCustomer(accountId, 'CUST-P', forgottenAt)).toEqual({ erased: 0, dropped: 0 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const fillAt = new Date().toISOString();
      expect(
        await log.storeFilled(accountId, [{ seq: 3, event: filledPayment('p-1', 'CUST-P') }], fillAt),
      ).toEqual([]);
      expect(await log.get(accountId, 'p-1')).toMatchObject({
        state: 'dropped',
        lastError: ERASED_ON_REQUEST,
        payloadErasedAt: fillAt,
      });
      expect(await log.counts(accountId)).toMatchObject({ pending: 2, dropped: 1 });
      expect((await log.readQueued(accountId, 1, 3)).map((e) => e.eventId)).toEqual(['c-1', 'c-2']);

      // A payment of that customer received after the request is theirs to post: filled as usual.
      await log.append([{ accountId, event: publicInvoicePaid('p-2', 'INV-2') }], NO_CAP);
      expect(
        await log.storeFilled(accountId, [{ seq: 4, event: filledPayment('p-2', 'CUST-P') }], fillAt),
      ).toEqual([4]);

      // The mark is kept while an event received before it is queued, then swept by retention.
      const marks = () =>
        rawQuery(engine, 'SELECT customer_tag FROM forgotten_customers WHERE account_id = $1', [accountId]);
      expect((await marks()).length).toBeGreaterThan(0);
      const later = iso(Date.now() + DAY);
      while ((await log.erasePayloads(later, later, 1000)) > 0);
      expect((await marks()).length).toBeGreaterThan(0);
      for (const seq of [1, 2, 4]) await log.markDelivered(accountId, seq, [`m-${seq}`], fillAt);
      while ((await log.erasePayloads(later, later, 1000)) > 0);
      expect(await marks()).toEqual([]);
    });
  });

  describe('lastKnownDetails', () => {
    test('round trip, replaced by a later fill, per account, only for the customers asked', async () => {
      const accountId = await publicAccount();
      const other = await publicAccount();
      await log.storeFilled(accountId, [withDetails(1, 'c-1', 'CUST-A', 'first@example.com')], iso(T0));
      await log.storeFilled(other, [withDetails(1, 'c-1', 'CUST-A', 'other@example.com')], iso(T0));
      expect(await log.lastKnownDetails(accountId, ['CUST-A', 'CUST-B', 'CUST-A'])).toEqual(
        new Map([['CUST-A', details('first@example.com')]]),
      );
      await log.storeFilled(accountId, [withDetails(2, 'c-2', 'CUST-A', 'second@example.com')], iso(T0 + 1));
      expect(await log.lastKnownDetails(accountId, ['CUST-A'])).toEqual(
        new Map([['CUST-A', details('second@example.com')]]),
      );
      expect((await log.lastKnownDetails(other, ['CUST-A'])).get('CUST-A')?.Email).toBe('other@example.com');
      expect(await log.lastKnownDetails(accountId, [])).toEqual(new Map());
      // Two fills of one customer in one call: the later one is what is last known.
      const third = await publicAccount();
      await log.storeFilled(
        third,
        [
          withDetails(1, 'c-1', 'CUST-A', 'one@example.com'),
          withDetails(2, 'c-2', 'CUST-A', 'two@example.com'),
        ],
        iso(T0),
      );
      expect((await log.lastKnownDetails(third, ['CUST-A'])).get('CUST-A')?.Email).toBe('two@example.com');
    });

    test('sealed at rest under a tag, bound to it: a row moved to another customer does not open', async () => {
      const accountId = await publicAccount();
      await log.append([{ accountId, event: publicCustomerCreated('c-9', 'CUST-B') }], NO_CAP);
      await log.storeFilled(
        accountId,
        [
          withDetails(1, 'c-1', 'CUST-A', 'sealed-a@example.com'),
          withDetails(4, 'c-9', 'CUST-B', 'sealed-b@example.com'),
        ],
        iso(T0),
      );
      const rows = await rawQuery(engine, 'SELECT * FROM customer_details WHERE account_id = $1', [
        accountId,
      ]);
      expect(rows).toHaveLength(2);
      const text = JSON.stringify(
        rows.map((r) => ({ ...r, sealed: Buffer.from(r.sealed as Buffer).toString('latin1') })),
      );
      for (const secret of ['sealed-a@example.com', 'Madeline', 'CUST-A', 'CUST-B'])
        expect(text).not.toContain(secret);
      // A's sealed details copied into B's row: B's read skips it rather than show A's details.
      await rawQuery(
        engine,
        `UPDATE customer_details SET sealed = (SELECT sealed FROM customer_details WHERE account_id = $1 AND customer_tag = $2)
         WHERE account_id = $3 AND customer_tag <> $4`,
        [accountId, rows[0]!.customer_tag, accountId, rows[0]!.customer_tag],
      );
      // (Which of the two was rows[0] is up to the engine: each customer may only see its own.)
      const known = await log.lastKnownDetails(accountId, ['CUST-A', 'CUST-B']);
      expect(known.size).toBe(1);
      for (const [customer, seen] of known)
        expect(seen.Email).toBe(customer === 'CUST-A' ? 'sealed-a@example.com' : 'sealed-b@example.com');
    });

    test('after a key rotation: read under the old key, and replaced (one row) by the next fill', async () => {
      const accountId = uniqueAccount('rotate');
      const oldKey = testKey('details-old');
      const before = await engine.open({ keys: [oldKey] });
      await before.activateAccount(accountId);
      await before.append(
        [
          { accountId, event: publicCustomerCreated('r-1', 'CUST-R') },
          { accountId, event: publicCustomerCreated('r-2', 'CUST-R') },
        ],
        NO_CAP,
      );
      await before.storeFilled(accountId, [withDetails(1, 'r-1', 'CUST-R', 'old@example.com')], iso(T0));
      const after = await engine.open({ keys: [testKey('details-new'), oldKey] });
      expect((await after.lastKnownDetails(accountId, ['CUST-R'])).get('CUST-R')?.Email).toBe(
        'old@example.com',
      );
      await after.storeFilled(accountId, [withDetails(2, 'r-2', 'CUST-R', 'new@example.com')], iso(T0 + 1));
      expect((await after.lastKnownDetails(accountId, ['CUST-R'])).get('CUST-R')?.Email).toBe(
        'new@example.com',
      );
      const rows = await rawQuery(engine, 'SELECT key_id FROM customer_details WHERE account_id = $1', [
        accountId,
      ]);
      expect(rows).toEqual([{ key_id: 'details-new' }]);
      // Only the old key configured: the new row does not open and is skipped (no throw).
      const old = await engine.open({ keys: [oldKey] });
      expect(await old.lastKnownDetails(accountId, ['CUST-R'])).toEqual(new Map());
    });

    test('forgetCustomer erases them, with the payloads', async () => {
      const accountId = await publicAccount();
      await log.append([{ accountId, event: publicCustomerCreated('c-9', 'CUST-B') }], NO_CAP);
      await log.storeFilled(
        accountId,
        [withDetails(1, 'c-1', 'CUST-A', 'a@example.com'), withDetails(4, 'c-9', 'CUST-B', 'b@example.com')],
        iso(T0),
      );
      // c-1 (filled) and c-2 (public, still tagged by its CustomerUniqueId) are A's.
      expect(await log.forgetCustomer(accountId, 'CUST-A', iso(T0))).toEqual({ erased: 2, dropped: 2 });
      expect([...(await log.lastKnownDetails(accountId, ['CUST-A', 'CUST-B'])).keys()]).toEqual(['CUST-B']);
      const rows = await rawQuery(engine, 'SELECT customer_tag FROM customer_details WHERE account_id = $1', [
        accountId,
      ]);
      expect(rows).toHaveLength(1);
    });

    test('retention erases details last written before the cutoff, within the call’s limit', async () => {
      const accountId = await publicAccount();
      await log.append([{ accountId, event: publicCustomerCreated('c-9', 'CUST-B') }], NO_CAP);
      await log.storeFilled(
        accountId,
        [withDetails(1, 'c-1', 'CUST-A', 'a@example.com')],
        iso(T0 - 40 * DAY),
      );
      await log.storeFilled(
        accountId,
        [withDetails(4, 'c-9', 'CUST-B', 'b@example.com')],
        iso(T0 - 10 * DAY),
      );
      const cutoff = iso(T0 - 30 * DAY);
      // Other tests' rows share the table: loop to the end, one at a time.
      let erased = 0;
      for (
        let n = await log.erasePayloads(cutoff, iso(T0), 1);
        n > 0;
        n = await log.erasePayloads(cutoff, iso(T0), 1)
      )
        erased += n;
      expect(erased).toBeGreaterThanOrEqual(1);
      expect([...(await log.lastKnownDetails(accountId, ['CUST-A', 'CUST-B'])).keys()]).toEqual(['CUST-B']);
      // Queued events keep their payloads: retention erases delivered ones only.
      expect((await log.readQueued(accountId, 1, 1))[0]?.payload).toEqual(
        filledCustomer('c-1', 'CUST-A', 'a@example.com'),
      );
      expect(await log.erasePayloads(cutoff, iso(T0), 1000)).toBe(0);
    });
  });
});
