import { VisionError } from '../../core/errors';
import { HAND_KEYPOINT_NAMES } from '../../core/hand-keypoints';
import { shownValue } from '../../core/shown-value';

/**
 * One hand landmark: image coordinates and a relative depth `z` in the same units as `x`
 * (as MediaPipe's hand landmarker gives them). `z` may be left out (taken as 0: a flat hand).
 *
 * @example
 * ```ts
 * const point: HandPoint = { x: 320, y: 240, z: -12 };
 * ```
 */
export interface HandPoint {
  x: number;
  y: number;
  z?: number;
}

/**
 * What the gesture features read from a detected hand: its 21 landmarks in
 * {@link HAND_KEYPOINT_NAMES} order and, optionally, its handedness (`'Left'`/`'Right'`, any
 * case, or a hand-landmarks result's `{ label, score }`; default right). A hand-landmarks
 * result's hands fit as they are.
 *
 * @example
 * ```ts
 * const hand: HandLandmarks = { keypoints: points21, handedness: 'Left' };
 * ```
 */
export interface HandLandmarks {
  keypoints: readonly HandPoint[];
  handedness?: string | { readonly label: string };
}

/** Landmark ids of each digit from its base joint to its tip (thumb first). */
const DIGITS: readonly (readonly number[])[] = [
  [1, 2, 3, 4],
  [5, 6, 7, 8],
  [9, 10, 11, 12],
  [13, 14, 15, 16],
  [17, 18, 19, 20],
];
const WRIST = 0;
const INDEX_MCP = 5;
const MIDDLE_MCP = 9;
const PINKY_MCP = 17;

/** Joint angles: three per digit (thumb CMC/MCP/IP, fingers MCP/PIP/DIP). */
const ANGLE_COUNT = DIGITS.length * 3;

/**
 * Length of a gesture feature vector: 20 landmarks × 3 palm-frame coordinates, then 15 joint
 * flexion angles.
 *
 * @example
 * ```ts
 * const x = tf.tensor2d(rows.flat(), [rows.length, HAND_FEATURE_DIM]);
 * ```
 */
export const HAND_FEATURE_DIM = (HAND_KEYPOINT_NAMES.length - 1) * 3 + ANGLE_COUNT;

type Vec3 = [number, number, number];

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec3): number => Math.sqrt(dot(a, a));
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];

/** The landmarks as 3-D points after checking count and values. */
function readPoints(hand: HandLandmarks): Vec3[] {
  const points = (hand as Partial<HandLandmarks> | null | undefined)?.keypoints;
  if (!Array.isArray(points) || points.length !== HAND_KEYPOINT_NAMES.length) {
    const got = Array.isArray(points) ? `${points.length} keypoints` : 'no keypoints array';
    throw new VisionError('INVALID_INPUT', `a hand needs exactly ${HAND_KEYPOINT_NAMES.length} keypoints (MediaPipe order, wrist first); got ${got}`);
  }
  return Array.from(points, (p: HandPoint | null | undefined, i): Vec3 => {
    const name = `keypoint ${i} (${HAND_KEYPOINT_NAMES[i]})`;
    if (typeof p !== 'object' || p === null) throw new VisionError('INVALID_INPUT', `${name} is ${shownValue(p)}; each keypoint must be an object { x, y, z? }`);
    const z = p.z === undefined ? 0 : p.z; // left out: 0; null (a NaN through JSON) is refused
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || !Number.isFinite(z)) {
      throw new VisionError('INVALID_INPUT', `${name} has x=${shownValue(p.x)}, y=${shownValue(p.y)}, z=${shownValue(p.z)}; each must be a finite number (z may be left out)`);
    }
    return [p.x, p.y, z];
  });
}

/** Whether the hand is a left hand (its handedness says so, any case). */
function isLeft(hand: HandLandmarks): boolean {
  const given = hand.handedness;
  if (given === undefined) return false;
  const handedness = typeof given === 'object' && given !== null ? given.label : given;
  if (typeof handedness !== 'string' || !/^(left|right)$/i.test(handedness)) {
    throw new VisionError('INVALID_INPUT', `handedness is ${shownValue(handedness)}; allowed: 'Left' or 'Right' (any case), or leave it out`);
  }
  return handedness.toLowerCase() === 'left';
}

/**
 * The hand's palm frame: origin at the wrist, unit axes `up` (wrist → middle-finger MCP),
 * `across` (pinky MCP → index MCP, made orthogonal to `up`) and `out` (`up × across`, the
 * palm's normal), and the hand size (wrist → middle-finger MCP distance).
 */
function palmFrame(points: Vec3[]): { axes: [Vec3, Vec3, Vec3]; size: number } {
  const upRaw = sub(points[MIDDLE_MCP], points[WRIST]);
  const size = norm(upRaw);
  const acrossRaw = sub(points[INDEX_MCP], points[PINKY_MCP]);
  const up = scale(upRaw, 1 / size);
  const acrossOrth = sub(acrossRaw, scale(up, dot(acrossRaw, up)));
  const acrossLength = norm(acrossOrth);
  if (!(size > 1e-9) || !(acrossLength > 1e-9 * Math.max(1, size))) {
    throw new VisionError('INVALID_INPUT', 'the hand is degenerate: the wrist, index, middle and pinky MCP landmarks must span a palm (not coincide or lie on one line)');
  }
  const across = scale(acrossOrth, 1 / acrossLength);
  return { axes: [up, across, cross(up, across)], size };
}

/** Angle (radians, 0 = straight) between consecutive bones at `joint`. */
function bend(previous: Vec3, joint: Vec3, next: Vec3): number {
  const a = sub(joint, previous);
  const b = sub(next, joint);
  const cosine = dot(a, b) / (norm(a) * norm(b));
  return Number.isFinite(cosine) ? Math.acos(Math.min(1, Math.max(-1, cosine))) : 0;
}

/**
 * The hand's landmarks in its own palm frame: translated to the wrist, divided by the hand
 * size (wrist → middle-finger MCP), and rotated so that wrist → middle MCP is the first axis,
 * the palm's width (pinky → index MCP) the second and the palm's normal the third. A left hand
 * is mirrored onto a right hand (its third coordinate negated), so the result does not change
 * when the hand is moved, scaled, rotated (in the image plane or in 3-D) or mirrored with its
 * handedness swapped. The wrist (always 0) is left out: 20 points.
 *
 * @example
 * ```ts
 * const points = handInPalmFrame(hand); // 20 × [up, across, out]
 * ```
 */
export function handInPalmFrame(hand: HandLandmarks): [number, number, number][] {
  const points = readPoints(hand);
  const mirror = isLeft(hand) ? -1 : 1;
  const { axes, size } = palmFrame(points);
  return points.slice(1).map((p) => {
    const d = sub(p, points[WRIST]);
    return [dot(d, axes[0]) / size, dot(d, axes[1]) / size, (mirror * dot(d, axes[2])) / size];
  });
}

/**
 * The 15 joint flexion angles in radians (0 = straight): thumb CMC, MCP, IP, then MCP, PIP,
 * DIP of the index, middle, ring and pinky fingers. The CMC and MCP angles are measured from
 * the wrist → base bone. They do not depend on position, size, rotation or mirroring.
 *
 * @example
 * ```ts
 * const [thumbCmc, thumbMcp, thumbIp, indexMcp] = jointAngles(hand);
 * ```
 */
export function jointAngles(hand: HandLandmarks): number[] {
  const points = readPoints(hand);
  return DIGITS.flatMap((digit) => {
    const chain = [points[WRIST], ...digit.map((id) => points[id])];
    return [1, 2, 3].map((j) => bend(chain[j - 1], chain[j], chain[j + 1]));
  });
}

/**
 * The gesture feature vector of a hand ({@link HAND_FEATURE_DIM} values): its landmarks in
 * the palm frame ({@link handInPalmFrame}, 60 values) followed by its joint angles divided by
 * π ({@link jointAngles}, 15 values). Invariant to translation, scale, rotation and mirroring
 * (with handedness). Throws `INVALID_INPUT` for a wrong number of keypoints, non-finite
 * coordinates, an unknown handedness, a degenerate palm, or coordinates so far apart that the
 * features overflow 32-bit floats.
 *
 * @example
 * ```ts
 * const features = handFeatures({ keypoints: hand.keypoints, handedness: hand.handedness });
 * ```
 */
export function handFeatures(hand: HandLandmarks): Float32Array {
  const frame = handInPalmFrame(hand).flat();
  const angles = jointAngles(hand).map((a) => a / Math.PI);
  const features = Float32Array.from([...frame, ...angles]);
  const bad = features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new VisionError('INVALID_INPUT', `the hand's feature ${bad} is ${features[bad]}: its keypoints lie too far apart for its palm size (beyond 32-bit float range); use pixel or normalised coordinates`);
  }
  return features;
}
