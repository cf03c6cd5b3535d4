/**
 * `tf.grad` for the explain methods: with the gradients tfjs lacks that graph models need
 * (`StridedSlice`), and a `VisionError` — not a raw error that leaves the tape's saved tensors
 * allocated — when the model runs an op tfjs cannot differentiate.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { useStridedSliceGradient } from './strided-slice-gradient';

/** The part of tfjs' engine state that holds the gradient tape (not in its typings). */
interface TapeState {
  activeTape: Array<{ saved?: tf.Tensor[] }> | null;
  gradientDepth: number;
}

/**
 * Frees the tensors tfjs kept for a backward pass that threw: tfjs frees them only when the
 * backward pass completes.
 */
function disposeAbandonedTape(): void {
  const state = (tf.engine() as unknown as { state: TapeState }).state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
  state.activeTape = null;
}

/**
 * `∂f/∂x` (as `tf.grad(f)(x)`). `cannot` completes the message when the model runs an op
 * without a gradient in tfjs.
 *
 * @throws VisionError `INVALID_OPTION` naming the op tfjs cannot differentiate; nothing is left allocated.
 * @example
 * ```ts
 * const g = gradientOf((x) => score(x), image, "use method 'occlusion'");
 * ```
 */
export function gradientOf(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, cannot: string): tf.Tensor {
  useStridedSliceGradient();
  try {
    return tf.grad(f)(x);
  } catch (error) {
    disposeAbandonedTape();
    const op = /gradient function not found for (\w+)/.exec(error instanceof Error ? error.message : '')?.[1];
    if (op) throw new VisionError('INVALID_OPTION', `the model runs ${op}, which tfjs cannot differentiate; ${cannot}`);
    throw error;
  }
}
