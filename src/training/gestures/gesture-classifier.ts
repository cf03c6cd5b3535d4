import * as tf from '@tensorflow/tfjs';
import { VisionError, throwIfAborted } from '../../core/errors';
import { ensureTfjsBackend } from '../../runtime/tfjs-backend';
import { fit } from '../fit';
import { classifierToFiles } from '../save';
import { buildHead, headLoss } from '../transfer/heads';
import { KnnClassifier } from '../transfer/knn';
import { bytesToBase64 } from './base64';
import { checkArray, checkExamples, checkFeatureRow, checkLabels, checkTrainOptions, featuresAt, samplesToExamples } from './gesture-checks';
import type { GestureHeadKind, GestureTrainOptions, SavedGestureClassifier } from './gesture-types';
import { HAND_FEATURE_DIM, type HandLandmarks, handFeatures } from './hand-features';
import { checkSaved, scorerFromJSON } from './saved-gestures';

export type { GestureHeadKind, GestureTrainOptions, SavedGestureClassifier } from './gesture-types';

/**
 * What {@link GestureClassifier.classify} answers: the best label, its score, and every
 * label's score (softmax of the head's outputs, or the k-NN's vote shares; they sum to 1).
 *
 * @example
 * ```ts
 * const { label, score, scores } = await gestures.classify(hand); // 'fist', 0.98, { fist: 0.98, … }
 * ```
 */
export interface GestureResult {
  label: string;
  score: number;
  scores: Record<string, number>;
}

/**
 * A head whose last training epoch ends with a loss this many times that of scoring every class
 * alike has diverged (a learning rate far too high): its weights have exploded, though no loss
 * became NaN.
 */
const DIVERGED_FACTOR = 10;

/** The loss of scoring all classes alike: ln K for cross-entropy, K − 1 for the multiclass hinge. */
const chanceLoss = (kind: GestureHeadKind, classes: number): number => (kind === 'svm' ? classes - 1 : Math.log(classes));

const toMatrix = (rows: readonly ArrayLike<number>[]): tf.Tensor2D => tf.tensor2d(rows.flatMap((r) => Array.from(r)), [rows.length, HAND_FEATURE_DIM]);

/**
 * Classifies hand gestures from 21 hand landmarks: the hand is turned into pose features that
 * do not depend on where the hand is, how big, how rotated or which hand it is
 * ({@link handFeatures}), and one of the training toolkit's heads (k-NN, softmax, SVM, MLP)
 * scores them. Train it on your own labelled hands, save it as JSON, or start from the built-in
 * five gestures and `none` (`loadBuiltInGestures`).
 *
 * @example
 * ```ts
 * const gestures = await GestureClassifier.train(samples.map((s) => ({ hand: s.hand, label: s.name })), { head: 'knn' });
 * const { label, score } = await gestures.classify(result.hands[0]);
 * localStorage.setItem('gestures', JSON.stringify(gestures)); // or gestures.toJSON()
 * gestures.dispose();
 * ```
 */
export class GestureClassifier {
  private disposed = false;

  private constructor(
    /** Gesture names, one per class id. */
    readonly labels: readonly string[],
    /** The head that scores the features. */
    readonly head: GestureHeadKind,
    private readonly scorer: tf.LayersModel | KnnClassifier,
    /** The saved form, made once when the head is ready (a classifier never changes), so that {@link toJSON} is synchronous as `JSON.stringify` needs. */
    private readonly saved: SavedGestureClassifier,
  ) {}

  /** A classifier around a ready head, with its saved form; the head is disposed if saving fails. */
  private static async around(labels: readonly string[], head: GestureHeadKind, scorer: tf.LayersModel | KnnClassifier): Promise<GestureClassifier> {
    try {
      const base = { format: 'visionpipe-gestures' as const, version: 1 as const, featureDim: HAND_FEATURE_DIM, labels: [...labels], head };
      if (scorer instanceof KnnClassifier) return new GestureClassifier([...labels], head, scorer, { ...base, knn: await scorer.toJSON() });
      const files = await classifierToFiles(scorer);
      return new GestureClassifier([...labels], head, scorer, { ...base, model: { json: files.json, weights: bytesToBase64(files.weights) } });
    } catch (error) {
      scorer.dispose();
      throw error;
    }
  }

  /**
   * Trains on labelled hands; the labels are the distinct `label`s in order of first appearance.
   * `INVALID_OPTION` for bad options (checked first) and for training that diverges (a learning
   * rate too high), `INVALID_INPUT` naming the first bad sample.
   */
  static async train(samples: readonly { hand: HandLandmarks; label: string }[], options: GestureTrainOptions = {}): Promise<GestureClassifier> {
    checkTrainOptions(options);
    const { features, classIds, labels } = samplesToExamples(samples);
    checkLabels(labels, 'INVALID_OPTION', "the samples' distinct labels");
    checkExamples(features, classIds, labels);
    return GestureClassifier.trainHead(features, classIds, labels, options);
  }

  /** Trains on precomputed {@link handFeatures} rows and their class ids (what the training worker holds). */
  static async fromFeatures(features: readonly ArrayLike<number>[], classIds: readonly number[], labels: readonly string[], options: GestureTrainOptions = {}): Promise<GestureClassifier> {
    checkTrainOptions(options);
    checkLabels(labels, 'INVALID_OPTION');
    checkExamples(features, classIds, labels);
    return GestureClassifier.trainHead(features, classIds, labels, options);
  }

  /** Trains the head on checked examples and options. */
  private static async trainHead(features: readonly ArrayLike<number>[], classIds: readonly number[], labels: readonly string[], options: GestureTrainOptions): Promise<GestureClassifier> {
    await ensureTfjsBackend();
    const kind = options.head ?? 'mlp';
    const x = toMatrix(features);
    try {
      if (kind === 'knn') {
        throwIfAborted(options.signal, 'training');
        const knn = new KnnClassifier({ k: options.k ?? 5, numClasses: labels.length, normalize: false });
        await knn.fit(x, classIds);
        return await GestureClassifier.around(labels, kind, knn);
      }
      const model = buildHead(kind, { inputDim: HAND_FEATURE_DIM, numClasses: labels.length, hidden: options.hidden ?? 32, dropout: 0, seed: options.seed, normalizeFeatures: false });
      try {
        const { diverged, history } = await fit(model, { x, labels: classIds }, {
          epochs: options.epochs ?? 40,
          batchSize: options.batchSize ?? 16,
          optimizer: { name: 'adam', learningRate: options.learningRate ?? 0.01 },
          loss: headLoss(kind),
          seed: options.seed,
          signal: options.signal,
          onEpochEnd: options.onEpochEnd,
        });
        const last = history.at(-1)?.loss ?? NaN;
        if (diverged || !(last <= DIVERGED_FACTOR * chanceLoss(kind, labels.length))) {
          // NaN weights would score every hand NaN and name the first label; exploded ones score every hand the same
          const how = diverged ? 'the loss became NaN or Infinity' : `its last epoch's loss is ${last.toPrecision(3)}, above ${DIVERGED_FACTOR} × that of scoring every class alike`;
          throw new VisionError('INVALID_OPTION', `training diverged (${how}); learningRate is ${options.learningRate ?? 0.01}; lower it`);
        }
      } catch (error) {
        model.dispose();
        throw error;
      }
      return await GestureClassifier.around(labels, kind, model);
    } finally {
      x.dispose();
    }
  }

  /**
   * Rebuilds a classifier from {@link GestureClassifier.toJSON}'s data. `INVALID_INPUT` unless
   * it is an object; `MODEL_FORMAT` when it is not saved gesture data or does not fit together
   * (labels vs. the head's classes, weights vs. the model); nothing stays allocated then.
   */
  static async fromJSON(saved: SavedGestureClassifier): Promise<GestureClassifier> {
    checkSaved(saved);
    await ensureTfjsBackend();
    return GestureClassifier.around(saved.labels, saved.head, await scorerFromJSON(saved));
  }

  private live(): tf.LayersModel | KnnClassifier {
    if (this.disposed) throw new VisionError('DISPOSED', 'this gesture classifier was disposed');
    return this.scorer;
  }

  /** Runs asynchronous work on the head; a failure because `dispose()` came meanwhile is `DISPOSED`. */
  private async whileLive<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.disposed) throw new VisionError('DISPOSED', 'this gesture classifier was disposed while it was in use', { cause: error });
      throw error;
    }
  }

  /**
   * Scores feature rows: `[N, labels]` row-major, each row summing to 1. `INVALID_INPUT` naming
   * the first row that is not {@link HAND_FEATURE_DIM} finite numbers.
   */
  async scoreFeatures(features: readonly ArrayLike<number>[]): Promise<Float32Array> {
    return (await this.scoreRows(features)).scores;
  }

  /** The scores of feature rows and, from a k-NN head, its predictions (a tie of votes goes to the nearer neighbours). */
  private async scoreRows(features: readonly ArrayLike<number>[]): Promise<{ scores: Float32Array; predicted?: Int32Array }> {
    const scorer = this.live();
    checkArray(features, 'scoreFeatures needs an array of feature rows');
    for (let i = 0; i < features.length; i++) checkFeatureRow(features[i], `row ${i}`);
    if (features.length === 0) return { scores: new Float32Array(0) };
    await ensureTfjsBackend();
    this.live(); // disposed while the backend was checked
    const x = toMatrix(features);
    try {
      if (scorer instanceof KnnClassifier) return await this.whileLive(() => scorer.predictWithScores(x));
      const probabilities = tf.tidy(() => tf.softmax(scorer.predict(x) as tf.Tensor2D));
      const scores = (await probabilities.data()) as Float32Array;
      probabilities.dispose();
      return { scores };
    } finally {
      x.dispose();
    }
  }

  /** Classifies many hands at once (one result per hand, in order); `INVALID_INPUT` names the first bad hand. */
  async classifyMany(hands: readonly HandLandmarks[]): Promise<GestureResult[]> {
    this.live();
    checkArray(hands, 'classifyMany needs an array of hands');
    return this.classifyRows(Array.from(hands, (hand, i) => featuresAt(hand, `hand ${i}`)));
  }

  /** Classifies one hand: its best label, that label's score, and all labels' scores. */
  async classify(hand: HandLandmarks): Promise<GestureResult> {
    this.live();
    const [result] = await this.classifyRows([handFeatures(hand)]);
    return result;
  }

  private async classifyRows(rows: readonly Float32Array[]): Promise<GestureResult[]> {
    const { scores, predicted } = await this.scoreRows(rows);
    const n = this.labels.length;
    return rows.map((_, i) => {
      const row = scores.subarray(i * n, (i + 1) * n);
      let best = 0;
      if (predicted) best = predicted[i];
      else for (let c = 1; c < n; c++) if (row[c] > row[best]) best = c;
      return { label: this.labels[best], score: row[best], scores: Object.fromEntries(this.labels.map((label, c) => [label, row[c]])) };
    });
  }

  /**
   * The classifier as plain JSON-serialisable data (for {@link GestureClassifier.fromJSON}), a
   * fresh copy each call; synchronous, so `JSON.stringify(classifier)` saves it too.
   * `DISPOSED` after {@link dispose}.
   */
  toJSON(): SavedGestureClassifier {
    this.live();
    return structuredClone(this.saved);
  }

  /** Frees the head's tensors. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scorer.dispose();
  }
}
