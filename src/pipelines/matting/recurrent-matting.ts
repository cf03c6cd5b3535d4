/**
 * Matting with Robust Video Matting (RVM): the frame at its own size (scaled into
 * [`MIN_MODEL_SIDE`, `maxInputSide`]), its `downsample_ratio`, and in video mode the four
 * recurrent states carried from frame to frame as tensors this engine owns.
 */
import * as tf from '@tensorflow/tfjs';
import { shownValue } from '../../core/shown-value';
import { VisionError, toVisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { RecurrentMattingSpec } from '../../models/matting-cards';
import { resizePlane } from '../../postprocess/masks/upsample';
import { prepareInput } from '../../preprocess/prepare-input';
import { openFrame } from '../../preprocess/sampling/open-frame';
import type { Feed, ModelRunner } from '../../runtime/model-runner';
import { fromRawTensor } from '../../runtime/tensor-convert';
import { TfjsRunner } from '../../runtime/tfjs-runner';
import { now } from '../shared/run-stages';
import type { MatteOutput } from './matting-types';

/** Frames smaller than this on a side are scaled up for the model (its encoder halves the size five times). */
const MIN_MODEL_SIDE = 32;
/**
 * The shorter side of RVM's internal (downsampled) pass is at least this many pixels. Measured
 * on tfjs-wasm: at 2 px the graph aborts and leaves the wasm backend broken for the whole
 * process, at 1 px XNNPACK refuses its resize; 3 px and more run.
 */
const MIN_INTERNAL_SIDE = 4;
/**
 * Checks RVM's `maxInputSide` (any matting model takes it: unused by Selfie and Meet, still checked).
 *
 * @throws VisionError `INVALID_OPTION` unless an integer ≥ 32.
 * @example
 * ```ts
 * checkMaxInputSide(1280);
 * ```
 */
export function checkMaxInputSide(maxInputSide: unknown): void {
  if (!(Number.isInteger(maxInputSide) && (maxInputSide as number) >= MIN_MODEL_SIDE)) {
    throw new VisionError('INVALID_OPTION', `maxInputSide is ${shownValue(maxInputSide)}; it must be an integer ≥ ${MIN_MODEL_SIDE} (pixels)`);
  }
}

/** Default longest side fed to the model (larger frames are scaled down to it). @example `new RecurrentMatting(spec, runner, DEFAULT_MAX_INPUT_SIDE)` */
export const DEFAULT_MAX_INPUT_SIDE = 1920;
/** The longer side RVM's README aims its internal pass at (its portrait column: 0.25 for 1920, 0.375 for 1280, 0.125 for 3840). */
const LOW_RES_SIDE = 480;

/**
 * The `downsample_ratio` RVM's README recommends for a frame: 1 up to 512 pixels on the longer
 * side, else the ratio that brings the longer side to 480 (1920×1080 → 0.25, 1280×720 →
 * 0.375, 3840×2160 → 0.125), so the internal pass works at 256–512 pixels.
 *
 * @example
 * ```ts
 * recommendedDownsampleRatio(1920, 1080); // 0.25
 * ```
 */
export function recommendedDownsampleRatio(width: number, height: number): number {
  const side = Math.max(width, height);
  return side <= 512 ? 1 : LOW_RES_SIDE / side;
}

/**
 * The size the model is fed for a frame: the frame's own, scaled (keeping its aspect) so that
 * the longer side is at most `maxSide` and the shorter at least `MIN_MODEL_SIDE`. A frame too
 * thin for both (a 1×5000 strip) is stretched across: each side clamped into [MIN_MODEL_SIDE, maxSide].
 */
function modelSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const down = Math.min(1, maxSide / Math.max(width, height));
  const up = Math.max(1, MIN_MODEL_SIDE / (Math.min(width, height) * down));
  const side = (length: number): number => Math.min(maxSide, Math.max(MIN_MODEL_SIDE, Math.round(length * down * up)));
  return { width: side(width), height: side(height) };
}

/**
 * The `downsample_ratio` for a model-size frame: the one asked for, else RVM's recommendation —
 * raised where that would make the internal pass thinner than `MIN_MODEL_SIDE` (a thin strip).
 * An asked-for ratio that makes the internal pass thinner than `MIN_INTERNAL_SIDE` is refused.
 */
function chooseRatio(size: { width: number; height: number }, asked: number | undefined): number {
  const shorter = Math.min(size.width, size.height);
  if (asked === undefined) return Math.min(1, Math.max(recommendedDownsampleRatio(size.width, size.height), MIN_MODEL_SIDE / shorter));
  if (!(typeof asked === 'number' && asked > 0 && asked <= 1)) throw new VisionError('INVALID_OPTION', `downsampleRatio is ${String(asked)}; it must be in (0, 1]`);
  if (shorter * asked < MIN_INTERNAL_SIDE) {
    throw new VisionError('INVALID_OPTION', `downsampleRatio ${asked} makes RVM's internal pass ${(shorter * asked).toFixed(2)} px on the shorter side of this frame (fed at ${size.width}×${size.height}); it must be at least ${MIN_INTERNAL_SIDE} px: use a ratio in [${(MIN_INTERNAL_SIDE / shorter).toPrecision(3)}, 1]`);
  }
  return asked;
}

/** The channels of a [1, h, w, C] output, each as a plane at the frame's size (bilinear when the model ran at another size). */
async function planesAtFrameSize(tensor: tf.Tensor, width: number, height: number): Promise<Float32Array[]> {
  const [, h, w, channels] = tensor.shape;
  const data = (await tensor.data()) as Float32Array;
  return Array.from({ length: channels }, (_, c) => {
    const plane = channels === 1 ? data : new Float32Array(h * w).map((_, p) => data[p * channels + c]);
    return h === height && w === width ? plane : resizePlane(plane, w, h, width, height);
  });
}

/**
 * One RVM-style model used for matting, with its recurrent state (video mode).
 *
 * @example
 * ```ts
 * const engine = new RecurrentMatting(RVM_MOBILENETV3, runner, 1920);
 * const { alpha, foreground } = await engine.matte(frame, { video: true, foreground: true });
 * engine.dispose();
 * ```
 */
export class RecurrentMatting {
  private states: tf.Tensor[] | null = null;
  private stateKey = '';
  /** The latest video-mode call (settled or not): the next one starts once it is done, as each feeds the states it leaves. */
  private videoTurn: Promise<unknown> = Promise.resolve();
  /** Whether a video-mode call is feeding {@link states} to the model now. */
  private videoBusy = false;
  /** States dropped by `reset()` while a video-mode call was feeding them: freed when it ends. */
  private retired: tf.Tensor[] = [];
  /** Counts `reset()`s: a video-mode call that spans one keeps no states (the next frame starts over). */
  private generation = 0;
  private disposed = false;

  constructor(
    private readonly spec: RecurrentMattingSpec,
    private readonly runner: ModelRunner,
    private readonly maxInputSide: number,
  ) {
    checkMaxInputSide(maxInputSide);
    const m = spec.matting;
    const inputs = new Set(runner.inputs.map((i) => i.name));
    const outputs = new Set(runner.outputs.map((o) => o.name));
    const missing = [...[m.source, m.downsampleRatio, ...m.statesIn].filter((n) => !inputs.has(n)), ...[m.alpha, m.foreground, ...m.statesOut].filter((n) => !outputs.has(n))];
    if (missing.length > 0 || m.statesIn.length !== m.statesOut.length) {
      throw new VisionError('MODEL_FORMAT', `model '${spec.id}' does not have the recurrent matting signature of its card (missing ${missing.join(', ') || 'nothing'}; ${m.statesIn.length} states in, ${m.statesOut.length} out); it has inputs ${[...inputs].join(', ')} and outputs ${[...outputs].join(', ')}`);
    }
  }

  /** Whether video mode holds recurrent state now. @example `engine.hasState // true after a runForVideo` */
  get hasState(): boolean {
    return this.states !== null;
  }

  private async execute(feeds: Record<string, Feed>, names: string[]): Promise<Record<string, tf.Tensor>> {
    if (this.runner instanceof TfjsRunner) return this.runner.execute(feeds, { outputs: names });
    const raw = await this.runner.run(feeds, { outputs: names });
    return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, fromRawTensor(value)]));
  }

  /**
   * The matte (and foreground) of one frame at its size. Video mode feeds the states the last
   * video frame left (zeros after `reset()`, or when the model size or ratio changed) and keeps
   * the new ones; otherwise every call starts from zeros and keeps nothing. Overlapping
   * video-mode calls run one after another in the order they were made.
   *
   * @throws VisionError `INVALID_INPUT` (unreadable frame), `INVALID_OPTION` (ratio outside (0, 1], or so small that the internal pass would be under 4 px).
   * @example
   * ```ts
   * const out = await engine.matte(frame, { video: false, foreground: false, downsampleRatio: 0.5 });
   * ```
   */
  matte(input: ImageInput, options: { video: boolean; foreground: boolean; downsampleRatio?: number }): Promise<MatteOutput> {
    if (!options.video) return this.matteNow(input, options);
    const turn = this.videoTurn.then(() => this.matteNow(input, options));
    this.videoTurn = turn.catch(() => undefined);
    return turn;
  }

  private async matteNow(input: ImageInput, options: { video: boolean; foreground: boolean; downsampleRatio?: number }): Promise<MatteOutput> {
    // a call queued behind others when the pipeline was disposed (its runner may be shared and still work)
    if (this.disposed) throw new VisionError('DISPOSED', 'this video-matting pipeline was disposed');
    const started = now();
    const frame = await openFrame(input).catch((error: unknown) => {
      throw toVisionError(error, 'INVALID_INPUT', 'could not read the frame');
    });
    frame.release();
    const { width, height } = frame;
    const size = modelSize(width, height, this.maxInputSide);
    const ratio = chooseRatio(size, options.downsampleRatio);
    const prepared = await prepareInput(input, { ...size, fit: 'stretch', normalization: 'unit' }).catch((error: unknown) => {
      throw toVisionError(error, 'INVALID_INPUT', 'could not read or prepare the frame for the model');
    });
    const preprocessed = now();
    const m = this.spec.matting;
    const key = `${size.width}x${size.height}@${ratio}`;
    if (options.video && this.stateKey !== key) this.reset();
    const zero = tf.scalar(0);
    const ratioTensor = tf.scalar(ratio);
    const states = (options.video && this.states) || m.statesIn.map(() => zero);
    const names = [m.alpha, ...(options.foreground ? [m.foreground] : []), ...(options.video ? m.statesOut : [])];
    const generation = this.generation;
    let outputs: Record<string, tf.Tensor>;
    try {
      const feeds: Record<string, Feed> = { [m.source]: prepared.input, [m.downsampleRatio]: ratioTensor };
      m.statesIn.forEach((name, i) => (feeds[name] = states[i]));
      if (options.video) this.videoBusy = true;
      outputs = await this.execute(feeds, names);
    } finally {
      tf.dispose([prepared.input, zero, ratioTensor]);
      if (options.video) {
        this.videoBusy = false;
        tf.dispose(this.retired.splice(0));
      }
    }
    const inferred = now();
    // a reset() during the call: its states are not kept, the next frame starts from zeros
    const kept = options.video && generation === this.generation ? m.statesOut.map((name) => outputs[name]) : [];
    try {
      if (kept.length > 0) {
        tf.dispose(this.states ?? []);
        this.states = kept;
        this.stateKey = key;
      }
      const [alpha] = await planesAtFrameSize(outputs[m.alpha], width, height);
      const foreground = options.foreground ? toRgba(await planesAtFrameSize(outputs[m.foreground], width, height), alpha) : undefined;
      const end = now();
      const timing = { preprocess: preprocessed - started, inference: inferred - preprocessed, postprocess: end - inferred, total: end - started };
      return { alpha, foreground, width, height, downsampleRatio: ratio, timing };
    } finally {
      tf.dispose(Object.values(outputs).filter((t) => !kept.includes(t)));
    }
  }

  /**
   * Frees the recurrent state (once the video-mode call feeding it, if any, is done); the next
   * video frame starts from zeros. @example `engine.reset();`
   */
  reset(): void {
    if (this.videoBusy) this.retired.push(...(this.states ?? []));
    else tf.dispose(this.states ?? []);
    this.states = null;
    this.stateKey = '';
    this.generation++;
  }

  /** Frees the recurrent state for good: calls still queued then fail with `DISPOSED`. @example `engine.dispose();` */
  dispose(): void {
    this.disposed = true;
    this.reset();
  }
}

/** Foreground colour planes (0–1) and the matte as RGBA bytes, the matte in the alpha channel. */
function toRgba([red, green, blue]: Float32Array[], alpha: Float32Array): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(alpha.length * 4);
  for (let p = 0; p < alpha.length; p++) {
    out[p * 4] = red[p] * 255;
    out[p * 4 + 1] = green[p] * 255;
    out[p * 4 + 2] = blue[p] * 255;
    out[p * 4 + 3] = alpha[p] * 255;
  }
  return out;
}
