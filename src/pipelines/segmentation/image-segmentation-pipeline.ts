import { VisionError } from '../../core/errors';
import { optionalBoolean } from '../../core/optional-boolean';
import type { ImageInput } from '../../core/image-input';
import { Mask } from '../../core/mask';
import type { InputTransform } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { SELFIE_SEGMENTATION, type SegmentationModelSpec } from '../../models/segmentation-cards';
import { inputPlaneToSource } from '../../postprocess/masks/to-source';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { ModelPipeline } from '../shared/model-pipeline';
import { optionsObject, runOptionsObject } from '../shared/options';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { resolveModel } from '../shared/resolve-model';
import { finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { firstOutput } from '../shared/outputs';
import { withMapOutput } from '../shared/map-output';
import { shownValue } from '../../core/shown-value';
import { checkSegmentationHead, checkWholeImageInput } from './segmentation-card-check';
import type { ImageSegmentationOptions, ImageSegmentationResult, ImageSegmentationRunOptions } from './segmentation-types';

/** Most labels a category mask holds: one byte per pixel, as MediaPipe's `categoryMask`. */
const MAX_CATEGORY_LABELS = 256;

/** Throws `INVALID_OPTION` when a category mask is asked of a card with more labels than it holds. */
function checkCategoryLabels(spec: ModelSpec, wantCategory: boolean): void {
  if (wantCategory && spec.labels.length > MAX_CATEGORY_LABELS) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' has ${spec.labels.length} labels; a category mask holds up to ${MAX_CATEGORY_LABELS} (one byte per pixel): pass outputCategoryMask: false`);
  }
}

/** Whether the two planes of a two-label output are complementary (1-channel output or softmax): then the background is 1 − foreground at any size. */
function complementaryPair(output: RawTensor, spec: SegmentationModelSpec): boolean {
  const channels = spec.input.layout === 'nchw' ? output.dims[1] : output.dims[3];
  return channels === 1 || spec.segmentation?.activation === 'softmax';
}

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<ImageSegmentationRunOptions>()(['outputCategoryMask', 'outputConfidenceMasks']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<ImageSegmentationOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec']);

/**
 * Per-label probability planes (each `width`×`height`, row-major, at the model's output size)
 * from a segmentation output, read as the card's head says (activation, foreground channel).
 *
 * @example
 * ```ts
 * const { planes, width, height } = labelProbabilities(firstOutput(outputs, spec), spec);
 * ```
 */
export function labelProbabilities(output: RawTensor, spec: SegmentationModelSpec): { planes: Float32Array[]; width: number; height: number } {
  const d = output.dims;
  if (d.length !== 4 || d[0] !== 1 || !(output.data instanceof Float32Array)) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}': segmentation output is ${output.dtype} [${d.join(',')}]; expected float32 [1, H, W, C] (or [1, C, H, W] for NCHW models)`);
  }
  const nchw = spec.input.layout === 'nchw';
  const [height, width, channels] = nchw ? [d[2], d[3], d[1]] : [d[1], d[2], d[3]];
  const pixels = width * height;
  const data = output.data;
  const at = (c: number, p: number) => (nchw ? data[c * pixels + p] : data[p * channels + c]);
  const head = spec.segmentation ?? {};
  const activation = head.activation ?? 'none';
  const squash = (v: number) => (activation === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : v);
  if (channels === 1) {
    const fg = new Float32Array(pixels);
    for (let p = 0; p < pixels; p++) fg[p] = squash(at(0, p));
    const bg = fg.map((v) => 1 - v);
    const foreground = head.foregroundChannel ?? 1;
    return { planes: foreground === 0 ? [fg, bg] : [bg, fg], width, height };
  }
  const planes = Array.from({ length: channels }, () => new Float32Array(pixels));
  for (let p = 0; p < pixels; p++) {
    if (activation === 'softmax') {
      let max = -Infinity;
      for (let c = 0; c < channels; c++) max = Math.max(max, at(c, p));
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += Math.exp(at(c, p) - max);
      for (let c = 0; c < channels; c++) planes[c][p] = Math.exp(at(c, p) - max) / sum;
    } else {
      for (let c = 0; c < channels; c++) planes[c][p] = squash(at(c, p));
    }
  }
  return { planes, width, height };
}

/**
 * A model-input-aligned probability plane mapped onto the whole source image
 * (`transform.sourceWidth`×`sourceHeight`, zeros where the plane has no data).
 *
 * @example
 * ```ts
 * const person = planeToSource(planes[1], width, height, transform);
 * ```
 */
export function planeToSource(plane: Float32Array, width: number, height: number, transform: InputTransform): Float32Array {
  const source = inputPlaneToSource({ width, height, bounds: { x: 0, y: 0, width, height }, data: plane }, transform);
  if (source.bounds.width === transform.sourceWidth && source.bounds.height === transform.sourceHeight) return source.data;
  const out = new Float32Array(transform.sourceWidth * transform.sourceHeight);
  const b = source.bounds;
  for (let r = 0; r < b.height; r++) out.set(source.data.subarray(r * b.width, (r + 1) * b.width), (b.y + r) * transform.sourceWidth + b.x);
  return out;
}

/**
 * Semantic / person segmentation: a probability per label and pixel at the input frame's
 * size, and the label map — MediaPipe `ImageSegmenter`'s `confidenceMasks` and
 * `categoryMask`. Masks are owned {@link Mask}s: close them when done.
 *
 * @example
 * ```ts
 * const segmenter = await createImageSegmentationPipeline();
 * const { confidenceMasks, categoryMask } = await segmenter.run(frame);
 * const person = confidenceMasks![1]; // 'person'
 * ```
 */
export class ImageSegmentationPipeline extends ModelPipeline implements Pipeline<ImageSegmentationRunOptions, ImageSegmentationResult> {
  readonly task = 'image-segmentation';

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: ImageSegmentationRunOptions,
  ) {
    super(spec, runner, ownsRunner);
  }

  /**
   * Segments one image: per-label probability masks and the label map at the image's size.
   *
   * @throws VisionError `INVALID_INPUT` (bad image), `MODEL_FORMAT` (an output that is not a
   * `[1, H, W, C]` float map), `INVALID_OPTION` (a category mask of a card with over 256 labels), `DISPOSED`.
   * @example
   * ```ts
   * const { categoryMask } = await segmenter.run(frame, { outputConfidenceMasks: false });
   * ```
   */
  async run(input: ImageInput, options: ImageSegmentationRunOptions = {}): Promise<ImageSegmentationResult> {
    this.assertUsable();
    runOptionsObject(options, RUN_OPTION_NAMES);
    const wantCategory = optionalBoolean(options.outputCategoryMask, 'outputCategoryMask') ?? this.defaults.outputCategoryMask ?? true;
    const wantConfidence = optionalBoolean(options.outputConfidenceMasks, 'outputConfidenceMasks') ?? this.defaults.outputConfidenceMasks ?? true;
    checkCategoryLabels(this.spec, wantCategory);
    const stage = await preprocessAndInfer(this.runner, this.spec, input);
    const postStart = now();
    const output = firstOutput(stage.outputs, this.spec);
    const { planes, width, height } = labelProbabilities(output, this.spec);
    if (planes.length !== this.spec.labels.length) {
      throw new VisionError('MODEL_FORMAT', `model '${this.spec.id}' gives ${planes.length} classes (output [${output.dims.join(',')}]) but its card has ${this.spec.labels.length} labels: give the card one label per class${layoutNote(this.spec)}`);
    }
    const { transform } = stage;
    // Two complementary labels (background / person): resize the person plane only — bilinear
    // resizing is linear, so the background is 1 − person at the frame's size too (up to float
    // rounding). Independent sigmoid channels are resized each. The resize's float32 weights can
    // sum to a hair over 1 (as PyTorch's do): probabilities are cut to 0–1, so that a background
    // of 1 − person is never −1.2e-7.
    const probabilities =
      planes.length === 2 && complementaryPair(output, this.spec as SegmentationModelSpec)
        ? complementOf(planeToSource(planes[1], width, height, transform))
        : planes.map((plane) => clampToUnit(planeToSource(plane, width, height, transform)));
    const { sourceWidth: w, sourceHeight: h } = transform;
    const result: ImageSegmentationResult = { labels: this.spec.labels, imageSize: { width: w, height: h }, timing: finishTiming(stage, postStart) };
    if (wantCategory) {
      const category = new Uint8Array(w * h);
      for (let p = 0; p < category.length; p++) {
        let best = 0;
        for (let c = 1; c < probabilities.length; c++) if (probabilities[c][p] > probabilities[best][p]) best = c;
        category[p] = best;
      }
      result.categoryMask = Mask.create('category', w, h, category);
    }
    if (wantConfidence) result.confidenceMasks = probabilities.map((p) => Mask.create('probability', w, h, p));
    result.timing = finishTiming(stage, postStart);
    return result;
  }
}

/**
 * Creates an image-segmentation pipeline (default model: MediaPipe Selfie, `selfie-segmentation`).
 *
 * @example
 * ```ts
 * const segmenter = await createImageSegmentationPipeline({ model: MEET_SEGMENTATION });
 * ```
 */
export async function createImageSegmentationPipeline(options: ImageSegmentationOptions = {}): Promise<ImageSegmentationPipeline> {
  optionsObject(options, 'image-segmentation options', OPTION_NAMES);
  const model = await resolveModel('image-segmentation', SELFIE_SEGMENTATION.id, { ...options, model: options.model ?? SELFIE_SEGMENTATION }, options.spec);
  return disposeOnFailure([model], () => {
    const { runner, ownsRunner } = model;
    const spec = withMapOutput(model.spec, runner, 'image-segmentation');
    if (spec.family !== 'semantic') {
      throw new VisionError('INVALID_OPTION', `model '${spec.id}' has family ${shownValue(spec.family)}; image-segmentation takes family 'semantic' (per-pixel class maps; Mask R-CNN and YOLO-seg are 'instance-segmentation' models)`);
    }
    checkWholeImageInput(spec, 'image-segmentation');
    checkSegmentationHead(spec.id, (spec as SegmentationModelSpec).segmentation);
    const outputCategoryMask = optionalBoolean(options.outputCategoryMask, 'outputCategoryMask');
    const outputConfidenceMasks = optionalBoolean(options.outputConfidenceMasks, 'outputConfidenceMasks');
    checkCategoryLabels(spec, outputCategoryMask ?? true);
    checkStatedClasses(spec, runner);
    return new ImageSegmentationPipeline(spec, runner, ownsRunner, { outputCategoryMask, outputConfidenceMasks });
  });
}

/** How the map output was read: in the input's layout (a class map channels-last from an NCHW-input model cannot be read). */
const layoutNote = (spec: SegmentationModelSpec): string =>
  ` (the output is read in the card's input.layout, ${spec.input.layout === 'nchw' ? "'nchw': [1, classes, height, width]" : "'nhwc': [1, height, width, classes]"})`;

/**
 * `MODEL_FORMAT` at creation when the model states its map output's size and its classes (one
 * channel: background and foreground) are not the card's labels; the run checks it otherwise.
 */
function checkStatedClasses(spec: SegmentationModelSpec, runner: ModelRunner): void {
  const name = spec.outputs?.[0];
  const output = name === undefined ? runner.outputs[0] : runner.outputs.find((o) => o.name === name);
  if (!output || output.shape.length !== 4) return;
  const channels = spec.input.layout === 'nchw' ? output.shape[1] : output.shape[3];
  const classes = channels === 1 ? 2 : channels;
  if (channels > 0 && classes !== spec.labels.length) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}' gives ${classes} classes (output '${output.name}' [${output.shape.join(',')}]) but its card has ${spec.labels.length} labels: give the card one label per class${layoutNote(spec)}`);
  }
}

/** Cuts each value of `plane` to 0–1 in place. */
function clampToUnit(plane: Float32Array): Float32Array {
  for (let p = 0; p < plane.length; p++) if (plane[p] > 1) plane[p] = 1;
  else if (plane[p] < 0) plane[p] = 0;
  return plane;
}

/** [1 − foreground, foreground] with the foreground cut to 0–1 in place first. */
function complementOf(foreground: Float32Array): [Float32Array, Float32Array] {
  const background = new Float32Array(foreground.length);
  for (let p = 0; p < foreground.length; p++) {
    const v = Math.min(1, Math.max(0, foreground[p]));
    foreground[p] = v;
    background[p] = 1 - v;
  }
  return [background, foreground];
}
