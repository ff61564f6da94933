import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventLog } from '../../eventlog/types';
import { engines, rawQuery } from './engines';

/** Engagement runs' documents (issue 22) on both engines: shared, sealed at rest, swept. */
describe.each(engines())('engagement documents on $name', (engine) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await engine.open();
  });
  afterAll(() => engine.closeAll());

  const EMAIL = 'finance.lead@acme-documents.example';
  const part = (n: number) => [{ rank: n, organization: { name: 'Acme', users: [{ email: EMAIL }] } }];

  test('put, get, list by prefix (sorted) and delete by prefix; another process sees them', async () => {
    const key = `bill-engagement-${engine.name}-1`;
    for (const i of [2, 0, 1]) await log.putEngagementDocument('part', `${key}/00000${i}`, part(i));
    await log.putEngagementDocument('part', `${key}x/000000`, part(9)); // another run sharing the prefix text
    expect(await log.listEngagementDocumentKeys('part', `${key}/`)).toEqual([
      `${key}/000000`,
      `${key}/000001`,
      `${key}/000002`,
    ]);
    const other = await engine.open();
    expect(await other.getEngagementDocument('part', `${key}/000001`)).toEqual(part(1));
    expect(await other.getEngagementDocument('report', key)).toBeNull();
    expect(await log.deleteEngagementDocuments('part', `${key}/`)).toBe(3);
    expect(await log.listEngagementDocumentKeys('part', `${key}/`)).toEqual([]);
    expect(await log.getEngagementDocument('part', `${key}x/000000`)).toEqual(part(9));
  });

  test('ifAbsent keeps the first write (a run’s snapshot and its baseline); otherwise the last wins', async () => {
    const key = `snapshot-${engine.name}`;
    expect(await log.putEngagementDocument('snapshot', key, { comparedWith: 'a' }, { ifAbsent: true })).toBe(
      true,
    );
    expect(await log.putEngagementDocument('snapshot', key, { comparedWith: 'b' }, { ifAbsent: true })).toBe(
      false,
    );
    expect(await log.getEngagementDocument('snapshot', key)).toEqual({ comparedWith: 'a' });
    await log.putEngagementDocument('latest', 'partner', { workflowId: 'one' });
    await log.putEngagementDocument('latest', 'partner', { workflowId: 'two' });
    expect(await log.getEngagementDocument('latest', 'partner')).toEqual({ workflowId: 'two' });
  });

  test('sealed at rest: no email in the table (or the SQLite files); a row moved to another key does not open', async () => {
    await log.putEngagementDocument('report', `sealed-${engine.name}`, { organizations: part(1) });
    const rows = await rawQuery(engine, 'SELECT * FROM engagement_documents');
    const stored = rows
      .flatMap((row) => Object.values(row))
      .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') + v.toString('utf8') : String(v)))
      .join('\n');
    expect(stored).toContain(`sealed-${engine.name}`); // keys are run ids, no secret
    expect(stored).not.toContain(EMAIL);
    if (engine.name === 'sqlite') {
      const dir = path.dirname(await engine.location());
      for (const file of readdirSync(dir))
        expect(readFileSync(path.join(dir, file)).includes(EMAIL)).toBe(false);
    }
    await rawQuery(
      engine,
      "UPDATE engagement_documents SET key = 'moved' WHERE kind = 'report' AND key = $1",
      [`sealed-${engine.name}`],
    );
    await expect(log.getEngagementDocument('report', 'moved')).rejects.toThrow();
    await rawQuery(engine, "DELETE FROM engagement_documents WHERE key = 'moved'");
  });

  test('the retention sweep deletes what was last written before its cutoff, in batches', async () => {
    for (let i = 0; i < 5; i++) await log.putEngagementDocument('part', `sweep-${engine.name}/${i}`, part(i));
    const before = await log.listEngagementDocumentKeys('part', `sweep-${engine.name}/`);
    expect(before).toHaveLength(5);
    expect(await log.sweepEngagementDocuments('2000-01-01T00:00:00Z', 100)).toBe(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    const all = (await rawQuery(engine, 'SELECT count(*) AS n FROM engagement_documents'))[0]!.n;
    expect(await log.sweepEngagementDocuments(future, 2)).toBe(2);
    expect(await log.sweepEngagementDocuments(future, 1_000)).toBe(Number(all) - 2);
    expect(await log.listEngagementDocumentKeys('part', '')).toEqual([]);
  });

  test('bad kinds and keys are refused before anything is stored', async () => {
    await expect(log.putEngagementDocument('secrets' as never, 'k', {})).rejects.toThrow(
      /kind must be one of/,
    );
    await expect(log.putEngagementDocument('part', '', {})).rejects.toThrow(/key must be/);
    await expect(log.getEngagementDocument('part', 'x'.repeat(401))).rejects.toThrow(/key must be/);
  });
});
