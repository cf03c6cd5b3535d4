/**
 * PoseNet multi-person decoding against @tensorflow-models/pose-detection's decodeMultiplePoses
 * on the same real model outputs (posenet-mobilenet on the face-api group photos).
 */
import * as tf from '@tensorflow/tfjs';
import { decodeMultiplePoses } from '@tensorflow-models/pose-detection/dist/posenet/calculators/decode_multiple_poses.js';
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/index';
import { POSENET_MOBILENET } from '../../src/models/pose-cards';
import { createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import { decodePoseNetMulti } from '../../src/postprocess/pose/posenet';
import type { RawTensor } from '../../src/runtime/model-runner';
import { facePhoto } from '../helpers/photos';

interface PeerPose {
  score: number;
  keypoints: { x: number; y: number; score: number }[];
}

describe('decodePoseNetMulti = pose-detection decodeMultiplePoses on real PoseNet outputs', () => {
  it.each([1, 2, 6] as const)('group photo %i: the same people, keypoints and scores (scored at the cell nearest each point)', async (n) => {
    const estimator = await createPoseEstimationPipeline({ model: POSENET_MOBILENET });
    const names = estimator.poseSpec.pose.outputs;
    const image = await decodeImageFile(facePhoto(n));
    const x = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(Float32Array.from(image.data), [image.height, image.width, image.channels]), [385, 385]).div(127.5).sub(1).expandDims(0));
    const out = await estimator.runner.run({ [estimator.runner.inputs[0].name]: x }, { outputs: [names.heatmaps!, names.offsets!, names.displacementsFwd!, names.displacementsBwd!] });
    x.dispose();
    const [heatmaps, offsets, fwd, bwd] = [names.heatmaps!, names.offsets!, names.displacementsFwd!, names.displacementsBwd!].map((name) => out[name]) as RawTensor[];
    const [gridHeight, gridWidth, numKeypoints] = heatmaps.dims.slice(-3);
    const ours = decodePoseNetMulti(
      { heatmaps: heatmaps.data as Float32Array, offsets: offsets.data as Float32Array, displacementsFwd: fwd.data as Float32Array, displacementsBwd: bwd.data as Float32Array, gridWidth, gridHeight, numKeypoints, stride: 16 },
      { maxPoses: 10, scoreThreshold: 0.5, nmsRadius: 20, minPoseScore: 0 },
    );
    const t3 = (t: RawTensor) => tf.tensor3d(t.data as Float32Array, t.dims.slice(-3) as [number, number, number]);
    const inputs = [tf.sigmoid(t3(heatmaps)) as tf.Tensor3D, t3(offsets), t3(fwd), t3(bwd)];
    const peer = (await decodeMultiplePoses(inputs[0], inputs[1], inputs[2], inputs[3], 16, 10, 0.5, 20)) as PeerPose[];
    tf.dispose(inputs);
    expect(ours.length).toBe(peer.length);
    expect(ours.length).toBeGreaterThan(1);
    let worstScore = 0;
    ours.forEach((pose, i) => {
      expect(pose.score).toBeCloseTo(peer[i].score, 4);
      peer[i].keypoints.forEach((k, j) => {
        expect(Math.hypot(pose.keypoints[j * 3] - k.x, pose.keypoints[j * 3 + 1] - k.y)).toBeLessThan(1e-3);
        worstScore = Math.max(worstScore, Math.abs(pose.keypoints[j * 3 + 2] - k.score));
      });
    });
    // 199 of 850 keypoint scores differed, by up to 0.758, when read at the last refinement's cell
    expect(worstScore).toBeLessThan(1e-4);
    estimator.dispose();
  }, 60_000);
});
