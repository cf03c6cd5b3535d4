// Gesture features of hand landmarks: unchanged when the hand is moved, scaled, rotated (in the
// image plane and in 3-D) or mirrored with its handedness swapped; joint angles equal the angles
// the skeleton was posed with; bad hands are refused with INVALID_INPUT.
import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { generateHandPoses } from '../../src/testing/hand-poses';
import { TYPICAL_HAND, type DigitPose, type Vec3, poseHand, rotateAbout } from '../../src/testing/hand-skeleton';
import { HAND_FEATURE_DIM, type HandLandmarks, handFeatures, handInPalmFrame, jointAngles } from '../../src/training/gestures/hand-features';

const hands = generateHandPoses({ perGesture: 4, seed: 11 });

type Point = { x: number; y: number; z: number };
const mapPoints = (hand: HandLandmarks, f: (p: Point) => Point, handedness = hand.handedness): HandLandmarks => ({
  keypoints: hand.keypoints.map((p) => f({ x: p.x, y: p.y, z: p.z ?? 0 })),
  handedness,
});

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-5): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tolerance);
}

function expectInputError(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VisionError);
    expect((error as VisionError).code).toBe('INVALID_INPUT');
    expect((error as VisionError).message).toMatch(message);
    return;
  }
  throw new Error('expected an INVALID_INPUT VisionError');
}

describe('hand features', () => {
  it('have 75 values: 20 palm-frame points (wrist → middle MCP is the unit first axis) and 15 angles', () => {
    const features = handFeatures(hands[0]);
    expect(features).toHaveLength(HAND_FEATURE_DIM);
    expect(HAND_FEATURE_DIM).toBe(75);
    const middleMcp = handInPalmFrame(hands[0])[8]; // landmark 9 (the wrist is left out)
    expectClose(middleMcp, [1, 0, 0], 1e-12);
  });

  it('do not change when the hand is moved, scaled, or rotated in the image plane', () => {
    for (const hand of hands) {
      const base = handFeatures(hand);
      const angle = 1.234;
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      const moved = mapPoints(hand, (p) => ({ x: 2.7 * (c * p.x - s * p.y) + 513, y: 2.7 * (s * p.x + c * p.y) - 91, z: 2.7 * p.z + 40 }));
      expectClose(handFeatures(moved), base);
    }
  });

  it('do not change under any 3-D rotation, and a mirrored left hand equals the right hand', () => {
    const axis: Vec3 = [0.48, -0.6, 0.64];
    for (const hand of hands) {
      const base = handFeatures(hand);
      const rotated = mapPoints(hand, (p) => {
        const [x, y, z] = rotateAbout([p.x, p.y, p.z], axis, 2.1);
        return { x, y, z };
      });
      expectClose(handFeatures(rotated), base);
      const swapped = hand.handedness === 'Left' ? 'right' : 'LEFT';
      const mirrored = mapPoints(hand, (p) => ({ x: 640 - p.x, y: p.y, z: p.z }), swapped);
      expectClose(handFeatures(mirrored), base);
      // the palm-frame part tells a hand from its mirror image when the handedness is not swapped
      const unswapped = handFeatures(mapPoints(hand, (p) => ({ x: -p.x, y: p.y, z: p.z })));
      expect(Math.max(...unswapped.map((v, i) => Math.abs(v - base[i])))).toBeGreaterThan(0.1);
      // a hand-landmarks result gives handedness as { label, score }: the same features as the string
      const asResult = { keypoints: hand.keypoints, handedness: { label: String(hand.handedness ?? 'right').toLowerCase(), score: 0.9 } };
      expectClose(handFeatures(asResult), base);
    }
  });

  it('measure the PIP/DIP and thumb MCP/IP angles the skeleton was posed with', () => {
    const flexes: [number, number, number][] = [[20, 35, 50], [10, 60, 25], [0, 90, 45], [45, 100, 70], [30, 15, 5]];
    const digits = flexes.map((flex, d): DigitPose => ({ flex, spread: d === 0 ? 20 : 3, opposition: d === 0 ? 25 : undefined }));
    const points = poseHand({ digits: digits as [DigitPose, DigitPose, DigitPose, DigitPose, DigitPose] }, TYPICAL_HAND);
    const angles = jointAngles({ keypoints: points.map(([x, y, z]) => ({ x, y: -y, z: -z })) }).map((a) => (a * 180) / Math.PI);
    for (let d = 0; d < 5; d++) expectClose(angles.slice(d * 3 + 1, d * 3 + 3), flexes[d].slice(1), 1e-9);
  });

  it('the generator puts every landmark inside the image, shrinks hands for a small one, and refuses bad options', () => {
    const inside = (list: typeof hands, width: number, height: number): boolean => list.every((h) => h.keypoints.every((k) => k.x >= 0 && k.y >= 0 && k.x <= width && k.y <= height));
    // placed by the wrist alone, 5 % of these hands reached past the 640 × 480 frame
    expect(inside(generateHandPoses({ perGesture: 100, seed: 3 }), 640, 480)).toBe(true);
    expect(inside(generateHandPoses({ perGesture: 20, seed: 3, imageSize: { width: 120, height: 90 } }), 120, 90)).toBe(true);
    for (const [options, message] of [
      [{ rotation: 'upright' }, /rotation is 'upright'/],
      [{ noise: Number.NaN }, /noise is NaN/],
      [{ boneJitter: 3 }, /boneJitter is 3/],
      [{ leftShare: -0.5 }, /leftShare is -0.5/],
      [{ imageSize: { width: -5, height: 0 } }, /imageSize must be/],
      [{ gestures: 'fist' }, /gestures must be an array/],
      [{ gestures: ['constructor'] }, /unknown gesture 'constructor'/],
      // a misspelt option ran with the defaults (count is generateShapeScenes' name)
      [{ count: 3 }, /generateHandPoses options has unknown option\(s\) count; allowed: gestures, perGesture/],
      [[], /generateHandPoses options must be an object/],
    ] as const) {
      expect(() => generateHandPoses(options as never), JSON.stringify(options)).toThrow(message);
    }
  });

  it('refuse a wrong number of points, non-finite values, unknown handedness and degenerate palms', () => {
    const points = hands[0].keypoints;
    expectInputError(() => handFeatures({ keypoints: points.slice(0, 20) }), /exactly 21 keypoints.*got 20/);
    expectInputError(() => handFeatures({ keypoints: [...points, points[0]] }), /got 22/);
    expectInputError(() => handFeatures({} as HandLandmarks), /no keypoints array/);
    const withNaN = points.map((p, i) => (i === 7 ? { ...p, y: Number.NaN } : p));
    expectInputError(() => handFeatures({ keypoints: withNaN }), /keypoint 7 \(index_finger_dip\).*finite/);
    const withInfinity = points.map((p, i) => (i === 3 ? { ...p, z: Number.POSITIVE_INFINITY } : p));
    expectInputError(() => handFeatures({ keypoints: withInfinity }), /keypoint 3/);
    expectInputError(() => handFeatures({ keypoints: points, handedness: 'both' }), /handedness is "both"/);
    expectInputError(() => handFeatures({ keypoints: points.map(() => ({ x: 5, y: 5, z: 0 })) }), /degenerate/);
    expectInputError(() => handFeatures({ keypoints: points.map((_, i) => ({ x: i, y: 2 * i, z: 0 })) }), /degenerate/);
    // z may be left out (a flat hand), but null — a NaN that went through JSON — is no depth of 0
    expect(handFeatures({ keypoints: points.map(({ x, y }) => ({ x, y })) })).toHaveLength(HAND_FEATURE_DIM);
    const nullZ = points.map((p, i) => (i === 8 ? { ...p, z: null as unknown as number } : p));
    expectInputError(() => handFeatures({ keypoints: nullZ }), /keypoint 8 \(index_finger_tip\) has .*z=null/);
  });
});
