// Bundles for the realtime tests and the realtime benchmark, built with esbuild (a few
// seconds) when src/ is newer than the output:
// - dist/rt/realtime.js + dist/rt/worker.js: self-contained browser bundles (tfjs included:
//   module workers do not see a page's import map, so the worker must be bundled, as an
//   app's bundler would do);
// - .cache/realtime/node-worker.mjs: the worker_threads script (packages stay external).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../browser/server';
import { newestMtime } from '../helpers/build-dist';

function stale(outputs: string[], inputs: number): boolean {
  return outputs.some((o) => !existsSync(o) || statSync(o).mtimeMs < inputs);
}

const BUILD_FILE = join(REPO_ROOT, 'test/realtime/build.ts');
const NODE_STUB = join(REPO_ROOT, 'test/browser/pages/node-stub.js');

/** dist/rt/realtime.js and dist/rt/worker.js (browser, everything bundled). */
export async function ensureBrowserBundles(): Promise<void> {
  const outdir = join(REPO_ROOT, 'dist/rt');
  const inputs = Math.max(newestMtime(join(REPO_ROOT, 'src')), statSync(join(REPO_ROOT, 'test/realtime/pages/bundle-entry.ts')).mtimeMs, statSync(join(REPO_ROOT, 'test/realtime/pages/closing-worker.ts')).mtimeMs, statSync(BUILD_FILE).mtimeMs);
  if (!stale([join(outdir, 'realtime.js'), join(outdir, 'worker.js'), join(outdir, 'closing-worker.js')], inputs)) return;
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { realtime: 'test/realtime/pages/bundle-entry.ts', worker: 'src/worker-entry.ts', 'closing-worker': 'test/realtime/pages/closing-worker.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: false,
    logLevel: 'error',
    // tfjs-backend-wasm's ESM build imports Node built-ins it only uses in Node
    alias: { fs: NODE_STUB, path: NODE_STUB, os: NODE_STUB, perf_hooks: NODE_STUB, worker_threads: NODE_STUB, crypto: NODE_STUB },
    external: ['node:*', 'onnxruntime-web', 'onnxruntime-node', 'sharp'],
  });
}

/** .cache/realtime/node-worker.mjs (Node, packages external). */
export async function ensureNodeWorker(): Promise<string> {
  const out = join(REPO_ROOT, '.cache/realtime/node-worker.mjs');
  if (stale([out], Math.max(newestMtime(join(REPO_ROOT, 'src')), statSync(BUILD_FILE).mtimeMs))) {
    await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: ['src/node/worker-thread-entry.ts'],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
  }
  return out;
}
