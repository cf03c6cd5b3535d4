/**
 * The raw model "as converted" for the pipeline benches: a card's model file loaded by tfjs
 * exactly as it is (`fuseConvolutions: false`), which is what a developer running the model
 * file with tfjs — or a peer such as `@vladmandic/human` — executes. The pipelines run the same
 * weights with their convolutions fused at load (and a transposed convolution whose kernel
 * equals its stride run as a 1×1 one); the benches time raw against both graphs.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../src/models/model-spec';
import { resolveModelLocation } from '../src/models/catalog';
import { type TfjsRunner, createTfjsRunner } from '../src/runtime/tfjs-runner';

/** A card's graph model as converted, with the runner to dispose. */
export async function graphAsConverted(spec: ModelSpec): Promise<{ model: tf.GraphModel; runner: TfjsRunner }> {
  const runner = await createTfjsRunner(resolveModelLocation(spec), { backend: 'wasm', fuseConvolutions: false });
  return { model: runner.tfModel as tf.GraphModel, runner };
}

/** The note the benches print about the two raw rows. */
export const CONVERTED_NOTE =
  'raw as converted: the model file loaded by tfjs as it is (what running the file yourself, or the peer, executes); raw fused: the graph the pipeline runs — the same weights with each convolution\'s bias add and activation fused at load (fuseConvolutions) and any transposed convolution whose kernel equals its stride run as a 1×1 one (pointwiseTransposedConvolutions) — so pipeline / raw fused is the pipeline\'s own work';
