import { VisionError } from '../core/errors';
import { knownOptions, optionNames } from '../core/known-options';
import { toRandom } from '../training/random';
import { HAND_KEYPOINT_NAMES } from '../core/hand-keypoints';
import { type DigitPose, type HandPose, type HandProportions, TYPICAL_HAND, type Vec3, poseHand, rotateAbout } from './hand-skeleton';

/**
 * The gestures the generator can pose (and the built-in gesture classifier knows).
 *
 * @example
 * ```ts
 * const label: GestureName = 'thumbs_up';
 * ```
 */
export type GestureName = 'open_palm' | 'fist' | 'pointing' | 'thumbs_up' | 'victory';

/**
 * What a generated hand shows: one of the five gestures, or `none` — a hand in none of them
 * (relaxed, half-bent fingers, other finger patterns such as horns or three fingers).
 *
 * @example
 * ```ts
 * const shown: PosedGesture = 'none';
 * ```
 */
export type PosedGesture = GestureName | 'none';

/**
 * The five posed gestures, in the built-in classifier's class order (its last class is `none`).
 *
 * @example
 * ```ts
 * const hands = generateHandPoses({ gestures: GESTURE_NAMES, perGesture: 20, seed: 1 });
 * ```
 */
export const GESTURE_NAMES: readonly GestureName[] = ['open_palm', 'fist', 'pointing', 'thumbs_up', 'victory'];

/**
 * Everything the generator poses — the five gestures, then `none` — in the built-in
 * classifier's class order.
 *
 * @example
 * ```ts
 * const hands = generateHandPoses({ gestures: POSED_GESTURES, perGesture: 20, seed: 1 });
 * ```
 */
export const POSED_GESTURES: readonly PosedGesture[] = [...GESTURE_NAMES, 'none'];

/** A range of degrees `[min, max]` a joint angle is drawn from (uniformly). */
type Range = readonly [number, number];

/** Angle ranges of one digit: flexion of its three joints, spread, and (thumb) opposition. */
interface DigitRange {
  flex: readonly [Range, Range, Range];
  spread: Range;
  opposition?: Range;
}

const FINGER_STRAIGHT: Omit<DigitRange, 'spread'> = { flex: [[0, 20], [0, 15], [0, 10]] };
const FINGER_CURLED: Omit<DigitRange, 'spread'> = { flex: [[70, 95], [85, 110], [40, 70]] };
const THUMB_OPEN: DigitRange = { flex: [[0, 12], [0, 15], [0, 15]], spread: [5, 25], opposition: [0, 20] };
const THUMB_TUCKED: DigitRange = { flex: [[25, 45], [30, 50], [20, 45]], spread: [-10, 5], opposition: [35, 60] };
const THUMB_UP: DigitRange = { flex: [[0, 10], [0, 15], [0, 15]], spread: [10, 35], opposition: [0, 20] };
const THUMB_HALF: DigitRange = { flex: [[10, 30], [15, 35], [10, 30]], spread: [0, 15], opposition: [15, 40] };
/** Half-bent: clearly neither straight (≤ 20°) nor curled (≥ 70° at the knuckle). */
const FINGER_HALF: Omit<DigitRange, 'spread'> = { flex: [[25, 55], [25, 60], [10, 40]] };

/** Spread ranges per finger (index, middle, ring, pinky) when fanned out or held together. */
const SPREAD_FANNED: readonly Range[] = [[6, 16], [-3, 3], [-12, -4], [-22, -10]];
const SPREAD_CLOSED: readonly Range[] = [[-3, 3], [-3, 3], [-3, 3], [-3, 3]];

function fingers(straight: readonly boolean[], spread: readonly Range[]): DigitRange[] {
  return straight.map((isStraight, f) => ({ ...(isStraight ? FINGER_STRAIGHT : FINGER_CURLED), spread: spread[f] }));
}

/**
 * Angle ranges (degrees) that define each gesture: thumb, then index, middle, ring, pinky.
 * Open palm: all straight and fanned; fist: all curled, the thumb tucked over them; pointing:
 * the index straight; thumbs up: the thumb straight along the curled fingers; victory: index and
 * middle straight and spread into a V.
 */
const GESTURE_RANGES: Readonly<Record<GestureName, readonly DigitRange[]>> = {
  open_palm: [THUMB_OPEN, ...fingers([true, true, true, true], SPREAD_FANNED)],
  fist: [THUMB_TUCKED, ...fingers([false, false, false, false], SPREAD_CLOSED)],
  pointing: [THUMB_TUCKED, ...fingers([true, false, false, false], SPREAD_CLOSED)],
  thumbs_up: [THUMB_UP, ...fingers([false, false, false, false], SPREAD_CLOSED)],
  victory: [THUMB_TUCKED, ...fingers([true, true, false, false], [[8, 18], [-14, -6], [-3, 3], [-3, 3]])],
};

/** A finger's state in a `none` hand: straight, curled or half-bent. */
type FingerState = 'straight' | 'curled' | 'half';
const FINGER_STATES: readonly FingerState[] = ['straight', 'curled', 'half'];
const FINGER_RANGES: Readonly<Record<FingerState, Omit<DigitRange, 'spread'>>> = { straight: FINGER_STRAIGHT, curled: FINGER_CURLED, half: FINGER_HALF };
/** The straight/curled finger patterns (index → pinky) the five gestures use: a `none` hand has another. */
const GESTURE_FINGERS = new Set(['SSSS', 'CCCC', 'SCCC', 'SSCC']);

/**
 * Angle ranges of a `none` hand: each finger straight, curled or half-bent and the thumb in any
 * of its states, drawn again until some finger is half-bent or the fingers make a pattern none
 * of the five gestures has (horns, three fingers, the pinky alone, …). Half of them are relaxed
 * hands, every finger half-bent.
 */
function noneRanges(random: () => number): DigitRange[] {
  const thumbs = [THUMB_OPEN, THUMB_TUCKED, THUMB_UP, THUMB_HALF];
  const thumb = thumbs[Math.floor(random() * thumbs.length)];
  const spread = random() < 0.5 ? SPREAD_FANNED : SPREAD_CLOSED;
  for (;;) {
    const states = random() < 0.5 ? (['half', 'half', 'half', 'half'] as const) : Array.from({ length: 4 }, () => FINGER_STATES[Math.floor(random() * 3)]);
    const pattern = states.map((s) => (s === 'straight' ? 'S' : 'C')).join('');
    if (states.includes('half') || !GESTURE_FINGERS.has(pattern)) return [thumb, ...states.map((s, f) => ({ ...FINGER_RANGES[s], spread: spread[f] }))];
  }
}

/**
 * One generated hand: 21 landmarks in image pixels with relative depth `z` (pixels, 0 at the
 * wrist), named in MediaPipe order, its handedness and the gesture it shows.
 *
 * @example
 * ```ts
 * const [hand] = generateHandPoses({ gestures: ['fist'], perGesture: 1, seed: 3 });
 * hand.keypoints[0]; // { x, y, z, name: 'wrist' }
 * ```
 */
export interface GeneratedHand {
  keypoints: { x: number; y: number; z: number; name: string }[];
  handedness: 'Left' | 'Right';
  gesture: PosedGesture;
}

/**
 * Options of {@link generateHandPoses}.
 *
 * @example
 * ```ts
 * const options: HandPoseOptions = { perGesture: 50, seed: 7, boneJitter: 0.08, noise: 0.01 };
 * ```
 */
export interface HandPoseOptions {
  /** Gestures to pose (default all of {@link GESTURE_NAMES}); `none` poses hands in none of them. */
  gestures?: readonly PosedGesture[];
  /** Hands per gesture (default 20). */
  perGesture?: number;
  seed?: number | (() => number);
  /** Each bone's length is scaled by a factor in `1 ± boneJitter` (default 0.08). */
  boneJitter?: number;
  /** Landmark noise: each coordinate moves by up to ± this share of the hand size (default 0.01). */
  noise?: number;
  /** Left hands share (default 0.5): a left hand is the mirror image of a right hand. */
  leftShare?: number;
  /** `any` (default): a uniformly random 3-D rotation; `none`: upright, palm to the camera. */
  rotation?: 'any' | 'none';
  /**
   * The image the hands are placed in (default 640 × 480): hands 80–240 px tall (in proportion
   * in an image less than 480 px on its shorter side), every landmark inside it.
   */
  imageSize?: { width: number; height: number };
}

const between = (random: () => number, [min, max]: Range): number => min + (max - min) * random();

/** Draws a pose inside a gesture's angle ranges. */
function drawPose(random: () => number, ranges: readonly DigitRange[]): HandPose {
  const digits = ranges.map(
    (r): DigitPose => ({
      flex: [between(random, r.flex[0]), between(random, r.flex[1]), between(random, r.flex[2])],
      spread: between(random, r.spread),
      opposition: r.opposition ? between(random, r.opposition) : undefined,
    }),
  );
  return { digits: digits as HandPose['digits'] };
}

/** Typical proportions with every bone (and base joint) scaled by its own factor in `1 ± jitter`. */
function drawProportions(random: () => number, jitter: number): HandProportions {
  const factor = (): number => 1 + jitter * (2 * random() - 1);
  return {
    bases: TYPICAL_HAND.bases.map((b): Vec3 => [b[0] * factor(), b[1] * factor(), b[2] * factor()]),
    bones: TYPICAL_HAND.bones.map((b): [number, number, number] => [b[0] * factor(), b[1] * factor(), b[2] * factor()]),
  };
}

/** A uniformly random 3-D rotation (a random unit quaternion, Shoemake's method) as a function. */
function drawRotation(random: () => number): (v: Vec3) => Vec3 {
  const [u1, u2, u3] = [random(), random(), random()];
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  const [w, x, y, z] = [a * Math.sin(2 * Math.PI * u2), a * Math.cos(2 * Math.PI * u2), b * Math.sin(2 * Math.PI * u3), b * Math.cos(2 * Math.PI * u3)];
  const angle = 2 * Math.acos(Math.min(1, Math.abs(w)));
  const s = Math.hypot(x, y, z);
  if (s < 1e-12) return (v) => v;
  const axis: Vec3 = w < 0 ? [-x / s, -y / s, -z / s] : [x / s, y / s, z / s];
  return (v) => rotateAbout(v, axis, angle);
}

/** `INVALID_OPTION` unless `value` is undefined or a finite number in `[min, max]` (`max` excluded when `open`). */
function checkShare(value: number | undefined, name: string, min: number, max: number, open = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (open && value === max)) {
    throw new VisionError('INVALID_OPTION', `${name} is ${String(value)}; it must be a number in [${min}, ${max}${open ? ')' : ']'}`);
  }
}

const HAND_POSE_OPTION_NAMES = /* @__PURE__ */ optionNames<HandPoseOptions>()(['gestures', 'perGesture', 'seed', 'boneJitter', 'noise', 'leftShare', 'rotation', 'imageSize']);

function checkOptions(options: HandPoseOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new VisionError('INVALID_OPTION', 'generateHandPoses options must be an object');
  knownOptions(options, 'generateHandPoses options', HAND_POSE_OPTION_NAMES);
  const count = options.perGesture ?? 20;
  if (!Number.isInteger(count) || count < 1) throw new VisionError('INVALID_OPTION', `perGesture is ${count}; it must be a positive integer`);
  if (options.gestures !== undefined && !Array.isArray(options.gestures)) throw new VisionError('INVALID_OPTION', `gestures must be an array of gesture names (${GESTURE_NAMES.join(', ')})`);
  for (const name of options.gestures ?? []) {
    if (name !== 'none' && !Object.hasOwn(GESTURE_RANGES, name)) throw new VisionError('INVALID_OPTION', `unknown gesture '${String(name)}'; allowed: ${GESTURE_NAMES.join(', ')}, none`);
  }
  checkShare(options.boneJitter, 'boneJitter', 0, 1, true);
  checkShare(options.noise, 'noise', 0, 1);
  checkShare(options.leftShare, 'leftShare', 0, 1);
  if (options.rotation !== undefined && options.rotation !== 'any' && options.rotation !== 'none') {
    throw new VisionError('INVALID_OPTION', `rotation is '${String(options.rotation)}'; it must be 'any' (a random 3-D rotation) or 'none' (upright)`);
  }
  const size = options.imageSize;
  if (size !== undefined && !(typeof size === 'object' && size !== null && [size.width, size.height].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 16))) {
    throw new VisionError('INVALID_OPTION', 'imageSize must be { width, height } in pixels, each a number of at least 16');
  }
}

/** Moves the landmarks (a translation: the features do not change) so that all lie inside the image where they fit. */
function keepInside(keypoints: { x: number; y: number }[], width: number, height: number): void {
  const shift = (values: number[], size: number): number => {
    const [min, max] = [Math.min(...values), Math.max(...values)];
    return max - min >= size ? size / 2 - (min + max) / 2 : min < 0 ? -min : max > size ? size - max : 0;
  };
  const dx = shift(keypoints.map((k) => k.x), width);
  const dy = shift(keypoints.map((k) => k.y), height);
  for (const k of keypoints) {
    k.x += dx;
    k.y += dy;
  }
}

/**
 * Generates hand landmarks by posing a 3-D hand skeleton ({@link poseHand}): for each gesture,
 * `perGesture` hands whose joint angles are drawn from the gesture's ranges, with jittered bone
 * lengths, a uniformly random 3-D rotation, random size and position (the whole hand inside the image), and left or right
 * handedness, projected orthographically to image pixels (x right, y down) with depth `z`
 * relative to the wrist (larger = farther from the camera, as MediaPipe's; the skeleton's
 * frame turns by 180° about x, so a right hand stays a right hand), plus a little landmark
 * noise. `none` hands are posed in none of the gestures (see {@link PosedGesture}). Seeded:
 * the same seed gives the same hands.
 *
 * @example
 * ```ts
 * const train = generateHandPoses({ perGesture: 40, seed: 1 });
 * const heldOut = generateHandPoses({ perGesture: 20, seed: 2 });
 * const resting = generateHandPoses({ gestures: ['none'], perGesture: 20, seed: 3 });
 * ```
 */
export function generateHandPoses(options: HandPoseOptions = {}): GeneratedHand[] {
  checkOptions(options);
  const random = toRandom(options.seed);
  const { width, height } = options.imageSize ?? { width: 640, height: 480 };
  const boneJitter = options.boneJitter ?? 0.08;
  const noise = options.noise ?? 0.01;
  // hands 80–240 px tall in a 480-px-high image, in proportion in a smaller one
  const scale = Math.min(1, Math.min(width, height) / 480);
  const hands: GeneratedHand[] = [];
  for (const gesture of options.gestures ?? GESTURE_NAMES) {
    for (let i = 0; i < (options.perGesture ?? 20); i++) {
      const ranges = gesture === 'none' ? noneRanges(random) : GESTURE_RANGES[gesture];
      const points = poseHand(drawPose(random, ranges), drawProportions(random, boneJitter));
      const left = random() < (options.leftShare ?? 0.5);
      const rotate = options.rotation === 'none' ? (v: Vec3): Vec3 => v : drawRotation(random);
      const pixelsPerCm = ((80 + 160 * random()) / 18) * scale;
      const centre = { x: width * (0.2 + 0.6 * random()), y: height * (0.2 + 0.6 * random()) };
      const jitter = (): number => noise * 8.8 * pixelsPerCm * (2 * random() - 1);
      const placed = points.map((p) => rotate([left ? -p[0] : p[0], p[1], p[2]]));
      const keypoints = placed.map((p, k) => ({
        x: centre.x + pixelsPerCm * p[0] + jitter(),
        y: centre.y - pixelsPerCm * p[1] + jitter(),
        z: pixelsPerCm * (placed[0][2] - p[2]) + jitter(),
        name: HAND_KEYPOINT_NAMES[k],
      }));
      keepInside(keypoints, width, height);
      hands.push({ keypoints, handedness: left ? 'Left' : 'Right', gesture });
    }
  }
  return hands;
}
