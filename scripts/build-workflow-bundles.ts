/**
 * `npm run build`: each task queue's workflow bundle, prebuilt into dist/workflows/ with a manifest
 * of the sources it was built from (workers/workflow-bundles.ts). The worker uses a bundle only
 * while every one of those sources is unchanged; the Dockerfile runs this.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BUNDLE_DIR,
  MANIFEST_PATH,
  QUEUE_NAMES,
  bundleQueue,
  bundleSources,
  type BundleManifest,
} from '../workers/workflow-bundles';

async function main(): Promise<void> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const bundles = {} as BundleManifest['bundles'];
  for (const queue of QUEUE_NAMES) {
    const started = Date.now();
    const code = await bundleQueue(queue);
    const file = `${queue}.js`;
    writeFileSync(path.join(BUNDLE_DIR, file), code);
    bundles[queue] = { file, sources: bundleSources(code) };
    const files = Object.keys(bundles[queue].sources).length;
    const kib = Math.round(Buffer.byteLength(code) / 1024);
    console.log(
      `[build] ${queue} workflows: ${file}, ${kib} KiB from ${files} files, ${Date.now() - started} ms`,
    );
  }
  const manifest: BundleManifest = { builtAt: new Date().toISOString(), bundles };
  writeFileSync(MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`[build] manifest: ${path.relative(process.cwd(), MANIFEST_PATH)}`);
}

main().catch((err) => {
  console.error(`[build] failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
