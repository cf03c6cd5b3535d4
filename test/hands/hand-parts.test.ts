/**
 * The hand task's small parts without models: keypoint names and connections (and render's
 * copy), the HandTrack and landmark decoders, the legacy-resize sampling plan against
 * `tf.image.resizeBilinear`, and the next-frame crop rule.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { HandVideoState } from '../../src/pipelines/hands/hand-video';
import { nextHandRegion, rotatedHandRegion } from '../../src/pipelines/hands/next-hand-region';
import { HAND_CONNECTIONS, HAND_KEYPOINT_NAMES } from '../../src/postprocess/hands/hand-keypoints';
import { decodeHandLandmarks } from '../../src/postprocess/hands/hand-landmarks';
import { HANDTRACK_CLASSES, decodeHandTrack } from '../../src/postprocess/hands/handtrack';
import { sampleFrame } from '../../src/preprocess/sampling/region-sample';
import { legacyResizePlan } from '../../src/preprocess/sampling/sample-plan';
import { HAND_EDGES, defaultEdges } from '../../src/render/skeletons';
import { expectVisionError } from '../runtime/helpers';

describe('hand keypoints and skeleton', () => {
  it('21 MediaPipe names; 21 connections joining every finger to the wrist; render draws the same edges', () => {
    expect(HAND_KEYPOINT_NAMES).toHaveLength(21);
    expect(HAND_KEYPOINT_NAMES[0]).toBe('wrist');
    expect(HAND_KEYPOINT_NAMES[4]).toBe('thumb_tip');
    expect(HAND_KEYPOINT_NAMES[8]).toBe('index_finger_tip');
    expect(HAND_KEYPOINT_NAMES[20]).toBe('pinky_tip');
    expect(HAND_CONNECTIONS).toHaveLength(21);
    // every tip reaches the wrist through the connections
    const reach = new Set([0]);
    for (let pass = 0; pass < 5; pass++) for (const [a, b] of HAND_CONNECTIONS) if (reach.has(a) || reach.has(b)) reach.add(a).add(b);
    expect(reach.size).toBe(21);
    expect(HAND_EDGES.map((e) => e.join('-'))).toEqual(HAND_CONNECTIONS.map((e) => e.join('-')));
    expect(defaultEdges(21)).toBe(HAND_EDGES);
  });
});

describe('decoders', () => {
  it('HandTrack: best hand class per anchor (never face), boxes turned to x1 y1 x2 y2', () => {
    const boxes = Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.9, 0.7);
    const scores = new Float32Array(14);
    scores.set([0.1, 0.6, 0, 0, 0.95, 0, 0], 0); // fist 0.6, face 0.95 → fist
    scores.set([0.2, 0, 0, 0, 0, 0, 0.7], 7); // pinchtip
    const c = decodeHandTrack(boxes, scores);
    expect(Array.from(c.scores)).toEqual([Math.fround(0.6), Math.fround(0.7)]);
    expect(Array.from(c.classIds, (i) => HANDTRACK_CLASSES[i])).toEqual(['fist', 'pinchtip']);
    expect(Array.from(c.boxes.subarray(0, 4))).toEqual(Array.from(Float32Array.of(0.2, 0.1, 0.4, 0.3)));
    expect(() => decodeHandTrack(boxes, new Float32Array(15))).toThrow(/7 scores per anchor/);
  });

  it('landmarks: pixels of the input to 0–1 of the crop, z like x, presence the probability as given (the graph ends it in a Sigmoid)', () => {
    const raw = new Float32Array(63).map((_, i) => i);
    const hand = decodeHandLandmarks(raw, 0.5, 0.8, 224, 112);
    expect(hand.keypoints[3]).toBeCloseTo(3 / 224);
    expect(hand.keypoints[4]).toBeCloseTo(4 / 112);
    expect(hand.keypoints[5]).toBeCloseTo(5 / 224);
    expect(hand.score).toBe(0.5);
    expect(hand.rightProbability).toBeCloseTo(0.8);
    expect(() => decodeHandLandmarks(new Float32Array(42), 0, 0, 224, 224)).toThrow(/63 landmark values/);
  });
});

describe('legacy resize plan', () => {
  // int32 truncation turns float rounding (x.9999 vs x+1) into one grey level: allowed in a few
  // samples (upscaling blends more equal neighbours, where it shows most)
  it.each([
    [37, 23, 16, 8, 0.01],
    [20, 12, 24, 16, 0.06],
  ])('%i×%i → %i×%i samples what tf.image.resizeBilinear (no half-pixel centres) gives, truncated to int32', async (w, h, ow, oh, share) => {
    await tf.setBackend('cpu');
    const pixels = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + (i >> 3) * 11) % 256);
    const frame = { width: w, height: h, channels: 3, pixels: () => pixels, release: () => undefined };
    const ours = sampleFrame(frame, legacyResizePlan(w, h, ow, oh), { width: ow, height: oh, normalization: 'none', dtype: 'int32' });
    const reference = tf.tidy(() => tf.cast(tf.image.resizeBilinear(tf.tensor4d(pixels, [1, h, w, 3], 'float32'), [oh, ow]), 'int32'));
    const [a, b] = [await ours.data(), await reference.data()];
    const differing = a.filter((v, i) => v !== b[i]).length;
    expect(differing).toBeLessThanOrEqual(Math.ceil(a.length * share));
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThanOrEqual(1);
    tf.dispose([ours, reference]);
    await expectVisionError(async () => legacyResizePlan(0, 10, 4, 4), 'INVALID_INPUT');
  });
});

describe('next hand region', () => {
  it('a square 1.6× the keypoints’ extent about their centre; none for a hand under 5 % of the frame', () => {
    const keypoints = new Float32Array(63);
    for (let k = 0; k < 21; k++) keypoints.set([100 + (k % 5) * 10, 200 + Math.floor(k / 5) * 20, 0], k * 3);
    // extent x 100–140, y 200–280: centre (120, 240), half-side 40 → 64
    const region = nextHandRegion(keypoints, 640, 480)!;
    expect(region.xMin * 640).toBeCloseTo(56);
    expect(region.xMax * 640).toBeCloseTo(184);
    expect(region.yMin * 480).toBeCloseTo(176);
    expect(region.yMax * 480).toBeCloseTo(304);
    expect(nextHandRegion(keypoints, 6400, 4800)).toBeNull();
  });
});

describe('rotated hand region (MediaPipe hand-landmarks-to-ROI)', () => {
  // an upright hand: wrist at (100, 200), knuckles (5, 9, 13) 40 px above it, fingers above those
  const upright = new Float32Array(63);
  for (let k = 0; k < 21; k++) {
    const finger = Math.floor((k - 1) / 4);
    const joint = (k - 1) % 4;
    upright.set(k === 0 ? [100, 200, 0] : [100 + (finger - 2) * 10, 200 - 40 - joint * 15, 0], k * 3);
  }
  const turn = (points: Float32Array, angle: number, cx: number, cy: number): Float32Array =>
    points.map((v, i) => {
      const k = i - (i % 3);
      const [dx, dy] = [points[k] - cx, points[k + 1] - cy];
      return i % 3 === 0 ? cx + Math.cos(angle) * dx - Math.sin(angle) * dy : i % 3 === 1 ? cy + Math.sin(angle) * dx + Math.cos(angle) * dy : v;
    });

  it('upright: no rotation, a square 2× the palm box’s long side, shifted 0.1 of its height towards the fingers', () => {
    const roi = rotatedHandRegion(upright, 640, 480)!;
    // palm subset (wrist, thumb 1–3, MCP and PIP of each finger): x 80–120, y from the thumb's third joint (200 − 70) to the wrist
    const top = Math.min(...[1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18].map((k) => upright[k * 3 + 1]));
    const height = 200 - top;
    expect(height).toBe(70);
    expect(roi.rotation).toBeCloseTo(0);
    expect(roi.width).toBeCloseTo(2 * Math.max(height, 40));
    expect(roi.height).toBeCloseTo(roi.width);
    expect(roi.centerX).toBeCloseTo(100);
    expect(roi.centerY).toBeCloseTo((200 + top) / 2 - 0.1 * height);
    expect(rotatedHandRegion(upright, 64000, 48000)).toBeNull();
  });

  it.each([90, -135, 30])('a hand turned %i° gives the upright region turned the same way', (degrees) => {
    const angle = (degrees * Math.PI) / 180;
    const roi = rotatedHandRegion(turn(upright, angle, 300, 250), 640, 480)!;
    const reference = rotatedHandRegion(upright, 640, 480)!;
    const [cx, cy] = [300 + Math.cos(angle) * (reference.centerX - 300) - Math.sin(angle) * (reference.centerY - 250), 250 + Math.sin(angle) * (reference.centerX - 300) + Math.cos(angle) * (reference.centerY - 250)];
    expect(roi.rotation).toBeCloseTo(angle);
    expect(roi.width).toBeCloseTo(reference.width);
    expect(roi.centerX).toBeCloseTo(cx);
    expect(roi.centerY).toBeCloseTo(cy);
  });
});

describe('hand video state', () => {
  it('a hand too small to follow keeps its track: the detector is asked for the next frame and the hand it finds where it was continues the ID and filters', () => {
    const video = new HandVideoState({ minCutoff: 1, beta: 0, dCutoff: 1 }, false);
    const region = { xMin: 0.4, yMin: 0.5, xMax: 0.46, yMax: 0.58 };
    const first = video.trackFor({ region, label: 'hand' });
    expect(first.trackId).toBe(1);
    // found and reported, too small to follow
    video.follow([{ ...first, follow: false }]);
    expect(video.tracks).toHaveLength(0);
    expect(video.needsDetector(2, 10)).toBe(true);
    const again = video.trackFor({ region: { xMin: 0.41, yMin: 0.5, xMax: 0.47, yMax: 0.58 }, label: 'hand' });
    expect(again.trackId).toBe(1);
    expect(again.smoother).toBe(first.smoother);
    // elsewhere in the frame, or once the small hand was missed for a frame: a new hand
    expect(video.trackFor({ region, label: 'hand' }).trackId).toBe(2);
    video.follow([{ ...again, follow: false }]);
    expect(video.trackFor({ region: { xMin: 0.8, yMin: 0.1, xMax: 0.86, yMax: 0.18 }, label: 'hand' }).trackId).toBe(3);
    video.follow([]);
    expect(video.trackFor({ region, label: 'hand' }).trackId).toBe(4);
  });

  it('with a hand followed and none resting, the detector waits for its interval', () => {
    const video = new HandVideoState(false, false);
    const hand = video.trackFor({ region: { xMin: 0.2, yMin: 0.2, xMax: 0.5, yMax: 0.6 }, label: 'hand' });
    video.markDetected();
    video.follow([hand]);
    expect(video.needsDetector(2, 10)).toBe(false);
    expect(video.needsDetector(1, 1)).toBe(false);
    video.follow([hand]);
    expect(video.needsDetector(2, 2)).toBe(true);
  });
});
