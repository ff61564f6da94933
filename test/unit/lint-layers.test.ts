import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The layer order of docs/architecture.md, enforced by the repository's own ESLint config: a file in
 * domain/ or connectors/ that imports a layer above it fails `npm run lint` (so `npm test`).
 * Probe files are written beside the real code for the duration of one lint, then removed.
 */
const ROOT = path.join(__dirname, '..', '..');

const PROBES = {
  connectorsAbove: {
    folder: 'connectors/bill',
    source: [
      "import type { BillFailure } from '../../temporal/failures';",
      "import type { WebexActivities } from '../../activities/webex';",
      "import type { EventLog } from '../../eventlog/types';",
      "import { ApplicationFailure } from '@temporalio/common';",
      'export type Probe = [BillFailure, WebexActivities, EventLog, typeof ApplicationFailure];',
    ],
  },
  domainAbove: {
    folder: 'domain/engagement',
    source: [
      "import type { BillClient } from '../../connectors/bill';",
      "import type { AppConfig } from '../../config/env';",
      'export type Probe = [BillClient, AppConfig];',
    ],
  },
  connectorsBelow: {
    folder: 'connectors/bill',
    source: [
      "import type { EngagementReason } from '../../domain/engagement';",
      "import type { BillApiError } from './errors';",
      'export type Probe = [EngagementReason, BillApiError];',
    ],
  },
};

/** The imports ESLint refuses in each probe. Lints every probe in one ESLint run (the config is ESM: it loads in a process of its own, not in Jest). */
function lintProbes(): Record<keyof typeof PROBES, string[]> {
  const files = Object.entries(PROBES).map(([name, probe]) => {
    const file = path.join(ROOT, probe.folder, `layer-probe-${name}-${process.pid}.ts`);
    writeFileSync(file, `${probe.source.join('\n')}\n`);
    return [name, file] as const;
  });
  try {
    const run = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
        '--format',
        'json',
        ...files.map(([, f]) => f),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const results = JSON.parse(run.stdout) as {
      filePath: string;
      messages: { ruleId: string; message: string }[];
    }[];
    return Object.fromEntries(
      files.map(([name, file]) => [
        name,
        results
          .find((r) => r.filePath === file)!
          .messages.filter((m) => m.ruleId === 'no-restricted-imports')
          .map((m) => /^'([^']+)'/.exec(m.message)?.[1] ?? m.message)
          .filter((source, i, all) => all.indexOf(source) === i),
      ]),
    ) as Record<keyof typeof PROBES, string[]>;
  } finally {
    for (const [, file] of files) rmSync(file, { force: true });
  }
}

describe('layer order (eslint.config.mjs)', () => {
  let messages: Record<keyof typeof PROBES, string[]>;
  beforeAll(() => {
    messages = lintProbes();
  }, 120_000);

  it('connectors/ may not import Temporal, activities or the event log', () => {
    expect(messages.connectorsAbove).toEqual([
      '../../temporal/failures',
      '../../activities/webex',
      '../../eventlog/types',
      '@temporalio/common',
    ]);
  });

  it('domain/ may not import connectors or anything above', () => {
    expect(messages.domainAbove).toEqual(['../../connectors/bill', '../../config/env']);
  });

  it('imports within the layer and below it pass', () => {
    expect(messages.connectorsBelow).toEqual([]);
  });
});
