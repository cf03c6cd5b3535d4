import * as tf from '@tensorflow/tfjs';
import type { InputSpec } from '../core/card-types';
import { VisionError, throwIfAborted } from '../core/errors';
import { imageToTensor } from '../core/image-tensor';
import { checkOptionsObject, optionNames } from '../core/known-options';
import { isOptionsObject, shownValue } from '../core/shown-value';
import type { LabeledImage, LongWorkOptions } from '../core/labeled-data';
import { prepareImage } from './prepare';

/**
 * Images as one model-ready batch tensor `[N, H, W, C]` and their labels. The caller owns `x`.
 *
 * @example
 * ```ts
 * const { x, labels } = await imagesToTensors(samples, { width: 224, height: 224, normalization: 'unit' });
 * x.dispose();
 * ```
 */
export interface ImageTensors {
  x: tf.Tensor4D;
  labels: Int32Array;
}

/** Every name {@link LongWorkOptions} has. */
const LONG_WORK_OPTION_NAMES = /* @__PURE__ */ optionNames<LongWorkOptions>()(['signal', 'onProgress']);

/** The largest class index a label may be (labels are stored as int32). */
const MAX_LABEL = 2 ** 31 - 1;

/**
 * Throws `INVALID_INPUT` unless `samples` is a non-empty array of `{ image, label }` whose labels
 * are class indices: integers from 0 to 2³¹ − 1 (they are stored as int32; a `'cat'`, `1.5` or
 * `2 ** 32 + 1` would turn into another class).
 *
 * @example
 * ```ts
 * checkLabeledImages([{ image, label: 1.5 }]); // samples[0].label is 1.5; it must be a class index …
 * ```
 */
export function checkLabeledImages(samples: unknown): asserts samples is readonly LabeledImage[] {
  if (!Array.isArray(samples)) throw new VisionError('INVALID_INPUT', `samples is ${shownValue(samples)}; it must be an array of { image, label }`);
  if (samples.length === 0) throw new VisionError('INVALID_INPUT', 'no samples given; pass at least one { image, label }');
  samples.forEach((sample: unknown, i) => {
    if (!isOptionsObject(sample)) throw new VisionError('INVALID_INPUT', `samples[${i}] is ${shownValue(sample)}; it must be { image, label }`);
    const { label } = sample;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > MAX_LABEL) {
      throw new VisionError('INVALID_INPUT', `samples[${i}].label is ${shownValue(label)}; it must be a class index (an integer from 0 to ${MAX_LABEL})`);
    }
  });
}

/**
 * Decodes labelled images (image objects, raw pixels, tensors, or file paths / folders'
 * contents in Node) and prepares them as one batch as the model's {@link InputSpec} says.
 * Reports progress, honours `signal` (throws `ABORTED`), and leaks no tensors on failure.
 * `INVALID_INPUT` for an empty list or a label that is no class index ({@link checkLabeledImages});
 * `INVALID_OPTION` for options other than `signal` and `onProgress` (a misspelt `onprogress`).
 *
 * @example
 * ```ts
 * const files = [{ image: 'data/cat/1.jpg', label: 0 }, { image: 'data/dog/1.jpg', label: 1 }];
 * const { x, labels } = await imagesToTensors(files, NSFW_MOBILENET_V2.input);
 * ```
 */
export async function imagesToTensors(samples: readonly LabeledImage[], input: InputSpec, options: LongWorkOptions = {}): Promise<ImageTensors> {
  checkLabeledImages(samples);
  checkOptionsObject(options, 'imagesToTensors', LONG_WORK_OPTION_NAMES);
  const parts: tf.Tensor4D[] = [];
  try {
    for (let i = 0; i < samples.length; i++) {
      throwIfAborted(options.signal, 'dataset preparation');
      const { tensor, owned } = await imageToTensor(samples[i].image);
      try {
        parts.push(prepareImage(tensor, { ...input, dtype: 'float32' }).input);
      } finally {
        if (owned) tensor.dispose();
      }
      options.onProgress?.({ done: i + 1, total: samples.length, fraction: (i + 1) / samples.length });
    }
    const x = parts.length === 1 ? (parts[0].clone() as tf.Tensor4D) : tf.concat(parts, 0);
    return { x, labels: Int32Array.from(samples, (s) => s.label) };
  } finally {
    tf.dispose(parts);
  }
}
