/**
 * Face landmarks (BlazeFace short range → FaceMesh, tfjs wasm): visionpipe's pipeline (`run`
 * and `runForVideo`) against the raw models on ready inputs — the detector's `execute` on a
 * [1,128,128,3] tensor plus the download of its output, then FaceMesh's `execute` on a
 * [1,192,192,3] tensor plus downloads once per face found (video mode: FaceMesh only, as the
 * pipeline then skips the detector). Paired: one pipeline mode and its raw chain alternating
 * call by call. The target is visionpipe / raw ≤ 1.03.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { decodeImageFile } from '../src/node/index';
import { type FaceLandmarksPipeline, createFaceLandmarksPipeline } from '../src/pipelines/face/face-pipeline';
import type { TfjsRunner } from '../src/runtime/tfjs-runner';
import type { Section } from './report';
import { type Competitor, type Plan, compare } from './timing';

const require = createRequire(import.meta.url);

function packageFile(pkg: string, path: string): string {
  for (const folder of require.resolve.paths(pkg) ?? []) {
    if (existsSync(join(folder, pkg, 'package.json'))) return join(folder, pkg, path);
  }
  throw new Error(`package ${pkg} is not installed`);
}

/** face-api sample1.jpg (1920×1280, 3 faces) and a 640×427 resize of it. */
async function frames(): Promise<{ small: tf.Tensor3D; large: tf.Tensor3D }> {
  const photo = await decodeImageFile(packageFile('@vladmandic/face-api', 'demo/sample1.jpg'));
  const large = tf.tensor3d(Int32Array.from(photo.data), [photo.height, photo.width, 3], 'int32');
  const { data, info } = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } }).resize(640).raw().toBuffer({ resolveWithObject: true });
  const small = tf.tensor3d(Int32Array.from(data), [info.height, info.width, 3], 'int32');
  return { small, large };
}

const graph = (runner: unknown): tf.GraphModel => (runner as TfjsRunner).tfModel as tf.GraphModel;

async function section(landmarker: FaceLandmarksPipeline, frame: tf.Tensor3D, plan: Plan): Promise<Section> {
  const detector = graph((landmarker as unknown as { detector: unknown }).detector);
  const mesh = graph(landmarker.runner);
  const faces = (await landmarker.run(frame)).faces.length;
  const detectorInput = tf.zeros([1, 128, 128, 3]);
  const meshInput = tf.zeros([1, 192, 192, 3]);
  const meshes = async (): Promise<void> => {
    for (let i = 0; i < faces; i++) {
      const out = mesh.execute(meshInput, ['Identity_2:0', 'Identity_1:0']) as tf.Tensor[];
      await Promise.all(out.map((t) => t.data()));
      tf.dispose(out);
    }
  };
  const raw: Competitor = {
    name: `raw detector + ${faces} × mesh`,
    fn: async () => {
      const found = detector.execute(detectorInput) as tf.Tensor;
      await found.data();
      found.dispose();
      await meshes();
    },
  };
  const rawVideo: Competitor = { name: `raw ${faces} × mesh`, fn: meshes };
  let clock = 0;
  const run: Competitor = { name: 'visionpipe run', fn: () => landmarker.run(frame) };
  const video: Competitor = { name: 'visionpipe runForVideo', fn: () => landmarker.runForVideo(frame, (clock += 33)) };
  const before = tf.memory().numTensors;
  const pairedRun = await compare([run, raw], plan, raw.name);
  landmarker.reset();
  const pairedVideo = await compare([video, rawVideo], plan, rawVideo.name);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([detectorInput, meshInput]);
  const [w, h] = [frame.shape[1], frame.shape[0]];
  const worst = Math.max(pairedRun[0].ratio, pairedVideo[0].ratio);
  return {
    id: `face-${w}x${h}`,
    title: `Face landmarks: BlazeFace short → FaceMesh (wasm), ${w}×${h} int32 tf.Tensor3D frame, ${faces} faces`,
    reference: 'raw',
    rows: [...pairedRun, ...pairedVideo],
    summary: {
      'visionpipe run / raw (paired)': pairedRun[0].ratio,
      'visionpipe runForVideo / raw mesh only (paired)': pairedVideo[0].ratio,
      'visionpipe runForVideo fps': 1000 / pairedVideo[0].median,
      'target visionpipe / raw <= 1.03 (paired wall clock)': worst <= 1.03 ? 'MET' : 'NOT MET',
    },
    notes: [
      'raw: execute on ready zero tensors of the input sizes + await data() of the outputs the pipeline reads; one mesh call per face the pipeline finds',
      'visionpipe: reads the frame in place, samples the detector input (letterboxed) and each face crop, decodes anchors, NMS, maps 468 points back',
      'runForVideo: crops from the previous meshes, so no detector call once the faces are tracked (smoothing on)',
      ...(leaked !== 0 ? [`tensor count changed by ${leaked} during timing`] : []),
    ],
  };
}

/** Face landmarks at 640×427 and 1920×1280. */
export async function faceSections(quick: boolean): Promise<Section[]> {
  const landmarker = await createFaceLandmarksPipeline({ backend: 'wasm' });
  const { small, large } = await frames();
  const plan: Plan = quick ? { warmup: 2, rounds: 6, perRound: 1 } : { warmup: 4, rounds: 40, perRound: 1 };
  try {
    return [await section(landmarker, small, plan), await section(landmarker, large, plan)];
  } finally {
    tf.dispose([small, large]);
    landmarker.dispose();
  }
}
