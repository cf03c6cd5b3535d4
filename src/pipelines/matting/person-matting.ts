/**
 * Matting with a person-segmentation model (MediaPipe Selfie, Google Meet): the person
 * probability at model size, smoothed over time in video mode (in place at model size), and
 * brought to the frame's size — refined by a fast guided filter (He & Sun) that fits its
 * coefficients on a coarse grid and applies them to the frame's pixels read in place, in the
 * same pass that produces the frame-size matte.
 */
import { VisionError } from '../../core/errors';
import { knownOptions, optionNames } from '../../core/known-options';
import * as tf from '@tensorflow/tfjs';
import { type ImageInput, classifyImageInput } from '../../core/image-input';
import type { InputTransform } from '../../core/types';
import type { SegmentationModelSpec } from '../../models/segmentation-cards';
import { FastGuidedFilterWorkspace, type GuidePixels, fastGuidedFilterInto, fastGuidedGridSize } from '../../postprocess/masks/fast-guided-filter';
import { PlanePool } from '../../core/plane-pool';
import { cropPlane, letterboxContent } from '../../postprocess/masks/to-source';
import { resizePlane } from '../../postprocess/masks/upsample';
import { smoothWithPrevious } from '../../postprocess/masks/temporal-smoothing';
import { prepareInput } from '../../preprocess/prepare-input';
import { openFrame } from '../../preprocess/sampling/open-frame';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { shownValue } from '../../core/shown-value';
import { firstOutput } from '../shared/outputs';
import { finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { labelProbabilities } from '../segmentation/image-segmentation-pipeline';
import type { MatteOutput, MattingRefineOptions } from './matting-types';

/** Default guided-filter ε (guide in 0–1): follows edges of ~0.03 contrast and up. */
const DEFAULT_EPSILON = 1e-3;
/** Default longest side of the refinement's working size where the frame's pixels must be sampled (not in memory). */
const DEFAULT_REFINE_SIDE = 1280;
/** Default longest side of the grid the filter's coefficients are fitted on (half the models' 256). */
const DEFAULT_GRID_SIDE = 128;
/** Default weight of the previous frame's matte where this one is unsure (MediaPipe's 0.7). @example `new PersonMatting(spec, runner, DEFAULT_MATTE_SMOOTHING)` */
export const DEFAULT_MATTE_SMOOTHING = 0.7;

/**
 * Checks a temporal-smoothing weight (any matting model takes it: unused by RVM, still checked).
 *
 * @throws VisionError `INVALID_OPTION` unless a number in [0, 1] or false.
 * @example
 * ```ts
 * checkMatteSmoothing(0.7);
 * ```
 */
export function checkMatteSmoothing(smoothing: unknown): void {
  if (smoothing !== false && !(typeof smoothing === 'number' && smoothing >= 0 && smoothing <= 1)) {
    throw new VisionError('INVALID_OPTION', `smoothing is ${shownValue(smoothing)}; it must be a number in [0, 1] or false`);
  }
}

const REFINE_OPTION_NAMES = /* @__PURE__ */ optionNames<MattingRefineOptions>()(['radius', 'epsilon', 'maxSide', 'gridSide']);

/** Checked refinement settings (radius undefined: chosen from the working size; maxSide undefined: see {@link openGuide}). */
interface Refinement {
  radius?: number;
  epsilon: number;
  maxSide?: number;
  gridSide: number;
}

/**
 * Checks refinement settings (any matting model takes them: unused by RVM, still checked).
 *
 * @throws VisionError `INVALID_OPTION` for a radius, ε, maxSide or gridSide out of range, or another name.
 * @example
 * ```ts
 * resolveRefine({ radius: 4 }); // { radius: 4, epsilon: 1e-3, maxSide: undefined, gridSide: 128 }
 * ```
 */
export function resolveRefine(options: MattingRefineOptions): Refinement {
  knownOptions(options, 'refine', REFINE_OPTION_NAMES);
  const { radius, epsilon = DEFAULT_EPSILON, maxSide, gridSide = DEFAULT_GRID_SIDE } = options;
  if (radius !== undefined && !(Number.isInteger(radius) && radius >= 1)) throw new VisionError('INVALID_OPTION', `refine.radius is ${shownValue(radius)}; it must be a positive integer (pixels)`);
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new VisionError('INVALID_OPTION', `refine.epsilon is ${shownValue(epsilon)}; it must be a finite number > 0`);
  if (maxSide !== undefined && !(Number.isInteger(maxSide) && maxSide >= 16)) throw new VisionError('INVALID_OPTION', `refine.maxSide is ${shownValue(maxSide)}; it must be an integer ≥ 16 (pixels)`);
  if (!(Number.isInteger(gridSide) && gridSide >= 16)) throw new VisionError('INVALID_OPTION', `refine.gridSide is ${shownValue(gridSide)}; it must be an integer ≥ 16 (pixels)`);
  return { radius, epsilon, maxSide, gridSide };
}

/** The refinement's guide at the working size: its pixels (read right before use) and what to free after. */
interface OpenGuide {
  width: number;
  height: number;
  read(): GuidePixels;
  release(): void;
}

/** Whether opening this input yields its pixels in CPU memory (not a GPU texture or tensor). */
function pixelsInMemory(input: ImageInput): boolean {
  const kind = classifyImageInput(input);
  return kind === 'raw' || kind === 'image-data' || kind === 'path' || kind === 'encoded' || tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
}

/**
 * The guide of a frame at the working size: the frame's own pixels in place where they are in
 * memory and its longer side is at most `maxSide` (any size when `maxSide` is undefined: applying
 * the filter to pixels in place costs less than sampling a smaller guide and resizing the
 * result — 4.5 against 20 ms at 1920×1280), else the frame sampled to RGB in 0–1 by the house's
 * preprocessing, its longer side at most `maxSide` (default {@link DEFAULT_REFINE_SIDE}).
 */
async function openGuide(input: ImageInput, width: number, height: number, maxSide: number | undefined): Promise<OpenGuide> {
  if ((maxSide === undefined || Math.max(width, height) <= maxSide) && pixelsInMemory(input)) {
    const frame = await openFrame(input, { gpuSampling: false });
    const { pixels, channels } = frame;
    if (pixels && frame.width === width && frame.height === height) {
      return { width, height, read: () => ({ data: pixels(), width, height, channels, scale: 1 / 255 }), release: () => frame.release() };
    }
    frame.release();
  }
  const scale = Math.min(1, (maxSide ?? DEFAULT_REFINE_SIDE) / Math.max(width, height));
  const gw = Math.max(1, Math.round(width * scale));
  const gh = Math.max(1, Math.round(height * scale));
  const { input: sampled } = await prepareInput(input, { width: gw, height: gh, fit: 'stretch', normalization: 'unit' });
  try {
    const rgb = (await sampled.data()) as Float32Array;
    return { width: gw, height: gh, read: () => ({ data: rgb, width: gw, height: gh, channels: 3, scale: 1 }), release: () => undefined };
  } finally {
    sampled.dispose();
  }
}

/**
 * The person probability plane of a segmentation output: read straight from a one-channel
 * output (no background plane built), else through {@link labelProbabilities}.
 */
function personPlane(output: RawTensor, spec: SegmentationModelSpec): { plane: Float32Array; width: number; height: number } {
  const d = output.dims;
  const head = spec.segmentation ?? {};
  const nchw = spec.input.layout === 'nchw';
  const channels = d.length === 4 ? (nchw ? d[1] : d[3]) : 0;
  if (channels === 1 && d[0] === 1 && output.data instanceof Float32Array && (head.activation ?? 'none') === 'none' && (head.foregroundChannel ?? 1) !== 0) {
    const [height, width] = nchw ? [d[2], d[3]] : [d[1], d[2]];
    return { plane: output.data, width, height };
  }
  const { planes, width, height } = labelProbabilities(output, spec);
  const personIndex = spec.labels.indexOf('person');
  return { plane: planes[personIndex >= 0 && personIndex < planes.length ? personIndex : planes.length - 1], width, height };
}

/**
 * A model-size matte mapped onto a `sourceWidth`×`sourceHeight` frame: the part that shows the
 * image (letterbox bars cut off, as the segmentation masks are), resized bilinearly with
 * half-pixel centres by `resizePlane` (its rows blended by the SIMD matte kernel) — the
 * segmentation pipeline's `planeToSource` to float32 rounding, at a fraction of its cost —
 * into `out` (`size`, by default the frame's: `sourceWidth × sourceHeight` values).
 */
function matteToFrame(plane: Float32Array, width: number, height: number, transform: InputTransform, out: Float32Array, size = { width: transform.sourceWidth, height: transform.sourceHeight }): Float32Array {
  const c = letterboxContent(width, height, transform);
  const whole = c.left === 0 && c.top === 0 && c.right === width && c.bottom === height;
  const content = whole ? plane : cropPlane({ width, height, bounds: { x: 0, y: 0, width, height }, data: plane }, c).data;
  return resizePlane(content, c.right - c.left, c.bottom - c.top, size.width, size.height, out);
}

/**
 * One person-segmentation model used for matting, with its video-mode memory (the previous
 * frame's matte at model size).
 *
 * @example
 * ```ts
 * const engine = new PersonMatting(SELFIE_SEGMENTATION, runner, 0.7);
 * const { alpha, width, height } = await engine.matte(frame, { video: true, refine: {} });
 * ```
 */
export class PersonMatting {
  /** The latest (smoothed) matte at model size and the frame size it belongs to. */
  private memory: { plane: Float32Array; key: string } | null = null;
  private workspace: FastGuidedFilterWorkspace | null = null;
  /** Frame-size mattes handed out and taken back when their masks are closed. */
  private readonly planes = new PlanePool();
  /** The refined matte at the working size, when that is smaller than the frame. */
  private working: Float32Array | null = null;
  /** Counts `reset()`s: a video frame that spans one neither reads nor keeps the memory (it belongs to the old video). */
  private generation = 0;
  /** The latest video-mode call (settled or not): the next one starts once it is done, as each blends with the matte it leaves. */
  private videoTurn: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly spec: SegmentationModelSpec,
    private readonly runner: ModelRunner,
    private readonly smoothing: number | false,
  ) {
    checkMatteSmoothing(smoothing);
  }

  /**
   * The matte of one frame at its size. In video mode the model-size matte is blended with the
   * previous frame's (same frame size only) before refinement; overlapping video-mode calls run
   * one after another in the order they were made.
   *
   * @throws VisionError `INVALID_OPTION` (bad refinement settings), `DISPOSED` (a video frame queued when {@link dispose} came).
   * @example
   * ```ts
   * const out = await engine.matte(frame, { video: false, refine: false });
   * ```
   */
  matte(input: ImageInput, options: { video: boolean; refine: MattingRefineOptions | false }): Promise<MatteOutput> {
    // the video a frame belongs to is the one of its call: a reset() while it waits its turn starts a new one
    const generation = this.generation;
    if (!options.video) return this.matteNow(input, options, generation);
    const turn = this.videoTurn.then(() => this.matteNow(input, options, generation));
    this.videoTurn = turn.catch(() => undefined);
    return turn;
  }

  private async matteNow(input: ImageInput, options: { video: boolean; refine: MattingRefineOptions | false }, generation: number): Promise<MatteOutput> {
    // a frame queued behind others when the pipeline was disposed (its runner may be shared and still work)
    if (this.disposed) throw new VisionError('DISPOSED', 'this video-matting pipeline was disposed');
    const refine = options.refine === false ? false : resolveRefine(options.refine);
    const stage = await preprocessAndInfer(this.runner, this.spec, input);
    const postStart = now();
    const { transform } = stage;
    const { sourceWidth: w, sourceHeight: h } = transform;
    const guide = refine ? await openGuide(input, w, h, refine.maxSide) : undefined;
    // from here on synchronous: calls that overlap never share the reused planes mid-way
    try {
      const probability = personPlane(firstOutput(stage.outputs, this.spec), this.spec);
      const { width, height } = probability;
      // a frame that spans a reset() is the old video's: it neither reads nor keeps the memory
      const person = options.video && this.smoothing !== false && generation === this.generation ? this.smoothed(probability.plane, `${w}x${h}`, this.smoothing) : probability.plane;
      const alpha = refine && guide ? this.refined(guide, person, width, height, transform, refine) : matteToFrame(person, width, height, transform, this.planes.take(w * h));
      return { alpha, width: w, height: h, timing: finishTiming(stage, postStart), recycle: (plane) => this.planes.give(plane) };
    } finally {
      guide?.release();
    }
  }

  /** This frame's matte blended in place into the kept one (which it then is); the first of a size is kept as it is. */
  private smoothed(current: Float32Array, key: string, ratio: number): Float32Array {
    const kept = this.memory;
    if (kept?.key === key && kept.plane.length === current.length) return smoothWithPrevious(current, kept.plane, ratio, kept.plane);
    const plane = kept?.plane.length === current.length ? kept.plane : new Float32Array(current.length);
    plane.set(current);
    this.memory = { plane, key };
    return plane;
  }

  private refined(guide: OpenGuide, person: Float32Array, width: number, height: number, transform: InputTransform, refine: Refinement): Float32Array {
    const { sourceWidth: w, sourceHeight: h } = transform;
    const { width: gw, height: gh } = guide;
    const subsample = Math.max(1, Math.max(gw, gh) / refine.gridSide);
    const workspace = this.workspaceFor(gw, gh, subsample);
    const radius = refine.radius ?? Math.max(1, Math.round(Math.max(gw, gh) / 128));
    // the coarse input straight from the model-size matte (no frame-size matte is made first)
    matteToFrame(person, width, height, transform, workspace.inputLow, { width: workspace.lowWidth, height: workspace.lowHeight });
    const pixels = guide.read();
    const atFrameSize = gw === w && gh === h;
    // at frame size the result is the caller's Mask data, so it gets an array of its own (one its closed masks gave back)
    const out = atFrameSize ? this.planes.take(w * h) : (this.working = this.working?.length === gw * gh ? this.working : new Float32Array(gw * gh));
    fastGuidedFilterInto(pixels, workspace, { lowRadius: Math.max(1, Math.round(radius / subsample)), epsilon: refine.epsilon, clamp: true, subsampleGuide: true }, out);
    return atFrameSize ? out : resizePlane(out, gw, gh, w, h, this.planes.take(w * h));
  }

  private workspaceFor(width: number, height: number, subsample: number): FastGuidedFilterWorkspace {
    const { lowWidth, lowHeight } = fastGuidedGridSize(width, height, subsample);
    const kept = this.workspace;
    if (kept?.width === width && kept.height === height && kept.lowWidth === lowWidth && kept.lowHeight === lowHeight) return kept;
    this.workspace = new FastGuidedFilterWorkspace(width, height, lowWidth, lowHeight);
    return this.workspace;
  }

  /** Forgets the previous frame's matte (a frame in flight then keeps none). @example `engine.reset();` */
  reset(): void {
    this.memory = null;
    this.generation++;
  }

  /** Forgets the matte; video frames still queued then fail with `DISPOSED`. @example `engine.dispose();` */
  dispose(): void {
    this.reset();
    this.planes.clear();
    this.disposed = true;
  }
}
