/**
 * Format test of the Keypoint R-CNN family on a real architecture: torchvision's
 * keypointrcnn_resnet50_fpn (random weights, batch norm calibrated) exported to ONNX with
 * torchvision's signature, run by the pose pipeline in onnxruntime on a 2×-upscaled copy of
 * the reference image; the poses, mapped back to that image, must be the model's own outputs
 * (onnxruntime-node run directly on the reference image) × 2, and torchvision's boxes × 2.
 */
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/node/index';
import { keypointRcnnModel } from '../../src/models/pose-cards';
import { type PoseEstimationPipeline, createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import type { Pose } from '../../src/pipelines/pose/pose-types';
import { type KeypointRcnnReference, keypointRcnnReference } from './keypoint-rcnn-cache';

/** Nearest-neighbour 2× upscale: the pipeline's bilinear 2× downscale (half-pixel centres) gives the original back exactly. */
function upscale2(image: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 12);
  for (let y = 0; y < height * 2; y++) {
    for (let x = 0; x < width * 2; x++) {
      const s = ((y >> 1) * width + (x >> 1)) * 3;
      out.set(image.subarray(s, s + 3), (y * width * 2 + x) * 3);
    }
  }
  return out;
}

describe('Keypoint R-CNN (torchvision export) through pipeline("pose-estimation") in onnxruntime', () => {
  let ref: KeypointRcnnReference;
  let estimator: PoseEstimationPipeline;
  beforeAll(async () => {
    ref = keypointRcnnReference();
    estimator = await createPoseEstimationPipeline({ model: keypointRcnnModel({ url: ref.onnxPath }, { width: 640, height: 480 }) });
  }, 400_000);
  afterAll(() => estimator?.dispose());

  it('has torchvision’s ONNX signature', () => {
    expect(estimator.runner.runtime).toBe('onnxruntime');
    expect(estimator.runner.inputs.map((i) => [i.name, i.shape])).toEqual([['images', [1, 3, 480, 640]]]);
    expect(estimator.runner.outputs.map((o) => o.name).sort()).toEqual(['boxes', 'keypoints', 'keypoints_scores', 'labels', 'scores']);
  });

  it('maps the model’s boxes and keypoints back to the (2× larger) image: boxes within 0.1 px of torchvision’s, keypoints within 0.1 px of the model’s', async () => {
    const { expected } = ref;
    expect(expected.scores.length).toBeGreaterThanOrEqual(10);
    const [height, width] = expected.imageSize;
    // the model's own outputs on the reference image: onnxruntime-node run directly, NCHW 0–1
    const planes = new Float32Array(3 * height * width);
    for (let i = 0; i < height * width; i++) for (let c = 0; c < 3; c++) planes[c * height * width + i] = ref.image[i * 3 + c] / 255;
    const session = await ort.InferenceSession.create(ref.onnxPath);
    const raw = await session.run({ images: new ort.Tensor('float32', planes, [1, 3, height, width]) });
    await session.release();
    const rawBoxes = raw.boxes.data as Float32Array;
    const rawKeypoints = raw.keypoints.data as Float32Array;
    expect(raw.scores.dims[0]).toBe(expected.scores.length);
    const { poses, imageSize } = await estimator.run({ data: upscale2(ref.image, width, height), width: width * 2, height: height * 2, channels: 3 }, { threshold: 0, maxPoses: 100 });
    expect(imageSize).toEqual({ width: 1280, height: 960 });
    expect(poses).toHaveLength(expected.scores.length);
    let maxBox = 0;
    let maxKeypoint = 0;
    let maxScore = 0;
    const used = new Set<Pose>();
    const fromTorch: number[] = [];
    expected.boxes.forEach((box, i) => {
      const distance = (p: Pose): number => Math.max(Math.abs(p.box.x1 - 2 * box[0]), Math.abs(p.box.y1 - 2 * box[1]), Math.abs(p.box.x2 - 2 * box[2]), Math.abs(p.box.y2 - 2 * box[3]));
      const pose = poses.filter((p) => !used.has(p)).sort((a, b) => distance(a) - distance(b))[0];
      used.add(pose);
      maxBox = Math.max(maxBox, distance(pose));
      maxScore = Math.max(maxScore, Math.abs(pose.score - expected.scores[i]));
      // the model's instance of this box (onnxruntime keeps torchvision's order up to near-equal scores)
      const own = [...Array(expected.scores.length).keys()].sort((a, b) => Math.max(...[0, 1, 2, 3].map((k) => Math.abs(rawBoxes[a * 4 + k] - box[k]))) - Math.max(...[0, 1, 2, 3].map((k) => Math.abs(rawBoxes[b * 4 + k] - box[k]))))[0];
      pose.keypoints.forEach((k, j) => {
        const o = (own * 17 + j) * 3;
        maxKeypoint = Math.max(maxKeypoint, Math.abs(k.x - 2 * rawKeypoints[o]), Math.abs(k.y - 2 * rawKeypoints[o + 1]));
        fromTorch.push(Math.max(Math.abs(k.x - 2 * expected.keypoints[i][j * 3]), Math.abs(k.y - 2 * expected.keypoints[i][j * 3 + 1])));
        expect(k.score).toBeCloseTo(1 / (1 + Math.exp(-expected.keypointsScores[i][j])), 2);
      });
      expect(pose.keypoints.map((k) => k.name)).toEqual(estimator.keypointSet.names);
    });
    const torchShare = fromTorch.filter((d) => d < 0.1).length / fromTorch.length;
    console.log(`Keypoint R-CNN: boxes ${maxBox.toFixed(4)} px from torchvision's, keypoints ${maxKeypoint.toFixed(4)} px from the model's (onnxruntime); ${(100 * torchShare).toFixed(1)} % of keypoints within 0.1 px of torchvision's; scores ${maxScore.toExponential(2)}`);
    expect(maxBox).toBeLessThan(0.1);
    expect(maxKeypoint).toBeLessThan(0.1);
    expect(maxScore).toBeLessThan(1e-3);
    // Random-weight heatmaps are nearly flat, so onnxruntime and torch can take the maximum in
    // another cell; how often depends on the CPU's kernels: 1 keypoint of 340 on one machine, two
    // whole instances (34, boxes reaching the image's bottom edge) on an AVX2-only one.
    expect(torchShare).toBeGreaterThanOrEqual(0.85);
  });

  it('the default threshold (0.5) and maxPoses apply', async () => {
    const [height, width] = ref.expected.imageSize;
    const { poses } = await estimator.run({ data: ref.image, width, height, channels: 3 }, { maxPoses: 3 });
    expect(poses).toHaveLength(3);
    for (const p of poses) expect(p.score).toBeGreaterThanOrEqual(0.5);
  });
});

describe('Keypoint R-CNN: frames under the card’s minImageSize', () => {
  it('give no poses, as in every pose family (the model found poses in a 640×12 strip)', async () => {
    const ref = keypointRcnnReference();
    const estimator = await createPoseEstimationPipeline({ model: keypointRcnnModel({ url: ref.onnxPath }, { width: 640, height: 480 }) });
    const [height, width] = ref.expected.imageSize;
    const rows = 12;
    const strip = { data: ref.image.subarray(0, rows * width * 3), width, height: rows, channels: 3 as const };
    const result = await estimator.run(strip, { threshold: 0 });
    expect(result.poses).toEqual([]);
    expect(result.imageSize).toEqual({ width, height: rows });
    // the full image still gives poses
    expect((await estimator.run({ data: ref.image, width, height, channels: 3 }, { maxPoses: 1 })).poses).toHaveLength(1);
    estimator.dispose();
  }, 120_000);
});
