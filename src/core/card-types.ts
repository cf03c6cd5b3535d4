/**
 * The vocabulary of model cards: what a model's input must look like, its file format and the
 * settings of its decoders. Model cards (`models/`) are written in these types and the layers
 * that act on them (`preprocess/`, `postprocess/`, `runtime/`) read them, so they live here,
 * below both.
 */

/**
 * Pixel interpolation for resizing. `bilinear` matches OpenCV's INTER_LINEAR (half-pixel centres;
 * no area averaging when shrinking). `nearest` samples half-pixel centres like PIL NEAREST and torch
 * 'nearest-exact' — not OpenCV's INTER_NEAREST, which samples floor(x · in/out).
 *
 * @example `resize(img, 224, 224, 'nearest')`
 */
export type Interpolation = 'bilinear' | 'nearest';

/**
 * How pixel values (0–255) become model input values: `(x * scale - mean) / std` per channel.
 * Presets: `'none'` (0–255), `'unit'` (0–1), `'symmetric'` (−1–1), `'imagenet'` (0–1 then
 * ImageNet mean/std).
 *
 * @example
 * ```ts
 * const nanodet: Normalization = { mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] };
 * ```
 */
export type Normalization =
  | 'none'
  | 'unit'
  | 'symmetric'
  | 'imagenet'
  | { scale?: number; mean?: readonly number[]; std?: readonly number[] };

/**
 * Everything a model needs its input to look like. Model specs carry one; pipelines pass it
 * to {@link prepareImage}.
 *
 * @example
 * ```ts
 * const spec: InputSpec = { width: 640, height: 640, fit: 'letterbox', normalization: 'unit', layout: 'nchw' };
 * ```
 */
export interface InputSpec {
  width: number;
  height: number;
  /** `stretch` (resize ignoring aspect), `letterbox` (Ultralytics), `center-crop`. Default `stretch`. */
  fit?: 'stretch' | 'letterbox' | 'center-crop';
  /**
   * With `fit: 'center-crop'`, the share (0–1] of the scaled image the crop keeps, as
   * torchvision's classic evaluation transform and timm's `crop_pct`: the image is scaled,
   * aspect kept, so that it covers the input grown by `1 / cropFraction` (the covering side
   * gets `⌊side / cropFraction⌋` pixels), then the input's size is cut from its middle. For a
   * square input exactly `Resize(⌊size / cropFraction⌋)` + `CenterCrop(size)` — `0.875` with 224
   * is `Resize(256)` + `CenterCrop(224)`; for another, timm's `ResizeKeepRatio` sizes. No side
   * may scale past 16384. Absent: the largest centred crop of the input's shape, resized.
   */
  cropFraction?: number;
  /**
   * Shrink with a filter widened by the downscale factor (Pillow's and torchvision's
   * antialiased bilinear resize) instead of sampling 2 × 2 pixels per input pixel. Default
   * false (OpenCV `INTER_LINEAR`, `tf.image.resizeBilinear`). Bilinear only; frames it shrinks
   * are filtered separably from their pixels in memory (by gathers on GPU backends), not by the
   * samplers that read 2 × 2 pixels per sample — slower on large photos.
   */
  antialias?: boolean;
  interpolation?: Interpolation;
  /** Channel order of the model; `mean`/`std` of `normalization` are in this order. Default `rgb`. */
  channelOrder?: 'rgb' | 'bgr';
  /** Letterbox pad value in 0–255 pixel units (default 114). */
  padValue?: number;
  normalization?: Normalization;
  layout?: 'nhwc' | 'nchw';
  dtype?: 'float32' | 'int32';
}

/** The tfjs backends visionpipe can select, fastest first. @example `const b: TfjsBackendName = 'wasm';` */
export type TfjsBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Model file formats visionpipe runs. @example `loadModel(bytes, { format: 'onnx' })` */
export type ModelFormat = 'onnx' | 'tfjs' | 'tfjs-packed';

/** Keypoint set ids. @example `const id: KeypointSetId = 'blazepose-33';` */
export type KeypointSetId = 'coco-17' | 'blazepose-33';

/**
 * Options of {@link mediapipeSsdAnchors}: the fields of MediaPipe's
 * `SsdAnchorsCalculatorOptions`, in camelCase, with the same defaults.
 *
 * @example
 * ```ts
 * const options: MediapipeAnchorOptions = {
 *   numLayers: 4, minScale: 0.1484375, maxScale: 0.75, inputSizeWidth: 128, inputSizeHeight: 128,
 *   strides: [8, 16, 16, 16], aspectRatios: [1], fixedAnchorSize: true,
 * };
 * ```
 */
export interface MediapipeAnchorOptions {
  /** Number of output layers (usually `strides.length`). */
  numLayers: number;
  /** Scale of the first layer's anchors, relative to the input size. */
  minScale: number;
  /** Scale of the last layer's anchors. */
  maxScale: number;
  inputSizeWidth: number;
  inputSizeHeight: number;
  /** Anchor centre within its cell, in cells. Default 0.5. */
  anchorOffsetX?: number;
  /** Default 0.5. */
  anchorOffsetY?: number;
  /** Stride of each layer in input pixels; the grid is `ceil(inputSize / stride)`. */
  strides: readonly number[];
  /** Explicit grid sizes per layer (instead of strides; both arrays of length `numLayers`). */
  featureMapWidth?: readonly number[];
  featureMapHeight?: readonly number[];
  /** Aspect ratios (width / height) of each layer's anchors. */
  aspectRatios: readonly number[];
  /** First layer: 3 predefined anchors (scale 0.1 ratio 1, and ratios 2 and 0.5). Default false. */
  reduceBoxesInLowestLayer?: boolean;
  /** When > 0, one more anchor per layer with scale `sqrt(scale · nextScale)` and this ratio. Default 1. */
  interpolatedScaleAspectRatio?: number;
  /** All anchors get `w = h = 1` (the model regresses sizes directly). Default false. */
  fixedAnchorSize?: boolean;
}

/**
 * Options of {@link decodeMediapipeSsd}: MediaPipe's `TensorsToDetectionsCalculatorOptions`
 * in camelCase (same defaults), plus the input size in pixels for the output.
 *
 * @example
 * ```ts
 * const blazeface: MediapipeSsdDecodeOptions = {
 *   inputWidth: 128, inputHeight: 128, xScale: 128, yScale: 128, wScale: 128, hScale: 128,
 *   numKeypoints: 6, reverseOutputOrder: true, sigmoidScore: true, scoreClippingThresh: 100, minScoreThresh: 0.75,
 * };
 * ```
 */
export interface MediapipeSsdDecodeOptions {
  /** Model input size: normalised results are multiplied by it. */
  inputWidth: number;
  inputHeight: number;
  /** Divisors of the raw offsets (usually the input size). */
  xScale: number;
  yScale: number;
  wScale: number;
  hScale: number;
  /** Keypoints per box. Default 0. */
  numKeypoints?: number;
  /** Where the 4 box values start in each row. Default 0. */
  boxCoordOffset?: number;
  /** Where the keypoints start in each row. Default `boxCoordOffset + 4`. */
  keypointCoordOffset?: number;
  /** Values per keypoint in the row (the first two are used). Default 2. */
  numValuesPerKeypoint?: number;
  /** `true`: rows are `x, y, w, h` and keypoints `x, y` (most MediaPipe models); `false` (default): `y, x, h, w`. */
  reverseOutputOrder?: boolean;
  /** Sizes are `exp(raw / scale) · anchor` instead of `raw / scale · anchor`. Default false. */
  applyExponentialOnBoxSize?: boolean;
  /** Apply a sigmoid to the raw scores. Default false (scores used as they are). */
  sigmoidScore?: boolean;
  /** Clamp raw scores to `[-t, t]` before the sigmoid. Default: no clamp. */
  scoreClippingThresh?: number;
  /** Keep candidates whose best class score is `>=` this. Default: keep all. */
  minScoreThresh?: number;
}

/**
 * Options of {@link torchvisionDefaultBoxes}: `DefaultBoxGenerator`'s arguments plus the
 * feature-map grid sizes and the image size that its `forward` reads from tensors.
 *
 * @example
 * ```ts
 * const options: DefaultBoxOptions = {
 *   aspectRatios: [[2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [2, 3]], minRatio: 0.2, maxRatio: 0.95,
 *   gridSizes: [[20, 20], [10, 10], [5, 5], [3, 3], [2, 2], [1, 1]], imageWidth: 320, imageHeight: 320,
 * };
 * ```
 */
export interface DefaultBoxOptions {
  /** Extra aspect ratios per level (each adds 2 boxes per cell: `r` and `1/r`). */
  aspectRatios: readonly (readonly number[])[];
  /** Smallest scale, when `scales` is not given. Default 0.15. */
  minRatio?: number;
  /** Largest scale, when `scales` is not given. Default 0.9. */
  maxRatio?: number;
  /** Explicit scales, one per level plus one (the last is only used for the interpolated box). */
  scales?: readonly number[];
  /** Per-level step in pixels; the cell centres are then `(i + 0.5) · step / size`. Default: from the grid. */
  steps?: readonly number[];
  /** Clamp the relative box sizes to [0, 1] (not the positions). Default true. */
  clip?: boolean;
  /** `[height, width]` of each level's feature map. */
  gridSizes: readonly (readonly [number, number])[];
  imageWidth: number;
  imageHeight: number;
  /** Output layout: `xyxy` (torchvision's output, default) or `cxcywh`, both in pixels. */
  format?: 'xyxy' | 'cxcywh';
}

/**
 * Options of {@link decodeTorchvisionBoxes} (torchvision `BoxCoder`).
 *
 * @example
 * ```ts
 * const coder: BoxCoderOptions = { weights: [10, 10, 5, 5], bboxXformClip: Math.log(1000 / 16) };
 * ```
 */
export interface BoxCoderOptions {
  /** `(wx, wy, ww, wh)` divisors of the encoded offsets. Default `[10, 10, 5, 5]` (SSD). */
  weights?: readonly [number, number, number, number];
  /** Upper clamp of the log-size offsets before `exp`. Default `log(1000 / 16)`. */
  bboxXformClip?: number;
}
