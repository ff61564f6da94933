/**
 * The prebuilt workflow bundles (workers/workflow-bundles.ts): a worker uses one only while every
 * source it was built from is unchanged; a stale one stops a production worker and is rebuilt at
 * start-up elsewhere. Each queue's bundle holds its own workflows only.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR, PROJECT_ROOT } from '../../temporal/paths';
import {
  bundleQueue,
  bundleSources,
  loadWorkflowBundle,
  type BundleManifest,
} from '../../workers/workflow-bundles';

let dir: string;
let source: string;
const lines: Array<[string, string]> = [];
const log = (level: string, message: string) => void lines.push([level, message]);

/** A bundle whose source map names one project file, and its manifest, in a temp folder. */
function prebuilt(content: string): string {
  writeFileSync(source, content);
  const map = Buffer.from(
    JSON.stringify({ version: 3, sources: [source, 'webpack/bootstrap'], mappings: '' }),
  );
  const code = `/* bundle */\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map.toString('base64')}`;
  writeFileSync(path.join(dir, 'webex.js'), code);
  const manifest: BundleManifest = {
    builtAt: new Date().toISOString(),
    bundles: {
      webex: { file: 'webex.js', sources: bundleSources(code) },
      bill: { file: 'bill.js', sources: {} },
    },
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return code;
}

beforeEach(() => {
  mkdirSync(DATA_DIR, { recursive: true });
  dir = mkdtempSync(path.join(DATA_DIR, 'bundle-test-')); // inside the project: sources are project files
  source = path.join(dir, 'workflow-source.ts');
  lines.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the manifest lists the project files in the bundle, relative to the project, with their hashes', () => {
  const sources = bundleSources(prebuilt('export const a = 1;'));
  expect(Object.keys(sources)).toEqual([path.relative(PROJECT_ROOT, source)]);
  expect(Object.values(sources)[0]).toMatch(/^[0-9a-f]{64}$/);
});

test('a prebuilt bundle whose sources are unchanged is used as it is', async () => {
  prebuilt('export const a = 1;');
  expect(await loadWorkflowBundle('webex', log, { dir, production: true })).toEqual({
    codePath: path.join(dir, 'webex.js'),
  });
  expect(lines).toEqual([]);
});

test('a stale prebuilt bundle stops a production worker, naming the changed file', async () => {
  prebuilt('export const a = 1;');
  writeFileSync(source, 'export const a = 2;');
  await expect(loadWorkflowBundle('webex', log, { dir, production: true })).rejects.toThrow(
    `is stale: ${path.relative(PROJECT_ROOT, source)} changed since npm run build; rebuild the image`,
  );
});

test('a missing bundle file counts as stale too', async () => {
  prebuilt('export const a = 1;');
  rmSync(path.join(dir, 'webex.js'));
  await expect(loadWorkflowBundle('webex', log, { dir, production: true })).rejects.toThrow(
    /is stale: webex\.js/,
  );
});

test('elsewhere a stale bundle is said and rebuilt at start-up, from the queue’s own workflows', async () => {
  prebuilt('export const a = 1;');
  writeFileSync(source, 'export const a = 2;');
  const bundle = await loadWorkflowBundle('webex', log, { dir, production: false });
  expect(lines).toEqual([['warn', expect.stringContaining('bundling the workflows at start-up instead')]]);
  expect(bundle).toHaveProperty('code');
  const names = Object.keys(bundleSources((bundle as { code: string }).code));
  expect(names).toContain('workflows/webex/integration.ts');
  expect(names.some((n) => n.startsWith('workflows/bill/'))).toBe(false);
});

test('the bill queue’s bundle holds the BILL workflows and none of Webex’s', async () => {
  const names = Object.keys(bundleSources(await bundleQueue('bill')));
  expect(names).toEqual(
    expect.arrayContaining(['workflows/bill/engagement.ts', 'workflows/bill/organization.ts']),
  );
  expect(names.some((n) => n.startsWith('workflows/webex/'))).toBe(false);
});
