import * as tf from '@tensorflow/tfjs';
import { eventLoopCheckpoint } from '../core/event-loop';
import type { ExplainablePipeline } from './explained-model';
import type { ExplainProgress } from './explain-types';
import { type OutputScore, scoreOfImage } from './model-forward';
import { gradientOf } from './differentiate';

const NO_GRADIENT = "use method 'occlusion', or 'grad-cam' at a layer after that op";

/**
 * ∂score/∂pixel (the score `readScore` reads from the model's output) for every pixel and channel of the image ([H, W, 3], 0–255 units), through the
 * pipeline's preprocessing and model. Row-major `H × W × 3` values.
 *
 * @example
 * ```ts
 * const g = imageGradient(classifier, model, image, classScore(1)); // g[(y * W + x) * 3 + c]
 * ```
 */
export function imageGradient(pipeline: ExplainablePipeline, model: tf.GraphModel | tf.LayersModel, image: tf.Tensor3D, readScore: OutputScore): Float32Array {
  const score = scoreOfImage(pipeline, model, readScore);
  return tf.tidy(() => gradientOf(score, image, NO_GRADIENT).dataSync() as Float32Array);
}

/** |gradient| max over the three channels, per pixel. */
function channelMaxAbs(gradient: Float32Array): Float32Array {
  const out = new Float32Array(gradient.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(Math.abs(gradient[i * 3]), Math.abs(gradient[i * 3 + 1]), Math.abs(gradient[i * 3 + 2]));
  return out;
}

/**
 * Vanilla gradient saliency: |∂score/∂pixel|, max over channels, at the image's size.
 *
 * @example
 * ```ts
 * const saliency = gradientSaliency(classifier, model, image, classScore(1));
 * ```
 */
export function gradientSaliency(pipeline: ExplainablePipeline, model: tf.GraphModel | tf.LayersModel, image: tf.Tensor3D, readScore: OutputScore): Float32Array {
  return channelMaxAbs(imageGradient(pipeline, model, image, readScore));
}

/**
 * Settings of {@link smoothGradSaliency}: noisy samples, noise σ as a share of 255, and a
 * seed so that runs repeat.
 *
 * @example
 * ```ts
 * const settings: SmoothGradSettings = { samples: 16, sigma: 0.15, seed: 1 };
 * ```
 */
export interface SmoothGradSettings {
  samples: number;
  sigma: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ExplainProgress) => void;
}

/**
 * The noise seed of SmoothGrad sample `s` under `seed`: the two mixed (murmur3's finaliser), so
 * that neighbouring seeds share no sample (`seed + s` made seed 8's samples seed 7's shifted by one).
 */
function sampleSeed(seed: number, s: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(s + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * SmoothGrad (Smilkov et al. 2017): the gradient averaged over `samples` copies of the image
 * with Gaussian noise (σ = `sigma` × 255), then |·| max over channels. Checks `signal` and
 * reports progress per sample.
 *
 * @throws VisionError `ABORTED` when the signal fires.
 * @example
 * ```ts
 * const saliency = await smoothGradSaliency(classifier, model, image, classScore(1), { samples: 16, sigma: 0.15 });
 * ```
 */
export async function smoothGradSaliency(
  pipeline: ExplainablePipeline,
  model: tf.GraphModel | tf.LayersModel,
  image: tf.Tensor3D,
  readScore: OutputScore,
  settings: SmoothGradSettings,
): Promise<Float32Array> {
  const score = scoreOfImage(pipeline, model, readScore);
  const sum = new Float32Array(image.size);
  const checkpoint = eventLoopCheckpoint(settings.signal, 'explain (smoothgrad)');
  for (let s = 0; s < settings.samples; s++) {
    await checkpoint();
    const gradient = tf.tidy(() => {
      const noise = tf.randomNormal(image.shape, 0, settings.sigma * 255, 'float32', settings.seed === undefined ? undefined : sampleSeed(settings.seed, s));
      return gradientOf(score, tf.add(image, noise), NO_GRADIENT).dataSync();
    });
    for (let i = 0; i < sum.length; i++) sum[i] += gradient[i] / settings.samples;
    settings.onProgress?.({ done: s + 1, total: settings.samples });
  }
  return channelMaxAbs(sum);
}
