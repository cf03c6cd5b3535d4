import { defineConfig } from 'vitest/config';
import { DurationSequencer } from './test/setup/duration-sequencer.ts';

/**
 * Files that get a fresh process each: those that drive headless Chromium or the demo server
 * (their servers, browsers and fake cameras are per file), one that grows tfjs' wasm memory past
 * 2 GiB (it never shrinks), those that replace a module
 * (`vi.mock` of `node:fs` through test/helpers/fs-faults.ts), which a shared module cache would
 * leak into the next file, and one that starts tfjs' wasm backend from a folder of its own
 * (tfjs takes the folder only before the backend's first start in a process).
 */
const ISOLATED = [
  'test/**/*.browser.test.ts',
  'test/demos/**/*.test.ts',
  'test/cli/embed-atomic.test.ts',
  'test/embeddings/similarity-index-file.test.ts',
  'test/node/atomic-write.test.ts',
  'test/training/classifier-folder-atomic.test.ts',
  'test/runtime/wasm-paths.test.ts',
  'test/runtime/wasm-high-memory.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // longest files first (recorded durations), so both workers end together
    sequence: { sequencer: DurationSequencer },
    projects: [
      // Every other file shares its worker process with the files before it: each one sets up
      // and frees what it uses (tfjs backends are selected per file, tensor counts are compared
      // within a test), and loading tfjs, onnxruntime and the SDK once per worker instead of
      // once per file saves about 100 s of a CI run.
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});
