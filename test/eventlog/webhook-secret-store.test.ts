import type { EventLog, StoredWebhookSecret } from '../../eventlog/types';
import { engines, uniqueAccount } from './engines';

/** The webhook-secret rows of the EventLog contract, on both engines. */
describe.each(engines())('webhook secrets on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  const record = (n: number, previous: Partial<StoredWebhookSecret> = {}): StoredWebhookSecret => ({
    currentHash: `${n}`.repeat(64).slice(0, 64),
    currentSealed: Buffer.from([n, 0, 255, n]),
    currentKeyId: `k${n}`,
    previousHash: null,
    previousValidUntil: null,
    updatedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, n)).toISOString(),
    ...previous,
  });

  test('none until one is put; put replaces the whole record; accounts are separate', async () => {
    const a = uniqueAccount('sec');
    const b = uniqueAccount('sec');
    expect(await log.getWebhookSecret(a)).toBeNull();
    await log.putWebhookSecret(a, record(1));
    expect(await log.getWebhookSecret(a)).toEqual(record(1));
    const rotated = record(2, {
      previousHash: record(1).currentHash,
      previousValidUntil: '2026-12-01T12:00:00.000Z',
    });
    await log.putWebhookSecret(a, rotated);
    expect(await log.getWebhookSecret(a)).toEqual(rotated);
    expect(await log.getWebhookSecret(b)).toBeNull();
  });

  test('another process sees what one put (the gateway cache reads the database)', async () => {
    const a = uniqueAccount('sec');
    const other = await engine.open();
    await log.putWebhookSecret(a, record(3));
    expect(await other.getWebhookSecret(a)).toEqual(record(3));
  });
});
