/** Pose post-processing on synthetic outputs: MoveNet, MultiPose, PoseNet, BlazePose, Keypoint R-CNN, crop regions, keypoint sets. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import '../../src/node/index';
import { openFrame } from '../../src/preprocess/sampling/open-frame';
import { sampleRegion } from '../../src/preprocess/sampling/region-sample';
import { decodeBlazePoseLandmarks, refineFromHeatmap } from '../../src/postprocess/pose/blazepose';
import { refineLandmarksFromHeatmap } from '@tensorflow-models/pose-detection/dist/shared/calculators/refine_landmarks_from_heatmap';
import { blazePoseRoi } from '../../src/pipelines/pose/blazepose-roi';
import { nextCropRegion } from '../../src/pipelines/pose/next-crop-region';
import { fullFrameRegion } from '../../src/preprocess/crop-region';
import { decodeKeypointRcnn } from '../../src/postprocess/pose/keypoint-rcnn';
import { BLAZEPOSE_KEYPOINTS, BLAZEPOSE_SKELETON, COCO_KEYPOINTS, COCO_SKELETON, KEYPOINT_SETS, POSENET_TREE } from '../../src/postprocess/pose/keypoint-sets';
import { decodeMoveNet, decodeMoveNetMultiPose } from '../../src/postprocess/pose/movenet';
import { type PoseNetOutputs, decodePoseNetMulti, decodePoseNetSingle } from '../../src/postprocess/pose/posenet';

describe('keypoint sets and skeletons', () => {
  it('are plain data with indices inside their sets; PoseNet tree is rooted at the nose and spans all 17', () => {
    expect(COCO_KEYPOINTS).toHaveLength(17);
    expect(BLAZEPOSE_KEYPOINTS).toHaveLength(33);
    for (const [names, edges] of [[COCO_KEYPOINTS, COCO_SKELETON], [BLAZEPOSE_KEYPOINTS, BLAZEPOSE_SKELETON]] as const) {
      for (const [a, b] of edges) expect(a >= 0 && b >= 0 && a < names.length && b < names.length && a !== b).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(KEYPOINT_SETS['coco-17']))).toEqual({ names: [...COCO_KEYPOINTS], skeleton: COCO_SKELETON.map((e) => [...e]) });
    const reached = new Set([0]);
    for (const [parent, child] of POSENET_TREE) {
      expect(reached.has(parent)).toBe(true); // parents come before children
      reached.add(child);
    }
    expect(reached.size).toBe(17);
  });
});

describe('MoveNet decoders', () => {
  it('single pose: swaps (y, x) to (x, y) and scores the pose by the mean of keypoints above 0.2', () => {
    const out = new Float32Array(51);
    for (let k = 0; k < 17; k++) out.set([0.1 + k * 0.01, 0.5, k < 4 ? 0.9 : 0.1], k * 3);
    const pose = decodeMoveNet(out);
    expect(pose.keypoints[0]).toBeCloseTo(0.5);
    expect(pose.keypoints[1]).toBeCloseTo(0.1);
    expect(pose.score).toBeCloseTo(0.9);
    expect(() => decodeMoveNet(new Float32Array(50))).toThrow(/MODEL_FORMAT|expected at least 51/);
  });

  it('MultiPose: keeps people above the score, best first, boxes as xyxy', () => {
    const out = new Float32Array(6 * 56);
    out.set([0.1, 0.2, 0.3, 0.4, 0.3], 51); // person 0: box ymin .1 xmin .2 ymax .3 xmax .4, score .3
    out.set([0.5, 0.5, 0.9, 0.7, 0.8], 56 + 51);
    out[56] = 0.55; // person 1 nose y
    const people = decodeMoveNetMultiPose(out, 0.25);
    expect(people.map((p) => p.score)).toEqual([expect.closeTo(0.8), expect.closeTo(0.3)]);
    expect(Array.from(people[1].box!)).toEqual([expect.closeTo(0.2), expect.closeTo(0.1), expect.closeTo(0.4), expect.closeTo(0.3)]);
    expect(people[0].keypoints[1]).toBeCloseTo(0.55);
    expect(decodeMoveNetMultiPose(out, 0.9)).toEqual([]);
    expect(() => decodeMoveNetMultiPose(new Float32Array(100), 0.1)).toThrow(/multiple of 56/);
  });
});

describe('crop regions', () => {
  it('pads the frame to a centred square', () => {
    const r = fullFrameRegion(640, 480);
    expect(r.xMin).toBe(0);
    expect(r.xMax).toBe(1);
    expect((r.yMax - r.yMin) * 480).toBeCloseTo(640);
    expect((r.yMin + r.yMax) / 2).toBeCloseTo(0.5);
    const p = fullFrameRegion(300, 600);
    expect((p.xMax - p.xMin) * 300).toBeCloseTo(600);
  });

  it('crops around the hips from the torso and body reach; full frame when the torso is hidden', () => {
    const kp = new Float32Array(17 * 3);
    const set = (k: number, x: number, y: number, s = 0.9): void => kp.set([x, y, s], k * 3);
    set(0, 320, 100); // nose
    set(5, 290, 160); set(6, 350, 160); // shoulders
    set(11, 300, 260); set(12, 340, 260); // hips → centre (320, 260)
    const r = nextCropRegion(kp, 640, 480);
    // torso reach: y 100 (shoulders) → ×1.9 = 190; body reach: nose 160 → ×1.2 = 192
    const half = 192;
    expect(r.xMin * 640).toBeCloseTo(320 - half, 3);
    expect(r.yMin * 480).toBeCloseTo(260 - half, 3);
    expect(r.yMax * 480).toBeCloseTo(260 + half, 3);
    kp[11 * 3 + 2] = 0.1;
    kp[12 * 3 + 2] = 0.1;
    expect(nextCropRegion(kp, 640, 480)).toEqual(fullFrameRegion(640, 480));
  });
});

/** PoseNet maps with one person: keypoint j at cell (2 + j % 5, 3 + (j >> 2)), offsets (1, 2). */
function posenetMaps(people: { dx: number; dy: number; score: number }[], grid = 25, stride = 16): PoseNetOutputs {
  const k = 17;
  const heatmaps = new Float32Array(grid * grid * k).fill(-8);
  const offsets = new Float32Array(grid * grid * k * 2);
  const fwd = new Float32Array(grid * grid * 32);
  const bwd = new Float32Array(grid * grid * 32);
  const cellOf = (j: number, p: { dx: number; dy: number }): [number, number] => [2 + (j % 5) + p.dx, 3 + (j >> 2) + p.dy];
  for (const p of people) {
    for (let j = 0; j < k; j++) {
      const [x, y] = cellOf(j, p);
      heatmaps[(y * grid + x) * k + j] = Math.log(p.score / (1 - p.score));
      offsets[(y * grid + x) * 34 + j] = 1;
      offsets[(y * grid + x) * 34 + 17 + j] = 2;
    }
    POSENET_TREE.forEach(([parent, child], e) => {
      const [px, py] = cellOf(parent, p);
      const [cx, cy] = cellOf(child, p);
      fwd[(py * grid + px) * 32 + e] = (cy - py) * stride;
      fwd[(py * grid + px) * 32 + 16 + e] = (cx - px) * stride;
      bwd[(cy * grid + cx) * 32 + e] = (py - cy) * stride;
      bwd[(cy * grid + cx) * 32 + 16 + e] = (px - cx) * stride;
    });
  }
  return { heatmaps, offsets, displacementsFwd: fwd, displacementsBwd: bwd, gridWidth: grid, gridHeight: grid, numKeypoints: k, stride };
}

describe('PoseNet decoders', () => {
  it('single: argmax cell × stride + offset, sigmoid score', () => {
    const pose = decodePoseNetSingle(posenetMaps([{ dx: 0, dy: 0, score: 0.9 }]));
    expect(Array.from(pose.keypoints.subarray(0, 3))).toEqual([2 * 16 + 2, 3 * 16 + 1, expect.closeTo(0.9, 5)]);
    expect(pose.score).toBeCloseTo(0.9, 5);
  });

  it('multi: two people decoded along the part tree, each keypoint where it belongs; NMS radius merges seeds', () => {
    const maps = posenetMaps([{ dx: 0, dy: 0, score: 0.9 }, { dx: 12, dy: 10, score: 0.8 }]);
    const people = decodePoseNetMulti(maps, { scoreThreshold: 0.5, nmsRadius: 20 });
    expect(people).toHaveLength(2);
    people.forEach((pose, i) => {
      const p = i === 0 ? { dx: 0, dy: 0 } : { dx: 12, dy: 10 };
      for (let j = 0; j < 17; j++) {
        expect(pose.keypoints[j * 3]).toBeCloseTo((2 + (j % 5) + p.dx) * 16 + 2, 4);
        expect(pose.keypoints[j * 3 + 1]).toBeCloseTo((3 + (j >> 2) + p.dy) * 16 + 1, 4);
      }
    });
    expect(people[0].score).toBeCloseTo(0.9, 4);
    expect(people[1].score).toBeCloseTo(0.8, 4);
    expect(decodePoseNetMulti(maps, { maxPoses: 1 })).toHaveLength(1);
    const { displacementsFwd: _, ...noDisplacements } = maps;
    expect(() => decodePoseNetMulti(noDisplacements)).toThrow(/displacements/);
  });
});

describe('BlazePose and Keypoint R-CNN decoders', () => {
  it('BlazePose: 33 of the 39 ld_3d rows, sigmoid(visibility) as score, a square ROI from the alignment points, turned upright', () => {
    const ld = new Float32Array(195);
    for (let k = 0; k < 39; k++) ld.set([k, 2 * k, -k, k === 0 ? 10 : -10, 5], k * 5);
    const pose = decodeBlazePoseLandmarks(ld, 0.97);
    expect(pose.keypoints).toHaveLength(99);
    expect(Array.from(pose.keypoints.subarray(3, 6))).toEqual([1, 2, expect.closeTo(0, 4)]);
    expect(pose.keypoints[2]).toBeCloseTo(1, 4);
    expect(pose.score).toBe(0.97);
    // circle point straight above the hips: upright; to their right: a person lying head right, turned a quarter
    expect(blazePoseRoi([100, 200, 100, 100])).toEqual({ centerX: 100, centerY: 200, width: 250, height: 250, rotation: 0 });
    const lying = blazePoseRoi([100, 200, 200, 200]);
    expect(lying.width).toBeCloseTo(250, 9);
    expect(lying.rotation).toBeCloseTo(Math.PI / 2, 9);
    expect(blazePoseRoi([100, 200, 0, 200]).rotation).toBeCloseTo(-Math.PI / 2, 9);
  });

  it('BlazePose heatmap refinement: the weighted mean of a 7×7 window where its peak reaches 0.5; weak or outside landmarks stay', () => {
    const [h, w, c] = [8, 8, 3];
    const heatmap = new Float32Array(h * w * c);
    const at = (row: number, col: number, k: number, v: number): void => {
      heatmap[(row * w + col) * c + k] = v;
    };
    at(2, 3, 0, 0.9); // landmark 0: a peak at (3, 2) and a weaker cell at (5, 2)
    at(2, 5, 0, 0.3);
    at(4, 4, 1, 0.4); // landmark 1: a peak below 0.5
    const points = Float32Array.of(4.2 / w, 2.5 / h, 1, 4.5 / w, 4.5 / h, 1, 1.2, 0.5, 1);
    refineFromHeatmap(points, 3, heatmap, [h, w, c]);
    expect(points[0]).toBeCloseTo((3 * 0.9 + 5 * 0.3) / 1.2 / w, 6);
    expect(points[1]).toBeCloseTo(2 / h, 6);
    expect([points[3], points[4]]).toEqual([Math.fround(4.5 / w), Math.fround(4.5 / h)]);
    expect([points[6], points[7]]).toEqual([Math.fround(1.2), 0.5]);
    expect(() => refineFromHeatmap(points, 4, heatmap, [h, w, c])).toThrow(/channels/);
  });

  it("BlazePose heatmap refinement equals tfjs-models' (MediaPipe's bounds test too: a landmark just below the heatmap refines)", async () => {
    const [h, w, c] = [16, 16, 6];
    let seed = 5;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const heatmap = Float32Array.from({ length: h * w * c }, () => random());
    // inside; just below the heatmap (row 16–18); far below; left of it; right of it; at the corner
    const positions = [[0.4, 0.6], [0.5, 1.05], [0.5, 1.6], [-0.2, 0.5], [1.1, 0.5], [0.99, 0.99]];
    const points = Float64Array.from(positions.flatMap(([x, y]) => [x, y, 1]));
    refineFromHeatmap(points, c, heatmap, [h, w, c]);
    const input = tf.tensor4d(heatmap, [1, h, w, c]);
    const theirs = await refineLandmarksFromHeatmap(positions.map(([x, y]) => ({ x, y, score: 1 })), input, { kernelSize: 7, minConfidenceToRefine: 0.5 });
    input.dispose();
    theirs.forEach((p: { x: number; y: number }, k: number) => {
      expect(points[k * 3]).toBeCloseTo(p.x, 6);
      expect(points[k * 3 + 1]).toBeCloseTo(p.y, 6);
    });
    expect(points[4]).toBeLessThan(1); // the landmark below the heatmap was pulled inside by its cut window
    expect([points[6], points[7]]).toEqual([0.5, 1.6]); // too far below: its window is empty
  });

  it('Keypoint R-CNN: threshold, person class, sigmoid keypoint scores; inconsistent outputs are MODEL_FORMAT', () => {
    const outputs = {
      boxes: [0, 0, 10, 10, 5, 5, 20, 20], scores: [0.9, 0.3], labels: [1, 1],
      keypoints: new Float32Array(2 * 17 * 3).fill(4), keypointsScores: new Float32Array(34), numKeypoints: 17,
    };
    const poses = decodeKeypointRcnn(outputs, { minScore: 0.5, personLabel: 1 });
    expect(poses).toHaveLength(1);
    expect(poses[0].keypoints[2]).toBeCloseTo(0.5);
    expect(() => decodeKeypointRcnn({ ...outputs, boxes: [0, 0, 1, 1] })).toThrow(/disagree/);
  });
});

describe('crop sampling', () => {
  it('reads pixels in place exactly as tf.image.cropAndResize does (int32 truncation, black outside)', async () => {
    const w = 37;
    const h = 23;
    const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7919) % 251);
    const frame = await openFrame({ data, width: w, height: h, channels: 3 });
    const region = { xMin: -0.2, yMin: 0.1, xMax: 0.9, yMax: 1.3 }; // reaches past two borders
    const before = tf.memory().numTensors;
    for (const [dtype, normalization] of [['int32', 'none'], ['float32', 'symmetric'], ['float32', 'unit']] as const) {
      const ours = sampleRegion(frame, region, { width: 19, height: 11, normalization, dtype });
      const image = tf.tensor4d(Int32Array.from(data), [1, h, w, 3], 'int32');
      const ref = tf.tidy(() => {
        const crop = tf.image.cropAndResize(image, [[region.yMin, region.xMin, region.yMax, region.xMax]], [0], [11, 19], 'bilinear', 0);
        const scaled = normalization === 'symmetric' ? crop.div(127.5).sub(1) : normalization === 'unit' ? crop.div(255) : crop;
        return dtype === 'int32' ? scaled.cast('int32') : scaled;
      });
      const a = ours.dataSync();
      const b = ref.dataSync();
      expect(ours.dtype).toBe(dtype);
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
      expect(max, `${dtype} ${normalization}`).toBeLessThan(dtype === 'int32' ? 1.01 : 1e-4); // int32: at most one float rounding step apart
      tf.dispose([ours, image, ref]);
    }
    frame.release();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => sampleRegion(frame, { xMin: 0, yMin: 0, xMax: 0, yMax: 1 }, { width: 4, height: 4, normalization: 'none', dtype: 'int32' })).toThrow(/non-empty/);
  });
});
