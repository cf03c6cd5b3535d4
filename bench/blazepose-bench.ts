/**
 * Figure 6c: BlazePose full (person detector + landmark model, tfjs wasm) on 480×640 frames of
 * face-api `sample2.jpg`'s seated woman: visionpipe's `run` against the raw models (detector
 * `execute` on a ready 224² input + landmark `execute` on a ready 256² input, the outputs the
 * pipeline reads downloaded) and `runForVideo` (the person followed, the detector skipped)
 * against the raw landmark model alone — paired, each raw chain as the model files are converted
 * and as the pipeline runs them (convolutions fused at load) — and video mode's fps on a pan clip
 * against @tensorflow-models/pose-detection's BlazePose (same weights, smoothing on, on the same
 * tfjs wasm backend).
 */
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { BLAZEPOSE_DETECTOR, BLAZEPOSE_FULL } from '../src/models/pose-cards';
import { type PoseEstimationPipeline, createPoseEstimationPipeline } from '../src/pipelines/pose/pose-pipeline';
import type { TfjsRunner } from '../src/runtime/tfjs-runner';
import { facePhoto } from '../test/helpers/photos';
import { type PeerBlazePose, peerDetector } from '../test/pose/blazepose-peer';
import { CONVERTED_NOTE, graphAsConverted } from './converted-graph';
import type { Section } from './report';
import { type Competitor, type Plan, compare } from './timing';
import { framesPerSecond, overClip, twoStagePairs } from './two-stage';

/** `count` 480×640 int32 frames panning 8 px of the photo a frame across the seated woman. */
async function panClip(count: number): Promise<tf.Tensor3D[]> {
  const source = sharp(facePhoto(2)).removeAlpha();
  const frames: tf.Tensor3D[] = [];
  for (let i = 0; i < count; i++) {
    const data = await source.clone().extract({ left: i * 8, top: 160, width: 900, height: 1200 }).resize(480, 640).raw().toBuffer();
    frames.push(tf.tensor3d(Int32Array.from(data), [640, 480, 3], 'int32'));
  }
  return frames;
}

const LANDMARK_OUTPUTS = ['landmarks', 'poseFlag', 'heatmap', 'world'].map((role) => BLAZEPOSE_FULL.pose.outputs[role]!);

async function overhead(pose: PoseEstimationPipeline, frame: tf.Tensor3D, plan: Plan): Promise<Section> {
  const detector = (pose.detector as TfjsRunner).tfModel as tf.GraphModel;
  const landmarks = (pose.runner as TfjsRunner).tfModel as tf.GraphModel;
  const [detectorConverted, landmarksConverted] = await Promise.all([graphAsConverted(BLAZEPOSE_DETECTOR), graphAsConverted(BLAZEPOSE_FULL)]);
  const readyDetector = tf.zeros([1, 224, 224, 3]);
  const readyCrop = tf.zeros([1, 256, 256, 3]);
  const execute = async (graph: tf.GraphModel, input: tf.Tensor, names?: string[]): Promise<void> => {
    const out = graph.execute(input, names);
    const list = Array.isArray(out) ? out : [out];
    await Promise.all(list.map((t) => t.data()));
    tf.dispose(list);
  };
  const chain = (name: string, detectorGraph: tf.GraphModel, landmarkGraph: tf.GraphModel): Competitor => ({
    name,
    fn: async () => {
      await execute(detectorGraph, readyDetector);
      await execute(landmarkGraph, readyCrop, LANDMARK_OUTPUTS);
    },
  });
  let clock = 0;
  const pairs = await twoStagePairs(
    {
      run: async () => (await pose.run(frame)).timing,
      video: async () => (await pose.runForVideo(frame, (clock += 33))).timing,
      startVideo: async () => {
        pose.reset();
        await pose.runForVideo(frame, (clock += 33)); // the first frame detects; later frames follow
      },
      chain: { converted: chain('raw as converted: detector + landmarks', detectorConverted.model, landmarksConverted.model), fused: chain('raw fused: detector + landmarks', detector, landmarks) },
      stage: {
        converted: { name: 'raw as converted: landmarks only', fn: () => execute(landmarksConverted.model, readyCrop, LANDMARK_OUTPUTS) },
        fused: { name: 'raw fused: landmarks only', fn: () => execute(landmarks, readyCrop, LANDMARK_OUTPUTS) },
      },
      names: { run: 'visionpipe run', video: 'visionpipe runForVideo (person followed)' },
    },
    plan,
    tf,
  );
  tf.dispose([readyDetector, readyCrop]);
  detectorConverted.runner.dispose();
  landmarksConverted.runner.dispose();
  return {
    id: 'blazepose-480x640',
    title: '6c. BlazePose full (wasm), 480×640 int32 tf.Tensor3D frame, one person',
    reference: 'raw',
    rows: pairs.rows,
    summary: pairs.summary,
    notes: [
      'each row alternates call by call with both raw chains; ratios are medians of per-round ratios to the raw-as-converted row',
      CONVERTED_NOTE,
      'raw: detector execute on a ready [1,224,224,3] input (its output downloaded) + landmark execute on a ready [1,256,256,3] input (landmarks, pose flag, heatmap and world landmarks downloaded, as the pipeline reads them)',
      'visionpipe: reads the frame in place, samples the letterboxed detector input and the turned crop, decodes, merges detections, refines landmarks from the heatmap, maps them back; runForVideo follows the person from their smoothed auxiliary landmarks and never re-runs the detector here',
      ...(pairs.leaked !== 0 ? [`tensor count changed by ${pairs.leaked} during timing`] : []),
    ],
  };
}

async function clipFps(pose: PoseEstimationPipeline, peer: PeerBlazePose, clip: tf.Tensor3D[], plan: Plan): Promise<Section> {
  let clock = 0;
  const found: Record<string, number> = {};
  const over = (name: string, each: (i: number) => Promise<number>): Competitor => overClip(name, clip.length, each, found);
  const competitors: Competitor[] = [
    over('visionpipe runForVideo', async (i) => (await pose.runForVideo(clip[i], (clock += 33))).poses.length),
    over('tfjs-models video (smoothing on)', async (i) => (await peer.estimatePoses(clip[i], { maxPoses: 1, flipHorizontal: false }, (clock += 33))).length),
    over('visionpipe run (static)', async (i) => (await pose.run(clip[i])).poses.length),
    over('tfjs-models static', async (i) => {
      peer.reset();
      return (await peer.estimatePoses(clip[i], { maxPoses: 1, flipHorizontal: false })).length;
    }),
  ];
  pose.reset();
  peer.reset();
  const stats = await compare(competitors, plan, competitors[1].name);
  const fps = (name: string): string => framesPerSecond(stats, name, clip.length);
  return {
    id: 'blazepose-clip-fps',
    title: `6d. BlazePose video mode on a ${clip.length}-frame 480×640 pan clip: visionpipe vs @tensorflow-models/pose-detection (same weights, wasm)`,
    reference: 'tfjs-models video',
    rows: stats.map((s) => ({ ...s, info: { fps: fps(s.name), posesFound: found[s.name] ?? 0 } })),
    summary: Object.fromEntries(competitors.map((c) => [`${c.name} fps`, fps(c.name)])),
    notes: [
      'one call = the whole clip, frame by frame; all four interleaved round by round (ms per clip; fps = frames / median)',
      'both follow the person from the previous frame\'s auxiliary landmarks and smooth them (MediaPipe\'s Pose graph); static: each frame on its own (the peer reset before each)',
      'visionpipe: greedy merging of person detections is not used here (the card\'s default weighted merging, as MediaPipe)',
    ],
  };
}

/** Figure 6c–d. */
export async function blazePoseSections(quick: boolean): Promise<Section[]> {
  const pose = await createPoseEstimationPipeline({ model: BLAZEPOSE_FULL, backend: 'wasm' });
  const peer = await peerDetector({ enableSmoothing: true });
  const clip = await panClip(8);
  const plan: Plan = quick ? { warmup: 2, rounds: 6, perRound: 1 } : { warmup: 4, rounds: 30, perRound: 1 };
  const clipPlan: Plan = quick ? { warmup: 1, rounds: 2, perRound: 1 } : { warmup: 1, rounds: 6, perRound: 1 };
  try {
    return [await overhead(pose, clip[0], plan), await clipFps(pose, peer, clip, clipPlan)];
  } finally {
    tf.dispose(clip);
    peer.dispose();
    pose.dispose();
  }
}
