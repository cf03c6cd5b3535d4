import type * as tf from '@tensorflow/tfjs';
import type { EpochLog } from '../fit';
import type { HeadKind } from '../transfer/heads';
import type { KnnState } from '../transfer/knn';

/**
 * The head a gesture classifier trains on the hand features: one of the training toolkit's
 * heads (`softmax`, `svm`, `mlp`) or its k-NN.
 *
 * @example
 * ```ts
 * const head: GestureHeadKind = 'knn';
 * ```
 */
export type GestureHeadKind = HeadKind | 'knn';

/**
 * Every {@link GestureHeadKind}, for checking a head named at run time.
 *
 * @example
 * ```ts
 * if (!GESTURE_HEADS.includes(head)) showHint(`pick one of ${GESTURE_HEADS.join(', ')}`);
 * ```
 */
export const GESTURE_HEADS: readonly GestureHeadKind[] = ['knn', 'softmax', 'svm', 'mlp'];

/**
 * Options of `GestureClassifier.train` and `GestureClassifier.fromFeatures`. Counts
 * (`epochs`, `batchSize`, `hidden`, `k`) are positive integers, `learningRate` a finite
 * number > 0, `seed` an integer; anything else is refused with `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const options: GestureTrainOptions = { head: 'mlp', epochs: 40, seed: 1, onEpochEnd: (l) => console.log(l.loss) };
 * ```
 */
export interface GestureTrainOptions {
  /** Default `mlp`. */
  head?: GestureHeadKind;
  /** Layer heads: epochs (default 40), batch size (default 16), Adam learning rate (default 0.01). */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** `mlp`: hidden units (default 32). */
  hidden?: number;
  /** `knn`: neighbours (default 5). */
  k?: number;
  seed?: number;
  signal?: AbortSignal;
  onEpochEnd?: (log: EpochLog) => void;
}

/**
 * A gesture classifier as plain data (JSON-serialisable): its labels and head — the k-NN's
 * state, or the layers head's `model.json` and base64 weights as `classifierToFiles` writes them.
 *
 * @example
 * ```ts
 * localStorage.setItem('gestures', JSON.stringify(await gestures.toJSON()));
 * ```
 */
export interface SavedGestureClassifier {
  format: 'visionpipe-gestures';
  version: 1;
  featureDim: number;
  labels: string[];
  head: GestureHeadKind;
  knn?: KnnState;
  model?: { json: tf.io.ModelJSON; weights: string };
}
