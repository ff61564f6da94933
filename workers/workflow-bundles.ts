/**
 * Each task queue's workflow bundle: prebuilt by `npm run build` (scripts/build-workflow-bundles.ts)
 * into dist/workflows/, or bundled at start-up (the development path).
 *
 * A prebuilt bundle never runs stale: the manifest records a hash of every source file the bundle
 * was built from (the bundle's own source map lists them: our workflow code and the SDK's), and a
 * worker re-hashes them before using it. On a mismatch a production worker (NODE_ENV=production)
 * refuses to start; elsewhere it says so and bundles at start-up instead. Without a manifest the
 * worker bundles at start-up.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { productLogger } from '../logging';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';
import { PROJECT_ROOT } from '../temporal/paths';

export type QueueName = 'webex' | 'bill';
export const QUEUE_NAMES: readonly QueueName[] = ['webex', 'bill'];

/** Each queue's workflow types (bundle entries). */
export const QUEUE_WORKFLOWS_PATHS: Record<QueueName, string> = {
  webex: require.resolve('../workflows/webex-queue'),
  bill: require.resolve('../workflows/bill-queue'),
};

export const BUNDLE_DIR = path.join(PROJECT_ROOT, 'dist', 'workflows');
export const MANIFEST_PATH = path.join(BUNDLE_DIR, 'manifest.json');

export interface BundleManifest {
  builtAt: string;
  bundles: Record<QueueName, { file: string; sources: Record<string, string> }>;
}

type Log = (level: 'info' | 'warn', message: string) => void;

/** The bundler options of one queue: its workflows, and the failure converter they encode with. */
export function queueBundleOptions(queue: QueueName) {
  return {
    workflowsPath: QUEUE_WORKFLOWS_PATHS[queue],
    failureConverterPath: FAILURE_CONVERTER_PATH,
    // Refuses arguments nobody encrypted (workflows/refuse-unencrypted.ts).
    workflowInterceptorModules: [require.resolve('../workflows/refuse-unencrypted')],
  };
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The project files a bundle was built from (its source map's sources), with their hashes. */
export function bundleSources(code: string): Record<string, string> {
  const map = /\/\/# sourceMappingURL=data:application\/json;[^,]*base64,(\S+)\s*$/.exec(code);
  if (!map) throw new Error('the workflow bundle has no inline source map to list its sources');
  const { sources } = JSON.parse(Buffer.from(map[1]!, 'base64').toString('utf8')) as { sources: string[] };
  const out: Record<string, string> = {};
  for (const source of sources) {
    // Absolute paths are files; webpack's own runtime modules and the generated entry are not.
    if (!path.isAbsolute(source) || !existsSync(source)) continue;
    out[path.relative(PROJECT_ROOT, source)] = sha256(readFileSync(source));
  }
  return out;
}

/** The first recorded source that is missing or changed, or undefined when all match. */
export function staleSource(sources: Record<string, string>): string | undefined {
  for (const [file, hash] of Object.entries(sources)) {
    const at = path.join(PROJECT_ROOT, file);
    if (!existsSync(at) || sha256(readFileSync(at)) !== hash) return file;
  }
  return undefined;
}

export function readManifest(dir = BUNDLE_DIR): BundleManifest | undefined {
  const at = path.join(dir, 'manifest.json');
  if (!existsSync(at)) return undefined;
  return JSON.parse(readFileSync(at, 'utf8')) as BundleManifest;
}

/**
 * The queue's prebuilt bundle if it matches the sources, else a bundle built now (see above).
 * `production` (default: NODE_ENV=production) turns a stale prebuilt bundle into an error;
 * `prebuilt: false` ignores prebuilt bundles (measurements); `dir` is where they are (tests).
 */
export async function loadWorkflowBundle(
  queue: QueueName,
  log: Log,
  opts: { prebuilt?: boolean; production?: boolean; dir?: string } = {},
): Promise<NonNullable<WorkerOptions['workflowBundle']>> {
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const dir = opts.dir ?? BUNDLE_DIR;
  const entry = opts.prebuilt === false ? undefined : readManifest(dir)?.bundles[queue];
  if (entry) {
    const codePath = path.join(dir, entry.file);
    const changed = existsSync(codePath) ? staleSource(entry.sources) : entry.file;
    if (!changed) return { codePath };
    const why = `the prebuilt ${queue} workflow bundle (${path.relative(PROJECT_ROOT, codePath)}) is stale: ${changed} changed since npm run build`;
    if (production) throw new Error(`${why}; rebuild the image (npm run build) before starting the worker`);
    log('warn', `${why}; bundling the workflows at start-up instead`);
  } else if (opts.prebuilt !== false) {
    log('info', `no prebuilt ${queue} workflow bundle (npm run build); bundling the workflows at start-up`);
  }
  return { code: await bundleQueue(queue) };
}

export async function bundleQueue(queue: QueueName): Promise<string> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  return (await bundleWorkflowCode({ ...queueBundleOptions(queue), logger: quietBundlerLogger })).code;
}

export const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    productLogger('bundler').warn(message);
  },
  error(message: string) {
    productLogger('bundler').error(message);
  },
};
