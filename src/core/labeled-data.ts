// Labelled images and the progress of long work over them: shared by preprocess/ (batching),
// pipelines/ (feature extraction) and training/ (datasets).
import type { ImageInput } from './image-input';

/**
 * One training example: an image (any {@link ImageInput}; file paths need `visionpipe/node`)
 * and its class index.
 *
 * @example
 * ```ts
 * const sample: LabeledImage = { image: 'photos/cat1.jpg', label: 0 };
 * ```
 */
export interface LabeledImage {
  image: ImageInput;
  label: number;
}

/**
 * Progress of long work, 0–1, with counts.
 *
 * @example
 * ```ts
 * const onProgress = (p: TrainingProgress) => bar.value = p.fraction;
 * ```
 */
export interface TrainingProgress {
  done: number;
  total: number;
  fraction: number;
}

/** Options of long-running dataset work. @example `{ signal: controller.signal, onProgress }` */
export interface LongWorkOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
}
