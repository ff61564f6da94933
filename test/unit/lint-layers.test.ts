import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layer order of docs/architecture.md, enforced by the repository's own ESLint config: a file in
 * domain/ or connectors/ that imports a layer above it fails `npm run lint` (so `npm test`).
 * The probes are linted in memory under a path beside the real code (ESLint's `lintText`), never
 * written: a file appearing in a source folder would break whatever else reads the tree in the same
 * run (the compiled-image test's tsc, the workflow bundler).
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

/**
 * The imports ESLint refuses in each probe. One ESLint run for all probes (the config is ESM: it loads
 * in a process of its own, not in Jest). Only the layer rule runs and without type information: a
 * probe is in no tsconfig project, and the rule needs none.
 */
function lintProbes(): Record<keyof typeof PROBES, string[]> {
  const probes = Object.entries(PROBES).map(([name, probe]) => ({
    name,
    filePath: path.join(ROOT, probe.folder, `layer-probe-${name}.ts`),
    code: `${probe.source.join('\n')}\n`,
  }));
  const script = `
    import { ESLint } from 'eslint';
    const probes = JSON.parse(process.argv[1]);
    const eslint = new ESLint({
      cwd: ${JSON.stringify(ROOT)},
      overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    });
    const out = {};
    for (const p of probes) {
      const [result] = await eslint.lintText(p.code, { filePath: p.filePath });
      out[p.name] = result.messages;
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(probes)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  const results = JSON.parse(run.stdout) as Record<string, { ruleId: string | null; message: string }[]>;
  return Object.fromEntries(
    probes.map(({ name }) => {
      const fatal = results[name]!.find((m) => m.ruleId === null);
      if (fatal) throw new Error(`probe ${name} did not parse: ${fatal.message}`);
      return [
        name,
        results[name]!.filter((m) => m.ruleId === 'no-restricted-imports')
          .map((m) => /^'([^']+)'/.exec(m.message)?.[1] ?? m.message)
          .filter((source, i, all) => all.indexOf(source) === i),
      ];
    }),
  ) as Record<keyof typeof PROBES, string[]>;
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
