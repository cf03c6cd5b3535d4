// Shapes of what `window.soak` (pages/soak.js) returns, as the Node-side soak test sees them.
import type { Timing } from '../../src/core/types';
import type { ModelSpec } from '../../src/models/model-spec';
import type { WorkerMemory } from '../../src/worker/index';

/** A failure as plain data. */
export interface SoakError {
  code: string | null;
  message: string;
  isVisionError: boolean;
}

/** What `soak.run(count)` reports about `count` frames. */
export interface SoakRun {
  frames: number;
  /** Wall time in the page for all frames. */
  ms: number;
  /** Mean per-frame stage timings reported by the pipeline in the worker. */
  timing: Timing;
  /** Each distinct result (labels, boxes to 0.1 px, scores to 0.001) with how many frames gave it. */
  fingerprints: [string, number][];
  errors: SoakError[];
  errorCount: number;
  /** Frames whose ImageBitmap was still usable after the call (cloned, not transferred). */
  notDetached: number;
}

/** The harness `window.soak` exposes. */
export interface SoakHarness {
  prepare(url: string, width: number, height: number): Promise<{ width: number; height: number }>;
  prepareCells(side: number, grid: number, cells: { column: number; row: number; grey: number }[]): Promise<{ width: number; height: number }>;
  create(backend: 'webgpu' | 'wasm', model: 'blazeface-128' | ModelSpec): Promise<{ backend: string; ms: number }>;
  run(count: number): Promise<SoakRun>;
  memory(): Promise<WorkerMemory>;
  dispose(): void;
}
