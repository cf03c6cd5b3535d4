/**
 * Video matting (tfjs wasm): the video-matting pipeline's video mode against the raw model on
 * the same frame, paired call by call as the pose figure does.
 *
 * - RVM (opt-in, GPL-3.0 upstream) on a 320×240 RGB frame (face-api `sample1.jpg`, cover
 *   resize): `runForVideo` (read the frame, sample it to [1,240,320,3]/255, carry the four
 *   recurrent states, download the alpha, wrap it as a Mask) against raw `executeAsync` on a
 *   ready input tensor with the states carried the same way plus the download of `pha`.
 * - Selfie (default) on the same frame: `runForVideo` with and without the guided-filter
 *   refinement against raw `execute` on a ready [1,256,256,3] tensor plus the download.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import type { RawImage } from '../src/node/index';
import { createVideoMattingPipeline } from '../src/pipelines/matting/video-matting-pipeline';
import type { VideoMattingPipeline } from '../src/pipelines/matting/video-matting-pipeline';
import type { TfjsRunner } from '../src/runtime/tfjs-runner';
import type { Section } from './report';
import { type Plan, compare } from './timing';

const require = createRequire(import.meta.url);

function packageFile(pkg: string, path: string): string {
  for (const folder of require.resolve.paths(pkg) ?? []) {
    if (existsSync(join(folder, pkg, 'package.json'))) return join(folder, pkg, path);
  }
  throw new Error(`package ${pkg} is not installed`);
}

async function frame(width: number, height: number): Promise<RawImage> {
  const { data, info } = await sharp(packageFile('@vladmandic/face-api', 'demo/sample1.jpg')).resize(width, height, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

const RAW = 'raw model + download';

async function rvmSection(image: RawImage, plan: Plan): Promise<Section> {
  const matting = await createVideoMattingPipeline({ model: 'rvm', backend: 'wasm', outputForeground: false });
  const model = (matting.runner as TfjsRunner).tfModel as tf.GraphModel;
  const ready = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(image.data), [1, image.height, image.width, 3]), 255));
  const ratio = tf.scalar(1);
  const zero = tf.scalar(0);
  let states: tf.Tensor[] = [zero, zero, zero, zero];
  let clock = 0;
  const names = ['Identity_1', 'Identity_2', 'Identity_3', 'Identity_4', 'Identity_5'];
  try {
    const [pipelineRow, rawRow] = await compare(
      [
        { name: 'visionpipe runForVideo (rvm)', fn: async () => (await matting.runForVideo(image, (clock += 33))).alpha.close() },
        {
          name: RAW,
          fn: async () => {
            const out = (await model.executeAsync({ src: ready, downsample_ratio: ratio, r1i: states[0], r2i: states[1], r3i: states[2], r4i: states[3] }, names)) as tf.Tensor[];
            await out[0].data();
            out[0].dispose();
            if (states[0] !== zero) tf.dispose(states);
            states = out.slice(1);
          },
        },
      ],
      plan,
      RAW,
    );
    return {
      id: 'matting-rvm',
      title: `Matting: RVM (wasm), ${image.width}×${image.height} RGB frame, downsample_ratio 1, recurrent state carried`,
      reference: 'raw',
      rows: [pipelineRow, rawRow],
      summary: { 'visionpipe runForVideo / raw (paired)': pipelineRow.ratio, 'target visionpipe / raw <= 1.03': pipelineRow.ratio <= 1.03 ? 'MET' : 'NOT MET' },
      notes: ['raw: GraphModel.executeAsync on a ready [1,H,W,3]/255 tensor with the states of its previous call, then await pha.data()'],
    };
  } finally {
    if (states[0] !== zero) tf.dispose(states);
    tf.dispose([ready, ratio, zero]);
    matting.dispose();
  }
}

async function selfieSection(image: RawImage, plan: Plan): Promise<Section> {
  const matting: VideoMattingPipeline = await createVideoMattingPipeline({ backend: 'wasm' });
  const model = (matting.runner as TfjsRunner).tfModel as tf.GraphModel;
  const ready = tf.zeros([1, 256, 256, 3]);
  let clock = 0;
  try {
    const rows = await compare(
      [
        { name: 'visionpipe runForVideo (refined)', fn: async () => (await matting.runForVideo(image, (clock += 33))).alpha.close() },
        { name: 'visionpipe runForVideo (refine: false)', fn: async () => (await matting.runForVideo(image, (clock += 33), { refine: false })).alpha.close() },
        {
          name: RAW,
          fn: async () => {
            const out = model.execute(ready) as tf.Tensor;
            await out.data();
            out.dispose();
          },
        },
      ],
      plan,
      RAW,
    );
    return {
      id: 'matting-selfie',
      title: `Matting: Selfie (wasm), ${image.width}×${image.height} RGB frame → 256×256 model input, matte at the frame's size`,
      reference: 'raw',
      rows,
      summary: { 'refined / raw': rows[0].ratio, 'unrefined / raw': rows[1].ratio },
      notes: [
        'Selfie is a 0.2 MB model: the frame-size work (mapping the matte to the frame, the guided filter at ≤512 px in JavaScript, temporal smoothing) is a large share of the call, so the refined row does not meet the 1.03 target; refine: false is the raw model plus the matte mapping',
      ],
    };
  } finally {
    ready.dispose();
    matting.dispose();
  }
}

/** The matting figures. */
export async function mattingSections(quick: boolean): Promise<Section[]> {
  const plan: Plan = quick ? { warmup: 2, rounds: 5, perRound: 1 } : { warmup: 3, rounds: 24, perRound: 1 };
  const image = await frame(320, 240);
  return [await rvmSection(image, plan), await selfieSection(image, plan)];
}
