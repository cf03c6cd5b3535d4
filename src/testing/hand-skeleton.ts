/**
 * A 3-D skeleton of a right hand that can be posed joint by joint: where its joints sit,
 * how long its bones are, and the forward kinematics that turn joint angles into the 21
 * landmark positions (MediaPipe order). Units are centimetres of a typical adult hand.
 *
 * The hand's own frame: the palm lies in the x–y plane with the wrist at the origin, the
 * fingers point along +y, the thumb is on the +x side and the palm faces +z (fingers curl
 * towards +z).
 */

/** A 3-D point or direction. @example `const v: Vec3 = [0, 1, 0];` */
export type Vec3 = [number, number, number];

/**
 * How one finger (or the thumb) is posed, in degrees. `flex` bends the three joints from the
 * base to the tip (fingers MCP, PIP, DIP; thumb CMC, MCP, IP); `spread` turns the finger in the
 * palm plane towards the thumb (positive) or the pinky (negative); the thumb's `opposition`
 * swings it out of the palm plane towards the palm side.
 *
 * @example
 * ```ts
 * const straightIndex: DigitPose = { flex: [0, 0, 0], spread: 10 };
 * ```
 */
export interface DigitPose {
  flex: [number, number, number];
  spread: number;
  /** Thumb only: rotation towards the palm side (degrees). */
  opposition?: number;
}

/**
 * A whole hand's pose: thumb, index, middle, ring and pinky, in that order.
 *
 * @example
 * ```ts
 * const pose: HandPose = { digits: [thumb, index, middle, ring, pinky] };
 * ```
 */
export interface HandPose {
  digits: [DigitPose, DigitPose, DigitPose, DigitPose, DigitPose];
}

/**
 * A hand's proportions: where each digit's base joint sits (thumb CMC, finger MCPs) and its
 * three bone lengths from the base to the tip.
 *
 * @example
 * ```ts
 * const bigger = { ...TYPICAL_HAND, bones: TYPICAL_HAND.bones.map((b) => b.map((l) => l * 1.1)) };
 * ```
 */
export interface HandProportions {
  bases: readonly Vec3[];
  bones: readonly (readonly [number, number, number])[];
}

/**
 * Proportions of a typical adult hand (cm): wrist → middle MCP 8.8 cm; phalanx lengths
 * after anthropometric tables (index 4.0/2.4/2.0, middle 4.5/2.8/2.2, ring 4.2/2.7/2.1,
 * pinky 3.3/1.9/1.8; thumb metacarpal 4.0, proximal 3.0, distal 2.5).
 *
 * @example
 * ```ts
 * const points = poseHand(pose, TYPICAL_HAND);
 * ```
 */
export const TYPICAL_HAND: HandProportions = {
  bases: [
    [2.2, 2.0, 0.6],
    [2.3, 8.4, 0],
    [0, 8.8, 0],
    [-2.0, 8.3, 0],
    [-3.8, 7.3, 0],
  ],
  bones: [
    [4.0, 3.0, 2.5],
    [4.0, 2.4, 2.0],
    [4.5, 2.8, 2.2],
    [4.2, 2.7, 2.1],
    [3.3, 1.9, 1.8],
  ],
};

const RADIANS = Math.PI / 180;

const normalize = (v: Vec3): Vec3 => {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
};
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const addScaled = (a: Vec3, b: Vec3, s: number): Vec3 => [a[0] + b[0] * s, a[1] + b[1] * s, a[2] + b[2] * s];

/**
 * Rodrigues' rotation of `v` about the unit `axis` by `angle` radians.
 *
 * @example
 * ```ts
 * rotateAbout([0, 1, 0], [0, 0, 1], Math.PI / 2); // ≈ [-1, 0, 0]
 * ```
 */
export function rotateAbout(v: Vec3, axis: Vec3, angle: number): Vec3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const k = cross(axis, v);
  const d = axis[0] * v[0] + axis[1] * v[1] + axis[2] * v[2];
  return [v[0] * c + k[0] * s + axis[0] * d * (1 - c), v[1] * c + k[1] * s + axis[1] * d * (1 - c), v[2] * c + k[2] * s + axis[2] * d * (1 - c)];
}

/** Rest direction of each digit's first bone: fingers along +y, the thumb up and out (+x). */
const REST_DIRECTIONS: readonly Vec3[] = [normalize([0.8, 1, 0]), [0, 1, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]];
/** Where each digit bends to: the fingers towards the palm side, the thumb across the palm. */
const FLEX_TARGETS: readonly Vec3[] = [normalize([-1, 0.2, 1]), [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]];
const PALM_NORMAL: Vec3 = [0, 0, 1];

/**
 * Forward kinematics: the 21 landmarks (MediaPipe order) of a right hand in its own frame
 * (see the module comment) for a pose and proportions. Each digit starts along its rest
 * direction, turns by `spread` about the palm normal (and the thumb by `opposition` towards
 * the palm side), then each joint bends by its `flex` angle about the digit's fixed hinge axis.
 *
 * @example
 * ```ts
 * const points = poseHand({ digits: [thumb, index, middle, ring, pinky] }); // 21 × [x, y, z]
 * ```
 */
export function poseHand(pose: HandPose, proportions: HandProportions = TYPICAL_HAND): Vec3[] {
  const points: Vec3[] = [[0, 0, 0]];
  pose.digits.forEach((digit, d) => {
    let direction = rotateAbout(REST_DIRECTIONS[d], PALM_NORMAL, -digit.spread * RADIANS);
    if (digit.opposition) direction = rotateAbout(direction, normalize(cross(PALM_NORMAL, direction)), -digit.opposition * RADIANS);
    const hinge = normalize(cross(direction, FLEX_TARGETS[d]));
    let joint = proportions.bases[d];
    points.push(joint);
    for (let j = 0; j < 3; j++) {
      direction = rotateAbout(direction, hinge, digit.flex[j] * RADIANS);
      joint = addScaled(joint, direction, proportions.bones[d][j]);
      points.push(joint);
    }
  });
  return points;
}
