import { onceKeyOf } from '../../domain/billsby/public-event';
import type { AppendRequest, EventLog } from '../../eventlog/types';
import {
  customerCreated,
  engines,
  ignoredRequest,
  NO_CAP,
  publicInvoicePaid,
  rawQuery,
  requests,
  testKey,
  uniqueAccount,
} from './engines';

/**
 * Ignored webhooks and once keys (DESIGN.md §4.3.1), on both engines: kept by id and reason in
 * order among the other events, never queued, and a paid invoice announced once.
 */

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A Paid update with the gateway's once key (an invoice number embeds a customer id). */
const paid = (accountId: string, id: string, invoice: string): AppendRequest => {
  const event = publicInvoicePaid(id, invoice);
  return { accountId, event, onceKey: onceKeyOf(event) };
};

describe.each(engines())('ignored events and once keys on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  async function activeAccount(label?: string) {
    const accountId = uniqueAccount(label);
    await log.activateAccount(accountId);
    return accountId;
  }

  const states = async (accountId: string, options: Parameters<EventLog['list']>[1]) =>
    (await log.list(accountId, options)).map((e) => [e.seq, e.eventId, e.state]);

  describe('ignored requests', () => {
    test('take the next seq among events, are counted apart, and read back with their reason', async () => {
      const accountId = await activeAccount();
      expect(
        await log.append(
          [
            { accountId, event: customerCreated('a') },
            ignoredRequest(accountId, 'i-1', 'InvoiceCreated has no message'),
            { accountId, event: customerCreated('b') },
          ],
          NO_CAP,
        ),
      ).toEqual([
        { status: 'accepted', seq: 1 },
        { status: 'ignored', seq: 2 },
        { status: 'accepted', seq: 3 },
      ]);
      expect(await log.counts(accountId)).toMatchObject({
        received: 2,
        pending: 2,
        ignored: 1,
        duplicates: 0,
      });
      expect(await log.get(accountId, 'i-1')).toEqual({
        eventId: 'i-1',
        type: 'InvoiceCreated',
        state: 'ignored',
        seq: 2,
        receivedAt: expect.stringMatching(ISO),
        deliveredAt: null,
        messageIds: [],
        attempts: 0,
        firstAttemptAt: null,
        lastError: 'InvoiceCreated has no message',
        updatedAt: (await log.get(accountId, 'i-1'))!.receivedAt,
        payloadErasedAt: null,
        deliveredBy: null,
      });
      // Never queued: the queue is a, b; nothing to read or claim at seq 2.
      expect((await log.peekQueued(accountId, 10)).map((r) => r.eventId)).toEqual(['a', 'b']);
      expect((await log.readQueued(accountId, 1, 3)).map((e) => e.seq)).toEqual([1, 3]);
      expect(await log.beginAttempt(accountId, 2, new Date().toISOString())).toBeNull();
      // No payload is kept.
      expect((await log.readPayloads(accountId, ['i-1'])).size).toBe(0);
    });

    test('a repeated id is a duplicate both ways, in the log or earlier in the same call', async () => {
      const accountId = await activeAccount();
      await log.append([{ accountId, event: customerCreated('e') }, ignoredRequest(accountId, 'i')], NO_CAP);
      expect(
        await log.append(
          [
            ignoredRequest(accountId, 'e'), // an event's id, sent as ignored
            { accountId, event: customerCreated('i') }, // an ignored id, sent as an event
            ignoredRequest(accountId, 'j'),
            { accountId, event: customerCreated('j') },
            { accountId, event: customerCreated('k') },
            ignoredRequest(accountId, 'k'),
          ],
          NO_CAP,
        ),
      ).toEqual([
        { status: 'duplicate' },
        { status: 'duplicate' },
        { status: 'ignored', seq: 3 },
        { status: 'duplicate' },
        { status: 'accepted', seq: 4 },
        { status: 'duplicate' },
      ]);
      expect(await log.counts(accountId)).toMatchObject({ received: 2, ignored: 2, duplicates: 4 });
      expect((await log.get(accountId, 'i'))?.state).toBe('ignored');
      expect((await log.get(accountId, 'e'))?.state).toBe('queued');
    });

    test('are not held back by a full backlog and do not fill it', async () => {
      const accountId = await activeAccount();
      const cap = { maxUndelivered: 1 };
      expect(
        await log.append(
          [
            ...requests(accountId, ['a', 'b']),
            ignoredRequest(accountId, 'i-1'),
            ignoredRequest(accountId, 'i-2'),
          ],
          cap,
        ),
      ).toEqual([
        { status: 'accepted', seq: 1 },
        { status: 'backlog_full', undelivered: 1 },
        { status: 'ignored', seq: 2 },
        { status: 'ignored', seq: 3 },
      ]);
      await log.markDelivered(accountId, 1, ['m'], new Date().toISOString());
      expect(await log.append(requests(accountId, ['b']), cap)).toEqual([{ status: 'accepted', seq: 4 }]);
    });

    test('an inactive or unknown account answers not_found and stores nothing', async () => {
      const accountId = await activeAccount();
      await log.closeAccount(accountId);
      const ghost = uniqueAccount('ghost');
      expect(await log.append([ignoredRequest(accountId, 'i'), ignoredRequest(ghost, 'i')], NO_CAP)).toEqual([
        { status: 'not_found' },
        { status: 'not_found' },
      ]);
      expect(await log.get(accountId, 'i')).toBeNull();
      expect(await log.counts(accountId)).toMatchObject({ ignored: 0, duplicates: 0 });
    });

    test('list: by seq across both tables when no state is given; `ignored` alone newest first', async () => {
      const accountId = await activeAccount();
      await log.append(
        [
          ignoredRequest(accountId, 'i-1'),
          ...requests(accountId, ['a', 'b']),
          ignoredRequest(accountId, 'i-2'),
          ...requests(accountId, ['c']),
        ],
        NO_CAP,
      );
      await log.markDelivered(accountId, 2, ['m'], new Date().toISOString());
      expect(await states(accountId, { limit: 10 })).toEqual([
        [5, 'c', 'queued'],
        [4, 'i-2', 'ignored'],
        [3, 'b', 'queued'],
        [2, 'a', 'delivered'],
        [1, 'i-1', 'ignored'],
      ]);
      expect(await states(accountId, { limit: 2 })).toEqual([
        [5, 'c', 'queued'],
        [4, 'i-2', 'ignored'],
      ]);
      expect(await states(accountId, { state: 'ignored', limit: 10 })).toEqual([
        [4, 'i-2', 'ignored'],
        [1, 'i-1', 'ignored'],
      ]);
      expect(await states(accountId, { state: 'ignored', limit: 1 })).toEqual([[4, 'i-2', 'ignored']]);
      expect(await states(accountId, { state: 'queued', limit: 10 })).toEqual([
        [3, 'b', 'queued'],
        [5, 'c', 'queued'],
      ]);
      // A redelivery's new seq comes after the ignored ones too.
      await log.markFailed(accountId, 3, 'x', new Date().toISOString());
      await log.redeliver(
        accountId,
        [{ eventId: 'b', from: 'failed', to: 'queued', messageIds: [] }],
        new Date().toISOString(),
      );
      expect((await log.get(accountId, 'b'))?.seq).toBe(6);
      // Ignored events are no redelivery's business.
      expect(
        await log.redeliver(
          accountId,
          [{ eventId: 'i-1', from: 'failed', to: 'queued', messageIds: [] }],
          new Date().toISOString(),
        ),
      ).toEqual([{ eventId: 'i-1', applied: false, state: null }]);
    });
  });

  describe('once keys', () => {
    test('a second event with a key already taken is stored as ignored, naming the first, with no payload', async () => {
      const accountId = await activeAccount();
      expect(await log.append([paid(accountId, 'p-1', '5VL9JC0NE0-3')], NO_CAP)).toEqual([
        { status: 'accepted', seq: 1 },
      ]);
      expect(
        await log.append(
          [paid(accountId, 'p-2', '5VL9JC0NE0-3'), paid(accountId, 'p-1', '5VL9JC0NE0-3')],
          NO_CAP,
        ),
      ).toEqual([{ status: 'ignored', seq: 2 }, { status: 'duplicate' }]);
      const record = await log.get(accountId, 'p-2');
      expect(record).toMatchObject({ state: 'ignored', type: 'InvoiceUpdated', seq: 2 });
      expect(record!.lastError).toContain('p-1');
      // The reason is shown in clear: never the invoice number (it embeds a customer id).
      expect(record!.lastError).not.toContain('5VL9JC0NE0');
      expect(await log.counts(accountId)).toMatchObject({
        received: 1,
        ignored: 1,
        duplicates: 1,
        pending: 1,
      });
      // Stored without its payload: no events row, and no key in clear anywhere.
      const rows = await rawQuery(engine, 'SELECT event_id FROM events WHERE account_id = $1', [accountId]);
      expect(rows.map((r) => r.event_id)).toEqual(['p-1']);
      const keys = await rawQuery(engine, 'SELECT key_tag, event_id FROM once_keys WHERE account_id = $1', [
        accountId,
      ]);
      expect(keys).toEqual([{ key_tag: expect.any(String), event_id: 'p-1' }]);
      expect(JSON.stringify(keys)).not.toContain('5VL9JC0NE0');
      // A resend of the ignored one is a duplicate; another invoice is accepted.
      expect(
        await log.append(
          [paid(accountId, 'p-2', '5VL9JC0NE0-3'), paid(accountId, 'p-3', '5VL9JC0NE0-4')],
          NO_CAP,
        ),
      ).toEqual([{ status: 'duplicate' }, { status: 'accepted', seq: 3 }]);
    });

    test('within one call: the first takes the key, later ones are ignored; keys are per account', async () => {
      const [one, two] = [await activeAccount('one'), await activeAccount('two')];
      expect(
        await log.append(
          [
            paid(one, 'q-1', 'INV-1'),
            paid(one, 'q-2', 'INV-1'),
            paid(two, 'q-1', 'INV-1'),
            paid(one, 'q-3', 'INV-2'),
            paid(one, 'q-4', 'INV-1'),
          ],
          NO_CAP,
        ),
      ).toEqual([
        { status: 'accepted', seq: 1 },
        { status: 'ignored', seq: 2 },
        { status: 'accepted', seq: 1 },
        { status: 'accepted', seq: 3 },
        { status: 'ignored', seq: 4 },
      ]);
      expect((await log.get(one, 'q-4'))?.lastError).toContain('q-1');
      expect((await log.peekQueued(one, 10)).map((r) => r.eventId)).toEqual(['q-1', 'q-3']);
    });

    test('an event refused for a full backlog does not take its key', async () => {
      const accountId = await activeAccount();
      await log.append(requests(accountId, ['a']), NO_CAP);
      expect(await log.append([paid(accountId, 'r-1', 'INV-9')], { maxUndelivered: 1 })).toEqual([
        { status: 'backlog_full', undelivered: 1 },
      ]);
      expect(await log.append([paid(accountId, 'r-2', 'INV-9')], NO_CAP)).toEqual([
        { status: 'accepted', seq: 2 },
      ]);
    });

    test('two processes appending the same key at once: exactly one is accepted', async () => {
      const accountId = await activeAccount();
      const [a, b] = [await engine.open(), await engine.open()];
      for (let round = 0; round < 5; round++) {
        const invoice = `INV-race-${round}`;
        const outcomes = (
          await Promise.all([
            a.append([paid(accountId, `ra-${round}`, invoice)], NO_CAP),
            b.append([paid(accountId, `rb-${round}`, invoice)], NO_CAP),
          ])
        ).flat();
        expect(outcomes.map((o) => o.status).sort()).toEqual(['accepted', 'ignored']);
      }
      expect(await log.counts(accountId)).toMatchObject({ received: 5, ignored: 5 });
    });

    test('a key taken before a key rotation is still found', async () => {
      const accountId = uniqueAccount('rotate');
      const oldKey = testKey('once-old');
      const before = await engine.open({ keys: [oldKey] });
      await before.activateAccount(accountId);
      await before.append([paid(accountId, 's-1', 'INV-7')], NO_CAP);
      const after = await engine.open({ keys: [testKey('once-new'), oldKey] });
      expect(await after.append([paid(accountId, 's-2', 'INV-7')], NO_CAP)).toEqual([
        { status: 'ignored', seq: 2 },
      ]);
    });
  });
});
