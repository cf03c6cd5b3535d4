import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { checkNumber, checkObject, checkOptionalNumber, checkSeed, checkTensor } from '../checks';
import { toRandom } from '../random';
import { knownOptions, optionNames } from '../../core/known-options';

/**
 * Random photometric augmentation of an image batch `[N, H, W, 3]` with values in
 * `[0, range]`: brightness, contrast and saturation jitter, Gaussian noise, cutout (a random
 * square set to the image mean). Boxes and masks are unaffected by these.
 *
 * @example
 * ```ts
 * const options: PhotometricAugmentation = { brightness: 0.2, contrast: 0.2, saturation: 0.3, noise: 0.02, cutout: 0.25, range: 1 };
 * ```
 */
export interface PhotometricAugmentation {
  /** Brightness shift up to ±brightness·range. */
  brightness?: number;
  /** Contrast factor in [1−c, 1+c]. */
  contrast?: number;
  /** Saturation factor in [1−s, 1+s] (3-channel images). */
  saturation?: number;
  /** Standard deviation of added Gaussian noise, as a share of `range`. */
  noise?: number;
  /** Side of the cutout square as a share of the image side (0 = none). */
  cutout?: number;
  /** Largest pixel value (1 for unit-normalised images, 255 for raw). Default 1. */
  range?: number;
  seed?: number | (() => number);
}

function checkPhotometric(batch: tf.Tensor4D, options: PhotometricAugmentation): void {
  checkTensor(batch, 'batch', 4);
  checkObject(options, 'photometric options');
  knownOptions(options, 'photometric options', optionNames<PhotometricAugmentation>()(['brightness', 'contrast', 'saturation', 'noise', 'cutout', 'range', 'seed']));
  checkSeed(options.seed);
  for (const key of ['brightness', 'contrast', 'saturation', 'noise'] as const) checkOptionalNumber(options[key], key, 'non-negative');
  checkOptionalNumber(options.cutout, 'cutout', 'probability');
  checkOptionalNumber(options.range, 'range', 'positive');
}

const uniform = (random: () => number, amount: number): number => (random() * 2 - 1) * amount;

/**
 * Applies {@link PhotometricAugmentation} to a float image batch, each image drawing its
 * own random factors; values are clipped to `[0, range]`. Returns a new tensor.
 *
 * @example
 * ```ts
 * const augmented = augmentPhotometric(batch, { brightness: 0.1, contrast: 0.2, noise: 0.01, seed: 3 });
 * ```
 */
export function augmentPhotometric(batch: tf.Tensor4D, options: PhotometricAugmentation = {}): tf.Tensor4D {
  checkPhotometric(batch, options);
  const random = toRandom(options.seed);
  const range = options.range ?? 1;
  const [n, height, width, channels] = batch.shape;
  const per = (f: () => number): tf.Tensor4D => tf.tensor4d(Float32Array.from({ length: n }, f), [n, 1, 1, 1]);
  return tf.tidy(() => {
    let x = batch.toFloat() as tf.Tensor4D;
    if (options.brightness) x = tf.add(x, tf.mul(per(() => uniform(random, options.brightness ?? 0)), range));
    if (options.contrast) {
      const mean = tf.mean(x, [1, 2, 3], true);
      x = tf.add(tf.mul(tf.sub(x, mean), per(() => 1 + uniform(random, options.contrast ?? 0))), mean);
    }
    if (options.saturation && channels === 3) {
      const grey = tf.mean(x, 3, true);
      x = tf.add(tf.mul(tf.sub(x, grey), per(() => 1 + uniform(random, options.saturation ?? 0))), grey);
    }
    if (options.noise) {
      const seed = Math.floor(random() * 2 ** 31);
      x = tf.add(x, tf.randomNormal(x.shape, 0, options.noise * range, 'float32', seed));
    }
    if (options.cutout) {
      const side = Math.max(1, Math.round(Math.min(height, width) * options.cutout));
      const keep = new Float32Array(n * height * width).fill(1);
      for (let i = 0; i < n; i++) {
        const y0 = Math.floor(random() * (height - side + 1));
        const x0 = Math.floor(random() * (width - side + 1));
        for (let y = y0; y < y0 + side; y++) keep.fill(0, i * height * width + y * width + x0, i * height * width + y * width + x0 + side);
      }
      const m = tf.tensor4d(keep, [n, height, width, 1]);
      const fill = tf.mean(x, [1, 2], true);
      x = tf.add(tf.mul(x, m), tf.mul(fill, tf.sub(1, m)));
    }
    return tf.clipByValue(x, 0, range) as tf.Tensor4D;
  });
}

/**
 * The log of a Gamma(a, 1) draw (Marsaglia–Tsang, which needs a ≥ 1: small a is boosted by
 * `u^(1/a)`). Working in logs keeps tiny `a` (where `u^(1/a)` underflows to 0) from giving 0/0.
 */
function logGammaDraw(a: number, random: () => number): number {
  if (a < 1) return logGammaDraw(a + 1, random) + Math.log(random() || Number.MIN_VALUE) / a;
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const u1 = random() || 1e-12;
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(random() || 1e-12) < 0.5 * z * z + d - d * v + d * Math.log(v)) return Math.log(d) + Math.log(v);
  }
}

/** A Beta(α, α) draw as `g1 / (g1 + g2)` of two Gamma(α) draws, from their logs (0.5 when both underflow alike). */
function betaDraw(alpha: number, random: () => number): number {
  const g1 = logGammaDraw(alpha, random);
  const diff = logGammaDraw(alpha, random) - g1;
  return Number.isNaN(diff) ? 0.5 : 1 / (1 + Math.exp(diff));
}

/**
 * Mixup: blends each example with a shuffled partner, `λ·a + (1−λ)·b` with λ ~ Beta(α, α)
 * per batch, for images and one-hot labels alike. Returns new tensors. `alpha` (default 0.2)
 * must be a finite number > 0; very small values give λ of 0 or 1 (no mixing), never NaN.
 *
 * @example
 * ```ts
 * const { x, y } = mixup(batch, tf.oneHot(labels, 10), { alpha: 0.2, seed: 1 });
 * ```
 */
export function mixup(x: tf.Tensor4D, y: tf.Tensor2D, options: { alpha?: number; seed?: number | (() => number) } = {}): { x: tf.Tensor4D; y: tf.Tensor2D; lambda: number } {
  checkObject(options, 'mixup options');
  knownOptions(options, 'mixup options', ['alpha', 'seed']);
  checkSeed(options.seed);
  const alpha = options.alpha ?? 0.2;
  checkNumber(alpha, 'alpha', 'positive');
  checkTensor(x, 'x', 4);
  checkTensor(y, 'y', 2);
  if (x.shape[0] !== y.shape[0]) throw new VisionError('INVALID_INPUT', `x has ${x.shape[0]} examples but y has ${y.shape[0]}`);
  if (x.shape[0] === 0) throw new VisionError('INVALID_INPUT', 'mixup needs at least one example; x and y are empty');
  const random = toRandom(options.seed);
  const lambda = betaDraw(alpha, random);
  const n = x.shape[0];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return tf.tidy(() => {
    const idx = tf.tensor1d(order, 'int32');
    const mixX = tf.add(tf.mul(x.toFloat(), lambda), tf.mul(tf.gather(x.toFloat(), idx), 1 - lambda)) as tf.Tensor4D;
    const mixY = tf.add(tf.mul(y, lambda), tf.mul(tf.gather(y, idx), 1 - lambda)) as tf.Tensor2D;
    return { x: mixX, y: mixY, lambda };
  });
}
