/**
 * The pure parts of face landmarks: crops, point mapping, detector decoding on synthetic rows,
 * the iris merge layout, and the MediaPipe topology tables' consistency.
 */
import { describe, expect, it } from 'vitest';
import { decodeMediapipeSsd } from '../../src/postprocess/detection/mediapipe-ssd';
import { BLAZEFACE_FRONT_ANCHORS, mediapipeSsdAnchors } from '../../src/postprocess/detection/mediapipe-ssd-anchors';
import { suppressCandidates } from '../../src/postprocess/nms/suppress';
import { FACE_DETECTOR_SHORT } from '../../src/models/face-cards';
import { refineWithAttention } from '../../src/postprocess/face/attention';
import { decodeFaceDetector } from '../../src/postprocess/face/face-detector';
import { FACE_CONTOUR_PARTS, FACE_MESH_CONNECTIONS } from '../../src/postprocess/face/face-mesh-topology';
import { cropToImage, faceCrop } from '../../src/postprocess/face/face-roi';
import { eyeCrops, mergeIris } from '../../src/postprocess/face/iris';
import { expectVisionError } from '../runtime/helpers';

describe('face crops and mapping', () => {
  it('faceCrop enlarges around the centre, squares on the longer side and rounds', () => {
    expect(faceCrop([100, 100, 200, 180], 1.4)).toEqual({ x1: 80, y1: 70, x2: 220, y2: 210 });
    expect(faceCrop([10.2, 20.7, 30.2, 30.7], 1)).toEqual({ x1: 10, y1: 16, x2: 30, y2: 36 });
  });

  it('cropToImage maps crop-input pixels through the crop, z scaled like x', () => {
    const out = cropToImage([0, 0, 10, 96, 96, -4, 192, 192, 0], { x1: 100, y1: 50, x2: 300, y2: 250 }, 192);
    expect(Array.from(out)).toEqual([100, 50, 10 * (200 / 192), 200, 150, -4 * (200 / 192), 300, 250, 0].map(Math.fround));
  });
});

describe('decodeFaceDetector', () => {
  it("the short-range detector card's anchors are MediaPipe's BlazeFace front anchors", () => {
    expect(FACE_DETECTOR_SHORT.anchors).toEqual(BLAZEFACE_FRONT_ANCHORS);
  });

  it('decodes one confident anchor into a box and 6 keypoints in input pixels; NMS keeps one of two twins', async () => {
    const anchors = mediapipeSsdAnchors(BLAZEFACE_FRONT_ANCHORS);
    const rows = new Float32Array(896 * 17).fill(0);
    for (let i = 0; i < 896; i++) rows[i * 17] = -10;
    const put = (a: number, logit: number): void => {
      rows[a * 17] = logit;
      rows.set([2, -3, 40, 30], a * 17 + 1); // centre offset (2, −3), size 40 × 30
      for (let k = 0; k < 6; k++) rows.set([k, -k], a * 17 + 5 + k * 2);
    };
    put(100, 3);
    put(101, 2); // the next anchor of the same cell (16² grid: two anchors per cell) — same box
    const faces = decodeFaceDetector(rows, BLAZEFACE_FRONT_ANCHORS, { minScore: 0.5 });
    expect(faces).toHaveLength(1);
    const [cx, cy] = [anchors[100 * 4] * 128 + 2, anchors[100 * 4 + 1] * 128 - 3];
    expect(Array.from(faces[0].box)).toEqual([cx - 20, cy - 15, cx + 20, cy + 15].map(Math.fround));
    expect(faces[0].score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(faces[0].keypoints[10]).toBeCloseTo(anchors[100 * 4] * 128 + 5, 4);
    await expectVisionError(Promise.resolve().then(() => decodeFaceDetector(new Float32Array(10), BLAZEFACE_FRONT_ANCHORS)), 'MODEL_FORMAT');
  });

  it('decoding only the rows whose logit can pass gives what decoding every row gives, scores on the threshold included', () => {
    const anchors = mediapipeSsdAnchors(BLAZEFACE_FRONT_ANCHORS);
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const rows = Float32Array.from({ length: 896 * 17 }, (_, i) => (i % 17 === 0 ? random() * 8 - 6 : random() * 60 - 30));
    const minScore = 0.4;
    // rows exactly on the threshold: the float32 logit whose sigmoid is 0.4 and its neighbours
    const onThreshold = Math.fround(Math.log(minScore / (1 - minScore)));
    [onThreshold, onThreshold - 1e-7, onThreshold + 1e-7].forEach((logit, k) => (rows[(300 + k) * 17] = logit));
    const every = decodeMediapipeSsd(rows.filter((_, i) => i % 17 !== 0), rows.filter((_, i) => i % 17 === 0), anchors, {
      inputWidth: 128, inputHeight: 128, xScale: 128, yScale: 128, wScale: 128, hScale: 128,
      numKeypoints: 6, reverseOutputOrder: true, sigmoidScore: true, minScoreThresh: minScore,
    });
    const kept = suppressCandidates(every, { method: 'greedy', agnostic: true, iouThreshold: 0.3, maxDetections: 50 });
    const faces = decodeFaceDetector(rows, BLAZEFACE_FRONT_ANCHORS, { minScore, iouThreshold: 0.3, maxFaces: 50 });
    expect(every.scores.length).toBeGreaterThan(40);
    expect(faces.length).toBe(kept.scores.length);
    expect(faces.map((f) => f.score)).toEqual(Array.from(kept.scores));
    expect(faces.flatMap((f) => Array.from(f.box))).toEqual(Array.from(kept.boxes));
    expect(faces.flatMap((f) => Array.from(f.keypoints))).toEqual(Array.from(kept.keypoints ?? []));
    expect(decodeFaceDetector(rows, BLAZEFACE_FRONT_ANCHORS, { minScore: 0.9999 })).toEqual([]);
  });
});

describe('iris and attention merges', () => {
  const mesh = new Float32Array(468 * 3).map((_, i) => i % 3 === 2 ? 0 : 50 + (i % 7));
  it('mergeIris appends the right iris at 468 and the left at 473, un-mirroring the left eye', () => {
    const eye = (x: number): Float32Array => new Float32Array(76 * 3).map((_, i) => (i % 3 === 0 ? x : 32));
    const crops = { right: { x1: 0, y1: 0, x2: 64, y2: 64 }, left: { x1: 100, y1: 0, x2: 164, y2: 64 } };
    const out = mergeIris(mesh, eye(16), eye(16), crops, 64);
    expect(out).toHaveLength(478 * 3);
    expect(out[468 * 3]).toBe(16); // right eye: not mirrored
    expect(out[473 * 3]).toBe(100 + 48); // left eye: x mirrored back (1 − 16/64) · 64
    expect(eyeCrops(mesh).right.x2 - eyeCrops(mesh).right.x1).toBeGreaterThan(0);
  });

  it('refineWithAttention places the irises at 468 and 473 and checks part sizes', async () => {
    const parts = { lips: new Float32Array(160), rightEye: new Float32Array(142), leftEye: new Float32Array(142), rightIris: new Float32Array(10).fill(1), leftIris: new Float32Array(10).fill(2) };
    const out = refineWithAttention(mesh, parts);
    expect([out[468 * 3], out[473 * 3]]).toEqual([1, 2]);
    await expectVisionError(Promise.resolve().then(() => refineWithAttention(mesh, { ...parts, lips: new Float32Array(3) })), 'MODEL_FORMAT');
  });
});

describe('face mesh connection tables', () => {
  const key = (a: number, b: number): string => `${Math.min(a, b)}-${Math.max(a, b)}`;
  it('tessellation: 1322 undirected edges over the 468 points; every contour but the irises runs along it', () => {
    const mesh = FACE_MESH_CONNECTIONS.tesselation;
    expect(mesh).toHaveLength(1322);
    expect(new Set(mesh.map(([a, b]) => key(a, b))).size).toBe(1322);
    expect(new Set(mesh.flat()).size).toBe(468);
    const edges = new Set(mesh.map(([a, b]) => key(a, b)));
    for (const part of FACE_CONTOUR_PARTS.filter((p) => !p.endsWith('Iris'))) {
      for (const [a, b] of FACE_MESH_CONNECTIONS[part]) expect(edges.has(key(a, b)), `${part} ${a}-${b}`).toBe(true);
    }
  });

  it('contours close where MediaPipe draws loops: face oval 36, lips 40, eyes 16, irises 4 points 469–477', () => {
    expect([FACE_MESH_CONNECTIONS.faceOval.length, FACE_MESH_CONNECTIONS.lips.length, FACE_MESH_CONNECTIONS.leftEye.length, FACE_MESH_CONNECTIONS.rightIris.length]).toEqual([36, 40, 16, 4]);
    expect(new Set(FACE_MESH_CONNECTIONS.rightIris.flat())).toEqual(new Set([469, 470, 471, 472]));
    expect(new Set(FACE_MESH_CONNECTIONS.leftIris.flat())).toEqual(new Set([474, 475, 476, 477]));
    // the person's left eye lies around point 263, the right around 33
    expect(FACE_MESH_CONNECTIONS.leftEye.flat()).toContain(263);
    expect(FACE_MESH_CONNECTIONS.rightEye.flat()).toContain(33);
  });
});
