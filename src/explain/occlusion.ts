import * as tf from '@tensorflow/tfjs';
import { VisionError, isVisionError } from '../core/errors';
import type { InputTransform } from '../core/types';
import { normalizationAffine } from '../preprocess/normalize';
import type { PreparedInput } from '../preprocess/prepare';
import { eventLoopCheckpoint } from '../core/event-loop';
import { type ExplainablePipeline, acceptsBatch, runModel } from './explained-model';
import type { ExplainProgress } from './explain-types';
import { type Span, patchStarts, spanToInput, visibleSpan } from './input-geometry';
import type { ScoreTarget } from './target-score';

/**
 * Resolved settings of an occlusion run (image pixels; `fill` RGB 0–255).
 *
 * @example
 * ```ts
 * const settings: OcclusionSettings = { patch: { x: 32, y: 32 }, stride: { x: 16, y: 16 }, fill: [128, 128, 128], batchSize: 16 };
 * ```
 */
export interface OcclusionSettings {
  /** Patch width and height. */
  patch: AxisPair;
  /** Step between patches along x and y. */
  stride: AxisPair;
  fill: readonly [number, number, number];
  batchSize: number;
  signal?: AbortSignal;
  onProgress?: (progress: ExplainProgress) => void;
}

/**
 * A size or step along the image's x and y axes, in image pixels.
 *
 * @example
 * ```ts
 * const patch: AxisPair = { x: 160, y: 107 };
 * ```
 */
export interface AxisPair {
  x: number;
  y: number;
}

/**
 * The occlusion grid of a `width`×`height` image: a given `patchSize` is a square and a given
 * `stride` the step on both axes; by default each axis gets a patch of ⅛ of its length (at
 * least 1 pixel) and a stride of half the patch, so about 15 positions per axis whatever the
 * aspect ratio (15 × 15 for a square image, 15 × 1 for a 1-pixel-wide strip).
 *
 * @example
 * ```ts
 * occlusionGrid(1280, 853); // { patch: { x: 160, y: 107 }, stride: { x: 80, y: 54 } }
 * ```
 */
export function occlusionGrid(width: number, height: number, patchSize?: number, stride?: number): { patch: AxisPair; stride: AxisPair } {
  const patchOf = (length: number) => patchSize ?? Math.max(1, Math.round(length / 8));
  const patch = { x: patchOf(width), y: patchOf(height) };
  const strideOf = (size: number) => stride ?? Math.max(1, Math.round(size / 2));
  if (stride !== undefined && stride > Math.min(patch.x, patch.y)) {
    throw new VisionError('INVALID_OPTION', `stride ${stride} is larger than the patch (${patch.x}×${patch.y} px${patchSize === undefined ? ', ⅛ of the image' : ''}): the pixels between patches would never be covered and would read as unimportant; use a stride ≤ patchSize`);
  }
  return { patch, stride: { x: strideOf(patch.x), y: strideOf(patch.y) } };
}

/** One patch: the part of it the model input sees (image pixels) and where it lands in the input. */
interface Patch {
  seen: { x: Span; y: Span };
  input: { x: Span; y: Span };
}

const overlap = (a: Span, b: Span): Span => ({ from: Math.max(a.from, b.from), to: Math.max(Math.max(a.from, b.from), Math.min(a.to, b.to)) });

function patchesOf(t: InputTransform, size: AxisPair, stride: AxisPair): Patch[] {
  const patches: Patch[] = [];
  const visible = { x: visibleSpan(t.sourceWidth, t.cropX, t.scaleX, t.padX, t.inputWidth), y: visibleSpan(t.sourceHeight, t.cropY, t.scaleY, t.padY, t.inputHeight) };
  for (const y0 of patchStarts(t.sourceHeight, size.y, stride.y)) {
    for (const x0 of patchStarts(t.sourceWidth, size.x, stride.x)) {
      const x = { from: x0, to: Math.min(x0 + size.x, t.sourceWidth) };
      const y = { from: y0, to: Math.min(y0 + size.y, t.sourceHeight) };
      const input = { x: spanToInput(x, t.cropX, t.scaleX, t.padX, t.inputWidth), y: spanToInput(y, t.cropY, t.scaleY, t.padY, t.inputHeight) };
      patches.push({ seen: { x: overlap(x, visible.x), y: overlap(y, visible.y) }, input });
    }
  }
  return patches;
}

/** The fill colour as model-input values, shaped to broadcast over the input's channel axis. */
function fillTensor(pipeline: ExplainablePipeline, fill: readonly [number, number, number], nchw: boolean): tf.Tensor {
  const { scale, mean, std } = normalizationAffine(pipeline.spec.input.normalization ?? 'none');
  const ordered = pipeline.spec.input.channelOrder === 'bgr' ? [fill[2], fill[1], fill[0]] : [...fill];
  const values = ordered.map((v, k) => (v * scale - mean[k]) / std[k]);
  return tf.tensor(values, nchw ? [1, 3, 1, 1] : [1, 1, 1, 3]);
}

/**
 * The most values one batch of occluded copies may hold (64 MB of float32; 111 copies of a
 * 224² RGB input): `batchSize: 4096` made a 1.7 GB mask, and wasm's memory ran out.
 */
const MAX_BATCH_VALUES = 2 ** 24;

/** Copies of the input with one patch each painted in the fill colour. */
function occludedBatch(base: tf.Tensor4D, fill: tf.Tensor, patches: readonly Patch[], nchw: boolean): tf.Tensor {
  const [height, width] = nchw ? [base.shape[2], base.shape[3]] : [base.shape[1], base.shape[2]];
  const masks = new Float32Array(patches.length * height * width);
  patches.forEach((p, i) => {
    for (let y = p.input.y.from; y < p.input.y.to; y++) masks.fill(1, (i * height + y) * width + p.input.x.from, (i * height + y) * width + p.input.x.to);
  });
  return tf.tidy(() => {
    const mask = tf.tensor4d(masks, nchw ? [patches.length, 1, height, width] : [patches.length, height, width, 1]);
    const floats = base.dtype === 'float32' ? base : tf.cast(base, 'float32');
    const painted = tf.add(tf.mul(floats, tf.sub(1, mask)), tf.mul(fill, mask));
    return base.dtype === 'int32' ? tf.cast(tf.round(painted), 'int32') : painted;
  });
}

/**
 * Occlusion sensitivity: slides a `patch` rectangle (stepping by `stride`, image pixels)
 * over the image, paints it in `fill` in the model input (so the pipeline's own resize /
 * letterbox / crop applies), runs the model on batches of occluded copies — one call per
 * batch where the model takes a batch (at most {@link MAX_BATCH_VALUES} values a batch), else
 * one by one, and one by one from the first failing batch on — and returns, per image pixel, the mean drop of the target's score
 * over the patches covering it (raw, unnormalised; 0 where a crop hid the pixel from the model). Checks `signal` before each call, letting
 * the event loop run (timers, events) at least every ~50 ms, and reports progress after each.
 *
 * @throws VisionError `ABORTED` when the signal fires.
 * @example
 * ```ts
 * const drops = await occlusionSaliency(classifier, prepared, target, baseScore, settings);
 * ```
 */
export async function occlusionSaliency(
  pipeline: ExplainablePipeline,
  prepared: PreparedInput,
  target: ScoreTarget,
  baseScore: number,
  settings: OcclusionSettings,
): Promise<Float32Array> {
  const t = prepared.transform;
  const nchw = pipeline.spec.input.layout === 'nchw';
  const patches = patchesOf(t, settings.patch, settings.stride).filter((p) => p.input.x.to > p.input.x.from && p.input.y.to > p.input.y.from);
  const sums = new Float32Array(t.sourceWidth * t.sourceHeight);
  const counts = new Uint32Array(t.sourceWidth * t.sourceHeight);
  const fill = fillTensor(pipeline, settings.fill, nchw);
  let perCall = acceptsBatch(pipeline) ? Math.max(1, Math.min(settings.batchSize, Math.floor(MAX_BATCH_VALUES / prepared.input.size))) : 1;
  const checkpoint = eventLoopCheckpoint(settings.signal, 'explain (occlusion)');
  try {
    for (let done = 0; done < patches.length; ) {
      await checkpoint();
      const group = patches.slice(done, done + perCall);
      let batch: tf.Tensor | undefined;
      let scores: Float32Array;
      try {
        batch = occludedBatch(prepared.input, fill, group, nchw);
        scores = target.scores(await runModel(pipeline, batch), group.length, t);
      } catch (error) {
        if (perCall === 1 || isVisionError(error, 'ABORTED')) throw error;
        perCall = 1; // the backend could not hold the batch or the model refused it: go on one copy at a time
        continue;
      } finally {
        batch?.dispose();
      }
      group.forEach((p, i) => {
        const drop = baseScore - scores[i];
        // pixels cropped away were never seen: they keep no heat (as in Grad-CAM's map)
        for (let y = p.seen.y.from; y < p.seen.y.to; y++) {
          for (let x = p.seen.x.from; x < p.seen.x.to; x++) {
            sums[y * t.sourceWidth + x] += drop;
            counts[y * t.sourceWidth + x] += 1;
          }
        }
      });
      done += group.length;
      settings.onProgress?.({ done, total: patches.length });
    }
  } finally {
    fill.dispose();
  }
  for (let i = 0; i < sums.length; i++) sums[i] = counts[i] > 0 ? sums[i] / counts[i] : 0;
  return sums;
}
