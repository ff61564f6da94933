import type { EventLog } from '../../eventlog/types';
import { engines, rawQuery, testKey, uniqueAccount } from './engines';

/**
 * An account's own Billsby credentials and Billsby's refusal mark (DESIGN.md §4.2 `…/billsby`,
 * §4.3.1 rule 6), on both engines: sealed at rest, replaced, removed, and the mark that holds an
 * account's public webhooks until other credentials are set.
 */

const KEY = 'bb_live_5f3a9c0e7d2b41a8';
const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-02T10:00:00.000Z';

describe.each(engines())('Billsby credentials on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  async function activeAccount() {
    const accountId = uniqueAccount('billsby');
    await log.activateAccount(accountId);
    return accountId;
  }

  test('none stored: null', async () => {
    expect(await log.getBillsbyAccount(await activeAccount())).toBeNull();
  });

  test('round trip; a put replaces; delete removes', async () => {
    const accountId = await activeAccount();
    await log.putBillsbyCredentials(accountId, { companyDomain: 'acme', apiKey: KEY }, T1);
    expect(await log.getBillsbyAccount(accountId)).toEqual({
      credentials: { companyDomain: 'acme', apiKey: KEY },
      checkedAt: T1,
      rejectedFingerprint: null,
      rejectedAt: null,
    });
    await log.putBillsbyCredentials(accountId, { companyDomain: 'acme-2', apiKey: 'second-key' }, T2);
    expect(await log.getBillsbyAccount(accountId)).toMatchObject({
      credentials: { companyDomain: 'acme-2', apiKey: 'second-key' },
      checkedAt: T2,
    });
    // Another account's credentials are its own.
    expect(await log.getBillsbyAccount(await activeAccount())).toBeNull();
    await log.deleteBillsbyCredentials(accountId);
    expect(await log.getBillsbyAccount(accountId)).toBeNull();
    await log.deleteBillsbyCredentials(accountId); // nothing to delete: no error
    await expect(
      log.putBillsbyCredentials(accountId, { companyDomain: '', apiKey: KEY }, T1),
    ).rejects.toThrow(TypeError);
  });

  test('the key is sealed at rest, bound to its account and company', async () => {
    const accountId = await activeAccount();
    await log.putBillsbyCredentials(accountId, { companyDomain: 'acme', apiKey: KEY }, T1);
    const [row] = await rawQuery(engine, 'SELECT * FROM billsby_accounts WHERE account_id = $1', [accountId]);
    const stored = Object.values(row!)
      .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') + v.toString('utf8') : String(v)))
      .join('\n');
    expect(stored).toContain('acme'); // the domain is no secret
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(KEY.slice(8));
    // The sealed key copied to another account does not open there: no credentials, no error.
    const other = await activeAccount();
    await log.putBillsbyCredentials(other, { companyDomain: 'acme', apiKey: 'other-key' }, T1);
    await rawQuery(engine, 'UPDATE billsby_accounts SET api_key_sealed = $1 WHERE account_id = $2', [
      row!.api_key_sealed,
      other,
    ]);
    expect((await log.getBillsbyAccount(other))?.credentials).toBeNull();
    // Nor under another company.
    await rawQuery(engine, "UPDATE billsby_accounts SET company_domain = 'evil' WHERE account_id = $1", [
      accountId,
    ]);
    expect(await log.getBillsbyAccount(accountId)).toMatchObject({ credentials: null, checkedAt: null });
  });

  test('a key sealed with a payload key no longer configured reads as no credentials', async () => {
    const accountId = uniqueAccount('rotated');
    const oldKey = testKey('bb-old');
    const before = await engine.open({ keys: [oldKey] });
    await before.activateAccount(accountId);
    await before.putBillsbyCredentials(accountId, { companyDomain: 'acme', apiKey: KEY }, T1);
    const rotated = await engine.open({ keys: [testKey('bb-new'), oldKey] });
    expect((await rotated.getBillsbyAccount(accountId))?.credentials).toEqual({
      companyDomain: 'acme',
      apiKey: KEY,
    });
    const oldGone = await engine.open({ keys: [testKey('bb-new')] });
    await oldGone.markBillsbyRejected(accountId, 'fp-1', T2);
    expect(await oldGone.getBillsbyAccount(accountId)).toEqual({
      credentials: null,
      checkedAt: null,
      rejectedFingerprint: 'fp-1',
      rejectedAt: T2,
    });
  });

  test('the refusal mark: set (keeping own credentials), cleared, counted; a put clears it', async () => {
    const baseline = await log.countBillsbyRejected();
    const [one, two] = [await activeAccount(), await activeAccount()];
    await log.putBillsbyCredentials(one, { companyDomain: 'acme', apiKey: KEY }, T1);
    await log.markBillsbyRejected(one, 'fp-own', T2);
    expect(await log.getBillsbyAccount(one)).toEqual({
      credentials: { companyDomain: 'acme', apiKey: KEY },
      checkedAt: T1,
      rejectedFingerprint: 'fp-own',
      rejectedAt: T2,
    });
    // An account on the deployment's default credentials has a row for its mark only.
    await log.markBillsbyRejected(two, 'fp-default', T1);
    expect(await log.getBillsbyAccount(two)).toEqual({
      credentials: null,
      checkedAt: null,
      rejectedFingerprint: 'fp-default',
      rejectedAt: T1,
    });
    expect(await log.countBillsbyRejected()).toBe(baseline + 2);

    await log.clearBillsbyRejected(two);
    expect(await log.getBillsbyAccount(two)).toBeNull();
    expect(await log.countBillsbyRejected()).toBe(baseline + 1);

    await log.putBillsbyCredentials(one, { companyDomain: 'acme', apiKey: 'new-key' }, T2);
    expect(await log.getBillsbyAccount(one)).toMatchObject({ rejectedFingerprint: null, rejectedAt: null });
    expect(await log.countBillsbyRejected()).toBe(baseline);

    // clear keeps own credentials; delete removes the mark with them.
    await log.markBillsbyRejected(one, 'fp-2', T2);
    await log.clearBillsbyRejected(one);
    expect(await log.getBillsbyAccount(one)).toMatchObject({
      credentials: { companyDomain: 'acme', apiKey: 'new-key' },
      rejectedFingerprint: null,
    });
    await log.markBillsbyRejected(one, 'fp-3', T2);
    await log.deleteBillsbyCredentials(one);
    expect(await log.getBillsbyAccount(one)).toBeNull();
    expect(await log.countBillsbyRejected()).toBe(baseline);
  });

  test('an uninstall keeps credentials and mark for a re-integration; the count skips it meanwhile', async () => {
    const accountId = await activeAccount();
    await log.putBillsbyCredentials(accountId, { companyDomain: 'acme', apiKey: KEY }, T1);
    await log.markBillsbyRejected(accountId, 'fp', T2);
    const marked = await log.countBillsbyRejected();
    await log.closeAccount(accountId);
    expect(await log.countBillsbyRejected()).toBe(marked - 1);
    await log.activateAccount(accountId);
    expect(await log.countBillsbyRejected()).toBe(marked);
    expect(await log.getBillsbyAccount(accountId)).toMatchObject({
      credentials: { companyDomain: 'acme', apiKey: KEY },
      rejectedFingerprint: 'fp',
    });
  });
});
