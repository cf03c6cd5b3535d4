import type { GpuAdapterFacts } from './gpu-adapter';
import type { SwitchDecision } from './switch-decision';

/**
 * Which backend served what, and how the preferred one came up.
 *
 * @example
 * ```ts
 * const { served, switchedAtFrame, preferredWarmupMs } = progressive.stats();
 * ```
 */
export interface ProgressiveStats {
  /** The backend names asked for: the preferred one(s) and the quick fallback. */
  readonly preferred: string;
  readonly fallback: string;
  /** The backend serving the next frame (the runner's actual backend). */
  readonly serving: string;
  /** Frames served per backend (actual runner backends, e.g. `{ wasm: 12, webgpu: 88 }`). */
  readonly served: Readonly<Record<string, number>>;
  /** Frames asked for so far. */
  readonly frames: number;
  /** The index of the first frame the preferred backend served (null until then). */
  readonly switchedAtFrame: number | null;
  /** When that frame was asked for, in ms since creation began (null until then). */
  readonly switchedAtMs: number | null;
  /** Creation time of each pipeline in ms (null while loading or after a failure). */
  readonly fallbackLoadMs: number | null;
  readonly preferredLoadMs: number | null;
  /** The preferred backend's first (shader-compiling) run on a copy of a real frame, in ms. */
  readonly preferredWarmupMs: number | null;
  /** Why the preferred backend is not used (no WebGPU, a crash), or null. */
  readonly preferredFailure: string | null;
  /** The preferred worker's WebGPU adapter (software or not), or null off WebGPU / before it loaded. */
  readonly preferredAdapter: GpuAdapterFacts | null;
  /** Whether it switched to the preferred backend or kept the fallback, why, and the speeds measured (null until decided). */
  readonly switch: SwitchDecision | null;
}
