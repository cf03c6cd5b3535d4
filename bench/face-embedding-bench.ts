/**
 * Face embedding (BlazeFace full-range → FaceRes, tfjs wasm): visionpipe's pipeline against the
 * raw models on ready inputs — the detector's `execute` on a [1,256,256,3] tensor plus the
 * download of its outputs, then FaceRes's `execute` on a ready [N,224,224,3]
 * batch (N = the faces the pipeline finds, one batched call as the pipeline makes) plus the
 * download of embedding, age and gender. Paired call by call. The target is
 * visionpipe / raw ≤ 1.03.
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { Timing } from '../src/node/index';
import { type FaceEmbeddingPipeline, createFaceEmbeddingPipeline } from '../src/pipelines/face-embedding/face-embedding-pipeline';
import type { TfjsRunner } from '../src/runtime/tfjs-runner';
import { frames } from './face-bench';
import type { Section } from './report';
import { type Competitor, type Plan, compare, median, pairedRatio } from './timing';
import { CONVERTED_NOTE, graphAsConverted } from './converted-graph';

const graph = (runner: unknown): tf.GraphModel => (runner as TfjsRunner).tfModel as tf.GraphModel;

async function section(describer: FaceEmbeddingPipeline, frame: tf.Tensor3D, plan: Plan): Promise<Section> {
  const detector = graph(describer.detector.runner);
  const descriptor = graph(describer.runner);
  const converted = await graphAsConverted(describer.faceSpec);
  // the outputs the pipeline's runner call reads: the card's, or all of the model's
  const detectorOutputs = describer.detector.spec.outputs ?? detector.outputNodes;
  const { embeddingOutput, ageOutput, genderOutput } = describer.faceSpec.faceEmbedding;
  const descriptorOutputs = [embeddingOutput, ageOutput, genderOutput].filter((n): n is string => n !== undefined);
  const faces = (await describer.run(frame)).faces.length;
  const { width, height } = describer.detector.spec.input;
  const detectorInput = tf.zeros([1, height, width, 3]);
  const batch = tf.zeros([faces, describer.faceSpec.input.height, describer.faceSpec.input.width, 3]);
  const download = async (out: tf.Tensor | tf.Tensor[]): Promise<void> => {
    const list = Array.isArray(out) ? out : [out];
    await Promise.all(list.map((t) => t.data()));
    tf.dispose(list);
  };
  // BlazeFace's convolutions arrive fused: its graph as converted is the pipeline's
  const rawWith = (name: string, faceRes: tf.GraphModel): Competitor => ({
    name,
    fn: async () => {
      await download(detector.execute(detectorInput, detectorOutputs));
      await download(faceRes.execute(batch, descriptorOutputs));
    },
  });
  const raw = rawWith(`raw as converted: detector + FaceRes on ${faces} faces`, converted.model);
  const rawFused = rawWith(`raw fused: detector + FaceRes on ${faces} faces`, descriptor);
  const timings: Timing[] = [];
  const run: Competitor = { name: 'visionpipe run', fn: async () => timings.push((await describer.run(frame)).timing) };
  const before = tf.memory().numTensors;
  const paired = await compare([run, rawFused, raw], plan, raw.name);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([detectorInput, batch]);
  converted.runner.dispose();
  const own = pairedRatio(paired[0], paired[1]);
  const [w, h] = [frame.shape[1], frame.shape[0]];
  return {
    id: `face-embedding-${w}x${h}`,
    title: `9e. Face embedding: BlazeFace → FaceRes (wasm), ${w}×${h} int32 tf.Tensor3D frame, ${faces} faces`,
    reference: 'raw',
    rows: paired,
    summary: {
      'visionpipe run / raw as converted (paired)': paired[0].ratio,
      'raw fused / raw as converted (load-time fusion)': paired[1].ratio,
      'own work: visionpipe run / raw fused (paired)': own,
      'within-call total / inference': median(timings.map((t) => t.total / t.inference)),
      'ms outside inference per call': median(timings.map((t) => t.total - t.inference)),
      'load average (1 min) at the end': loadavg()[0].toFixed(1),
      'target visionpipe / raw as converted <= 1.03 (paired wall clock)': paired[0].ratio <= 1.03 ? 'MET' : 'NOT MET',
      'own work: visionpipe / raw fused <= 1.03': own <= 1.03 ? 'MET' : 'NOT MET',
    },
    notes: [
      `raw: execute on ready zero tensors ([1,${height},${width},3] for the detector, [${faces},224,224,3] for FaceRes) + await data() of the outputs the pipeline reads`,
      'visionpipe: the frame to a tensor, the detector input letterboxed, SSD decode + weighted NMS, each face crop turned level (eyes) and resized, one batched FaceRes call, L2-normalised embeddings, age and gender decoded',
      'within-call: result.timing.total / timing.inference (inference = the detector and FaceRes runner calls: execute + download)',
      CONVERTED_NOTE,
      ...(leaked !== 0 ? [`tensor count changed by ${leaked} during timing`] : []),
    ],
  };
}

/**
 * Face embedding at 640×427 and 1920×1280 (face-api sample1, 3 faces).
 *
 * @example
 * ```ts
 * emit(await faceEmbeddingSections(false));
 * ```
 */
export async function faceEmbeddingSections(quick: boolean): Promise<Section[]> {
  const describer = await createFaceEmbeddingPipeline({ backend: 'wasm' });
  const { small, large } = await frames();
  const plan: Plan = quick ? { warmup: 2, rounds: 6, perRound: 1 } : { warmup: 4, rounds: 30, perRound: 1 };
  try {
    return [await section(describer, small, plan), await section(describer, large, plan)];
  } finally {
    tf.dispose([small, large]);
    describer.dispose();
  }
}
