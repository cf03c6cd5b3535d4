/**
 * Matting with a person-segmentation model (MediaPipe Selfie, Google Meet): the person
 * probability at model size, smoothed over time in video mode, mapped to a working size,
 * refined with a guided filter on the frame, and resized to the frame's size.
 */
import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { InputTransform } from '../../core/types';
import type { SegmentationModelSpec } from '../../models/segmentation-cards';
import { GuidedFilterWorkspace, guidedFilter } from '../../postprocess/masks/guided-filter';
import { resizePlane } from '../../postprocess/masks/upsample';
import { smoothWithPrevious } from '../../postprocess/masks/temporal-smoothing';
import { prepareInput } from '../../preprocess/prepare-input';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { firstOutput } from '../shared/outputs';
import { finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { labelProbabilities, planeToSource } from '../segmentation/image-segmentation-pipeline';
import type { MatteOutput, MattingRefineOptions } from './matting-types';

/** Default guided-filter ε (guide in 0–1): follows edges of ~0.03 contrast and up. */
const DEFAULT_EPSILON = 1e-3;
/** Default longest side of the refinement's working size. */
const DEFAULT_REFINE_SIDE = 512;
/** Default weight of the previous frame's matte where this one is unsure (MediaPipe's 0.7). @example `new PersonMatting(spec, runner, DEFAULT_MATTE_SMOOTHING)` */
export const DEFAULT_MATTE_SMOOTHING = 0.7;

/** Checked refinement settings (radius undefined: chosen from the working size). */
interface Refinement {
  radius?: number;
  epsilon: number;
  maxSide: number;
}

function resolveRefine(options: MattingRefineOptions): Refinement {
  const { radius, epsilon = DEFAULT_EPSILON, maxSide = DEFAULT_REFINE_SIDE } = options;
  if (radius !== undefined && !(Number.isInteger(radius) && radius >= 1)) throw new VisionError('INVALID_OPTION', `refine.radius is ${String(radius)}; it must be a positive integer (pixels)`);
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new VisionError('INVALID_OPTION', `refine.epsilon is ${String(epsilon)}; it must be a finite number > 0`);
  if (!(Number.isInteger(maxSide) && maxSide >= 16)) throw new VisionError('INVALID_OPTION', `refine.maxSide is ${String(maxSide)}; it must be an integer ≥ 16 (pixels)`);
  return { radius, epsilon, maxSide };
}

/** The frame as RGB in 0–1 at `width`×`height` (row-major, interleaved), sampled by the house's preprocessing. */
async function sampledRgb(input: ImageInput, width: number, height: number): Promise<Float32Array> {
  const { input: rgb } = await prepareInput(input, { width, height, fit: 'stretch', normalization: 'unit' });
  try {
    return (await rgb.data()) as Float32Array;
  } finally {
    rgb.dispose();
  }
}

/** BT.601 luma of interleaved RGB values into `out` (one value per pixel). */
function lumaInto(rgb: Float32Array, out: Float32Array): void {
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = 0.299 * rgb[j] + 0.587 * rgb[j + 1] + 0.114 * rgb[j + 2];
}

/** Planes the refinement reuses from frame to frame while the working size stays the same. */
interface RefineBuffers {
  width: number;
  height: number;
  guide: Float32Array;
  refined: Float32Array;
  workspace: GuidedFilterWorkspace;
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
  private previous: { plane: Float32Array; key: string } | null = null;
  private buffers: RefineBuffers | null = null;

  constructor(
    private readonly spec: SegmentationModelSpec,
    private readonly runner: ModelRunner,
    private readonly smoothing: number | false,
  ) {
    if (smoothing !== false && !(smoothing >= 0 && smoothing <= 1)) {
      throw new VisionError('INVALID_OPTION', `smoothing is ${String(smoothing)}; it must be in [0, 1] or false`);
    }
  }

  /**
   * The matte of one frame at its size. In video mode the model-size matte is blended with the
   * previous frame's (same frame size only) before refinement.
   *
   * @example
   * ```ts
   * const out = await engine.matte(frame, { video: false, refine: false });
   * ```
   */
  async matte(input: ImageInput, options: { video: boolean; refine: MattingRefineOptions | false }): Promise<MatteOutput> {
    const refine = options.refine === false ? false : resolveRefine(options.refine);
    const stage = await preprocessAndInfer(this.runner, this.spec, input);
    const postStart = now();
    const probability = personPlane(firstOutput(stage.outputs, this.spec), this.spec);
    const { width, height } = probability;
    let person = probability.plane;
    const { transform } = stage;
    const { sourceWidth: w, sourceHeight: h } = transform;
    if (options.video && this.smoothing !== false) {
      const key = `${w}x${h}`;
      if (this.previous?.key === key) person = smoothWithPrevious(person, this.previous.plane, this.smoothing);
      this.previous = { plane: person, key };
    }
    const alpha = refine ? await this.refined(input, person, width, height, transform, refine) : planeToSource(person, width, height, transform);
    return { alpha, width: w, height: h, timing: finishTiming(stage, postStart) };
  }

  private async refined(input: ImageInput, person: Float32Array, width: number, height: number, transform: InputTransform, refine: Refinement): Promise<Float32Array> {
    const { sourceWidth: w, sourceHeight: h } = transform;
    const scale = Math.min(1, refine.maxSide / Math.max(w, h));
    const gw = Math.max(1, Math.round(w * scale));
    const gh = Math.max(1, Math.round(h * scale));
    const rgb = await sampledRgb(input, gw, gh);
    // from here on synchronous: calls that overlap never share the reused planes mid-way
    const atFrameSize = gw === w && gh === h;
    const buffers = this.refineBuffers(gw, gh);
    lumaInto(rgb, buffers.guide);
    const coarse = planeToSource(person, width, height, { ...transform, sourceWidth: gw, sourceHeight: gh });
    const radius = refine.radius ?? Math.max(1, Math.round(Math.max(gw, gh) / 128));
    // at frame size the result is the caller's Mask data, so it gets an array of its own
    const fine = guidedFilter(buffers.guide, coarse, gw, gh, { radius, epsilon: refine.epsilon }, buffers.workspace, atFrameSize ? new Float32Array(gw * gh) : buffers.refined);
    for (let i = 0; i < fine.length; i++) fine[i] = Math.min(Math.max(fine[i], 0), 1);
    return atFrameSize ? fine : resizePlane(fine, gw, gh, w, h);
  }

  private refineBuffers(width: number, height: number): RefineBuffers {
    const kept = this.buffers;
    if (kept?.width === width && kept.height === height) return kept;
    const n = width * height;
    this.buffers = { width, height, guide: new Float32Array(n), refined: new Float32Array(n), workspace: new GuidedFilterWorkspace(width, height) };
    return this.buffers;
  }

  /** Forgets the previous frame's matte. @example `engine.reset();` */
  reset(): void {
    this.previous = null;
    this.buffers = null;
  }
}
