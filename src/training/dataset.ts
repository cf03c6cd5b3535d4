import * as tf from '@tensorflow/tfjs';
import { VisionError, throwIfAborted } from '../core/errors';
import type { ImageInput, RawImage } from '../core/image-input';
import { imageToTensor } from '../core/image-tensor';
import type { LabeledImage, TrainingProgress } from '../core/labeled-data';
import { checkNumber, checkObject, checkTensor } from './checks';
import { checkClassNameList } from './class-names';
import { isOptionsObject, shownValue } from '../core/shown-value';
import { permutation } from './random';
import { knownOptions } from '../core/known-options';

/**
 * Folder-per-class listing → labelled samples: `{ cat: ['a.jpg', …], dog: [...] }` becomes
 * samples with labels in the order of `classNames` (default: the keys sorted).
 * `INVALID_INPUT` when `folders` is not such an object (`null`, an array) or a class has no
 * list of images; `INVALID_OPTION` when `classNames` is not a list of class names.
 *
 * @example
 * ```ts
 * const { samples, labels } = samplesFromFolders({ cat: catFiles, dog: dogFiles });
 * ```
 */
export function samplesFromFolders(folders: Readonly<Record<string, readonly ImageInput[]>>, classNames?: readonly string[]): { samples: LabeledImage[]; labels: string[] } {
  if (!isOptionsObject(folders)) throw new VisionError('INVALID_INPUT', `folders is ${shownValue(folders)}; it must be an object mapping each class name to its images ({ cat: [...], dog: [...] })`);
  if (classNames !== undefined && (!Array.isArray(classNames) || !classNames.every((name) => typeof name === 'string'))) {
    throw new VisionError('INVALID_OPTION', `classNames is ${shownValue(classNames)}; it must be an array of class names (keys of folders)`);
  }
  // a name listed twice made two classes of one folder's images
  if (classNames !== undefined) checkClassNameList(classNames, 'classNames');
  const labels = [...(classNames ?? Object.keys(folders).sort())];
  const samples: LabeledImage[] = [];
  labels.forEach((name, label) => {
    if (!Object.hasOwn(folders, name)) throw new VisionError('INVALID_INPUT', `no folder for class '${name}'; folders: ${Object.keys(folders).join(', ')}`);
    const files: unknown = folders[name];
    if (!Array.isArray(files)) throw new VisionError('INVALID_INPUT', `the folder of class '${name}' is ${shownValue(files)}; it must be an array of images`);
    for (const image of files as readonly ImageInput[]) samples.push({ image, label });
  });
  return { samples, labels };
}

/**
 * What {@link collectSamples} reads — an async iterator of frames that can be released, such as a
 * camera `FrameSource` (`webcam.frames()`, `videoFrames(…)`, `fromImages(…)`).
 *
 * @example
 * ```ts
 * const source: SampleSource = webcam.frames();
 * ```
 */
export type SampleSource = AsyncIterator<{ readonly frame: ImageInput; release(): void }>;

/** Options of {@link collectSamples}. @example `{ every: 3, signal }` */
export interface CollectOptions {
  /** Keep one frame in `every` (default 1), to get more varied samples. */
  every?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
}

/**
 * Takes `count` frames of a live source (webcam, video, images) as training samples of one
 * class. Frames are copied to plain RGB pixel data (transferable to a worker) and released.
 *
 * @example
 * ```ts
 * const source = webcam.frames();
 * const thumbsUp = await collectSamples(source, 0, 30, { every: 2 });
 * ```
 */
export async function collectSamples(source: SampleSource, label: number, count: number, options: CollectOptions = {}): Promise<LabeledImage[]> {
  // before any frame is read: a class name ('cat') was collected and only refused when the samples were used
  if (!Number.isSafeInteger(label) || label < 0) throw new VisionError('INVALID_OPTION', `label is ${shownValue(label)}; it must be a class id (an integer ≥ 0; class names go in the labels list)`);
  if (!Number.isInteger(count) || count <= 0) throw new VisionError('INVALID_OPTION', `count is ${count}; it must be a positive integer`);
  checkObject(options, 'collectSamples options');
  knownOptions(options, 'collectSamples options', ['every', 'signal', 'onProgress']);
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new VisionError('INVALID_OPTION', `every is ${shownValue(every)}; it must be a positive integer (keep one frame in every)`);
  const out: LabeledImage[] = [];
  let seen = 0;
  while (out.length < count) {
    // a source that answers at once never lets a timer (an abort) run: let one in now and then
    if (seen % 64 === 63) await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfAborted(options.signal, 'sample collection');
    const { value, done } = await source.next();
    if (done || !value) throw new VisionError('INVALID_INPUT', `the frame source ended after ${out.length} of ${count} samples`);
    try {
      if (seen++ % every !== 0) continue;
      const { tensor, owned } = await imageToTensor(value.frame);
      try {
        const [height, width] = tensor.shape;
        const raw: RawImage = { data: Uint8Array.from(await tensor.data()), width, height, channels: 3 };
        out.push({ image: raw, label });
      } finally {
        if (owned) tensor.dispose();
      }
      options.onProgress?.({ done: out.length, total: count, fraction: out.length / count });
    } finally {
      value.release();
    }
  }
  return out;
}

/**
 * Splits `count` example indices into batches, shuffled unless `shuffle` is false (the same
 * order for the same `seed`; a fresh one each call without; a generator from `seededRandom`
 * gives each call the next order of one reproducible stream).
 *
 * @example
 * ```ts
 * for (const batch of batchIndices(1000, 32, { seed: epoch })) train(batch);
 * ```
 */
export function batchIndices(count: number, batchSize: number, options: { shuffle?: boolean; seed?: number | (() => number) } = {}): number[][] {
  checkNumber(count, 'count', 'non-negative integer', 'INVALID_INPUT');
  checkNumber(batchSize, 'batchSize', 'positive integer');
  const order = options.shuffle === false ? Array.from({ length: count }, (_, i) => i) : permutation(count, options.seed);
  const out: number[][] = [];
  for (let i = 0; i < count; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

/**
 * Rows of a tensor at the given indices (a new tensor the caller owns); `INVALID_INPUT` for an
 * index that is not an integer from 0 to the row count − 1.
 *
 * @example
 * ```ts
 * const xb = takeRows(x, batch);
 * ```
 */
export function takeRows<T extends tf.Tensor>(x: T, indices: readonly number[]): T {
  checkTensor(x, 'x');
  if (!Array.isArray(indices)) throw new VisionError('INVALID_INPUT', `indices is ${shownValue(indices)}; it must be an array of row indices`);
  const bad = indices.findIndex((i) => !Number.isInteger(i) || i < 0 || i >= x.shape[0]);
  if (bad >= 0) throw new VisionError('INVALID_INPUT', `indices[${bad}] is ${shownValue(indices[bad])}; it must be a row index (an integer from 0 to ${x.shape[0] - 1})`);
  return tf.tidy(() => tf.gather(x, tf.tensor1d(Int32Array.from(indices), 'int32'))) as T;
}
