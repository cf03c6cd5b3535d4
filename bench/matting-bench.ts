/**
 * Video matting (tfjs wasm): the video-matting pipeline's video mode against the raw model on
 * the same frame, paired call by call as the pose figure does.
 *
 * - RVM (opt-in, GPL-3.0 upstream) on a 320×240 RGB frame (face-api `sample1.jpg`, cover
 *   resize): `runForVideo` (read the frame, sample it to [1,240,320,3]/255, carry the four
 *   recurrent states, download the alpha, wrap it as a Mask) against raw `executeAsync` on a
 *   ready input tensor with the states carried the same way plus the download of `pha`.
 * - Selfie (default) on the same frame: `runForVideo` with and without the (fast) guided-filter
 *   refinement against raw `execute` on a ready [1,256,256,3] tensor — the frame sampled
 *   once by the pipeline's own `prepareInput`, so both run the model on the same input — plus
 *   the download of the [1,256,256,1] output — the model file as converted, and the graph the
 *   pipeline runs (its convolutions fused and its transposed convolution made 1×1 at load): against the first the ratio is what a
 *   developer gains or loses using the pipeline, against the second the pipeline's own work
 *   (sampling the frame, mapping the 256² matte onto it, refining it). A context row prices
 *   the least of that work (raw plus one bilinear resize of the output to the frame's size).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import type { RawImage } from '../src/node/index';
import { createVideoMattingPipeline } from '../src/pipelines/matting/video-matting-pipeline';
import type { VideoMattingPipeline } from '../src/pipelines/matting/video-matting-pipeline';
import { SELFIE_SEGMENTATION } from '../src/models/segmentation-cards';
import { resizePlane } from '../src/postprocess/masks/upsample';
import { prepareInput } from '../src/preprocess/prepare-input';
import type { TfjsRunner } from '../src/runtime/tfjs-runner';
import type { Section } from './report';
import type { Timing } from '../src/node/index';
import { type Competitor, type Plan, type Stats, compare, median, pairedRatio } from './timing';
import { CONVERTED_NOTE, graphAsConverted } from './converted-graph';

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

/** RVM's convolutions arrive fused (nothing fuses at load): its graph as converted is the pipeline's. */
const RAW_RVM = 'raw model + download';
const RAW = 'raw as converted + download';
const RAW_FUSED = 'raw fused (the pipeline\'s graph) + download';

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
          name: RAW_RVM,
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
      RAW_RVM,
    );
    return {
      id: 'matting-rvm',
      title: `9f. Matting: RVM (wasm), ${image.width}×${image.height} RGB frame, downsample_ratio 1, recurrent state carried`,
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

const within = (list: Timing[]): string => median(list.map((t) => t.total / t.inference)).toFixed(3);
const outside = (list: Timing[]): string => median(list.map((t) => t.total - t.inference)).toFixed(2);

async function selfieSection(image: RawImage, plan: Plan): Promise<Section> {
  const matting: VideoMattingPipeline = await createVideoMattingPipeline({ backend: 'wasm' });
  const model = (matting.runner as TfjsRunner).tfModel as tf.GraphModel;
  const converted = await graphAsConverted(SELFIE_SEGMENTATION);
  const { input: ready } = await prepareInput(image, SELFIE_SEGMENTATION.input);
  let clock = 0;
  try {
    const rawOf = (name: string, graph: tf.GraphModel): Competitor => ({
      name,
      fn: async () => {
        const out = graph.execute(ready) as tf.Tensor;
        await out.data();
        out.dispose();
      },
    });
    const raw = rawOf(RAW_FUSED, model);
    const rawConverted = rawOf(RAW, converted.model);
    const timings: Record<'refined' | 'unrefined', Timing[]> = { refined: [], unrefined: [] };
    const timed = async (kind: 'refined' | 'unrefined'): Promise<void> => {
      const { alpha, timing } = await matting.runForVideo(image, (clock += 33), kind === 'refined' ? {} : { refine: false });
      alpha.close();
      timings[kind].push(timing);
    };
    const contenders: Competitor[] = [
      { name: 'visionpipe runForVideo (refined)', fn: () => timed('refined') },
      { name: 'visionpipe runForVideo (refine: false)', fn: () => timed('unrefined') },
      {
        name: 'raw fused + bilinear resize to the frame (context)',
        fn: async () => {
          const out = model.execute(ready) as tf.Tensor;
          const matte = (await out.data()) as Float32Array;
          out.dispose();
          resizePlane(matte, 256, 256, image.width, image.height);
        },
      },
    ];
    // paired as for pose: each row with both raw graphs, alternating call by call
    const rows: Stats[] = [];
    const ownWork: number[] = [];
    for (const contender of contenders) {
      const [row, fused] = await compare([contender, raw, rawConverted], plan, RAW);
      rows.push(row);
      ownWork.push(pairedRatio(row, fused));
      if (rows.length === 1) rows.push(fused);
    }
    rows.push((await compare([{ ...rawConverted, name: `${RAW} (against itself)` }, rawConverted], plan, RAW))[0]);
    const [refined, fusedRow, unrefined, context, floor] = rows;
    return {
      id: 'matting-selfie',
      title: `9g. Matting: Selfie (wasm), ${image.width}×${image.height} RGB frame → 256×256 model input, matte at the frame's size`,
      reference: 'raw',
      rows,
      summary: {
        'refined / raw as converted': refined.ratio,
        'unrefined / raw as converted': unrefined.ratio,
        'raw fused / raw as converted (load-time fusion)': fusedRow.ratio,
        'refined / raw fused (own work)': ownWork[0],
        'unrefined / raw fused (own work)': ownWork[1],
        'raw fused + resize to frame / raw fused': ownWork[2],
        'raw as converted / itself (noise floor)': floor.ratio,
        'within-call total / inference, refined | unrefined': `${within(timings.refined)} | ${within(timings.unrefined)}`,
        'ms outside inference per call, refined | unrefined': `${outside(timings.refined)} | ${outside(timings.unrefined)}`,
        'target visionpipe / raw as converted <= 1.03 (unrefined | refined)': `${unrefined.ratio <= 1.03 ? 'MET' : 'NOT MET'} | ${refined.ratio <= 1.03 ? 'MET' : 'NOT MET'}`,
        'own work: visionpipe / raw fused <= 1.03 (unrefined | refined)': `${ownWork[1] <= 1.03 ? 'MET' : 'NOT MET'} | ${ownWork[0] <= 1.03 ? 'MET' : 'NOT MET'}`,
      },
      notes: [
        'paired: each row timed with both raw graphs, alternating call by call; ratios are medians of per-round ratios (last row: raw as converted against itself, the noise floor)',
        CONVERTED_NOTE,
        'within-call: result.timing.total / timing.inference (inference = runner.run: execute + download of the fused graph), free of the call-to-call noise of this shared machine',
        'raw: GraphModel.execute on the [1,256,256,3] input that prepareInput samples from this frame (made once), then await data() of the 256×256 matte; the pipeline adds sampling the frame, temporal smoothing (in place at 256²), mapping the matte to the frame and (refined) the fast guided filter: coefficients on a 128×96 grid, applied to the frame\'s pixels in the pass that makes the frame-size matte',
        `context: ${context.name}, the least of the pipeline's own work`,
      ],
    };
  } finally {
    ready.dispose();
    converted.runner.dispose();
    matting.dispose();
  }
}

/** The matting figures. */
export async function mattingSections(quick: boolean): Promise<Section[]> {
  const plan: Plan = quick ? { warmup: 2, rounds: 5, perRound: 1 } : { warmup: 3, rounds: 24, perRound: 1 };
  const image = await frame(320, 240);
  return [await rvmSection(image, plan), await selfieSection(image, plan)];
}
