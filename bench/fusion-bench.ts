/**
 * Load-time graph rewrites (`fuseConvolutions`, `pointwiseTransposedConvolutions`): each graph
 * model of the catalogue that has unfused conv → bias add (→ activation) chains or transposed
 * convolutions the rewrite takes (the palm detector's two), run alone on one
 * seeded input as converted and as the runner loads it (fused, its non-overlapping transposed
 * convolutions as 1×1 ones), interleaved call by call (`execute` + download of every output),
 * outputs compared.
 */
import * as tf from '@tensorflow/tfjs';
import { HANDLANDMARK_FULL, HANDLANDMARK_LITE, PALM_DETECTOR } from '../src/models/hand-cards';
import { FACERES } from '../src/models/face-embedding-cards';
import { MEET_SEGMENTATION, SELFIE_SEGMENTATION } from '../src/models/segmentation-cards';
import type { ModelSpec } from '../src/models/model-spec';
import { resolveModelLocation } from '../src/models/catalog';
import { createTfjsRunner } from '../src/runtime/tfjs-runner';
import { fuseConvolutions } from '../src/runtime/graph-fusion';
import { pointwiseTransposedConvolutions } from '../src/runtime/graph-transposed-conv';
import { loadTfjsArtifacts } from '../src/runtime/tfjs-artifacts';
import { graphAsConverted } from './converted-graph';
import type { Section } from './report';
import { type Competitor, type Plan, compare } from './timing';

/** Seeded values in [0, 1) (an LCG), so that a run reproduces. */
function seeded(n: number): Float32Array {
  let s = 12345;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

async function section(spec: ModelSpec, plan: Plan): Promise<Section> {
  const converted = await graphAsConverted(spec);
  const fused = await createTfjsRunner(resolveModelLocation(spec), { backend: 'wasm' });
  const { artifacts: pointwise, rewritten } = pointwiseTransposedConvolutions((await loadTfjsArtifacts(resolveModelLocation(spec))).artifacts);
  const { report } = fuseConvolutions(pointwise);
  const shape = converted.model.inputs[0].shape!.map((d) => (d === null || d < 0 ? 1 : d));
  const input = tf.tensor(seeded(shape.reduce((a, b) => a * b, 1)), shape);
  const outputsOf = async (graph: tf.GraphModel): Promise<Float32Array[]> => {
    const out = graph.execute(input);
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
    tf.dispose(list);
    return values;
  };
  const run = (name: string, graph: tf.GraphModel): Competitor => ({ name, fn: async () => void (await outputsOf(graph)) });
  try {
    const [a, b] = [await outputsOf(converted.model), await outputsOf(fused.tfModel as tf.GraphModel)];
    let worst = 0;
    let largest = 0;
    a.forEach((values, k) => values.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - b[k][i]));
      largest = Math.max(largest, Math.abs(v));
    }));
    const rows = await compare([run('as loaded (fused, rewritten)', fused.tfModel as tf.GraphModel), run('as converted', converted.model)], plan, 'as converted');
    return {
      id: `fusion-${spec.id}`,
      title: `12. ${spec.id} (wasm), [${shape.join(',')}] seeded input: ${report.biases} convolutions fused with their bias, ${report.activations} with their activation, ${rewritten} transposed convolution(s) as 1×1`,
      reference: 'as converted',
      rows,
      summary: { 'as loaded / as converted (paired)': rows[0].ratio, 'max |as loaded − as converted|': worst.toExponential(2), 'largest output value': largest.toFixed(2) },
    };
  } finally {
    input.dispose();
    converted.runner.dispose();
    fused.dispose();
  }
}

/** The `--only=fusion` sections of `npm run bench`. */
export async function fusionSections(quick: boolean): Promise<Section[]> {
  const plan: Plan = quick ? { warmup: 2, rounds: 6, perRound: 1 } : { warmup: 5, rounds: 60, perRound: 1 };
  const sections: Section[] = [];
  for (const spec of [SELFIE_SEGMENTATION, MEET_SEGMENTATION, PALM_DETECTOR, HANDLANDMARK_LITE, HANDLANDMARK_FULL, FACERES]) sections.push(await section(spec, plan));
  return sections;
}
