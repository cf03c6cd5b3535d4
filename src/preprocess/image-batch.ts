import * as tf from '@tensorflow/tfjs';
import type { InputSpec } from '../core/card-types';
import { VisionError, throwIfAborted } from '../core/errors';
import { imageToTensor } from '../core/image-tensor';
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

/**
 * Decodes labelled images (image objects, raw pixels, tensors, or file paths / folders'
 * contents in Node) and prepares them as one batch as the model's {@link InputSpec} says.
 * Reports progress, honours `signal` (throws `ABORTED`), and leaks no tensors on failure.
 *
 * @example
 * ```ts
 * const files = [{ image: 'data/cat/1.jpg', label: 0 }, { image: 'data/dog/1.jpg', label: 1 }];
 * const { x, labels } = await imagesToTensors(files, NSFW_MOBILENET_V2.input);
 * ```
 */
export async function imagesToTensors(samples: readonly LabeledImage[], input: InputSpec, options: LongWorkOptions = {}): Promise<ImageTensors> {
  if (samples.length === 0) throw new VisionError('INVALID_INPUT', 'no samples given; pass at least one { image, label }');
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
