import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventLog } from '../../eventlog/types';
import { importDiskReports } from '../../workers/import-disk-reports';
import { PayloadRetention } from '../../workers/payload-retention';
import { engines } from './engines';

const DAY_MS = 86_400_000;

describe.each(engines())(
  'engagement history on $name: the retention sweep and the one-time import',
  (engine) => {
    let log: EventLog;
    beforeAll(async () => {
      log = await engine.open();
    });
    afterAll(() => engine.closeAll());

    test('the worker’s sweep deletes runs’ documents after ENGAGEMENT_REPORT_RETENTION_DAYS, not before', async () => {
      await log.putEngagementDocument('report', `kept-${engine.name}`, { organizations: [] });
      const retention = new PayloadRetention(log, { retentionDays: 30, engagementRetentionDays: 90 });
      await retention.runOnce(new Date(Date.now() + 89 * DAY_MS));
      expect(await log.getEngagementDocument('report', `kept-${engine.name}`)).not.toBeNull();
      await retention.runOnce(new Date(Date.now() + 91 * DAY_MS));
      expect(await log.getEngagementDocument('report', `kept-${engine.name}`)).toBeNull();
    });

    test('snapshots and latest-run pointers a worker kept on disk are imported once, then the folder is set aside', async () => {
      const reportsDir = mkdtempSync(path.join(tmpdir(), 'disk-reports-'));
      const runs = path.join(reportsDir, 'runs');
      mkdirSync(runs);
      const workflowId = `bill-engagement-2026-11-01T00:00:00.000Z-${engine.name}`;
      const snapshot = {
        workflowId,
        generatedAt: '2026-11-01T00:05:00.000Z',
        asOf: '2026-11-01T00:00:00.000Z',
        organizations: {},
        comparedWith: null,
      };
      // File names as the disk store wrote them: ids with `:` made portable.
      writeFileSync(
        path.join(runs, `${workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`),
        JSON.stringify(snapshot),
      );
      writeFileSync(path.join(runs, `latest-partner${engine.name}.json`), JSON.stringify({ workflowId }));
      expect(await importDiskReports(log, reportsDir)).toEqual({ snapshots: 1, latest: 1 });
      expect(await log.getEngagementDocument('snapshot', workflowId)).toEqual(snapshot);
      expect(await log.getEngagementDocument('latest', `partner${engine.name}`)).toEqual({ workflowId });
      expect(existsSync(runs)).toBe(false);
      expect(existsSync(`${runs}.imported`)).toBe(true);
      expect(await importDiskReports(log, reportsDir)).toEqual({ snapshots: 0, latest: 0 });
    });
  },
);
