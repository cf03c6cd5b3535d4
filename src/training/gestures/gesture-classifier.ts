import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { ensureTfjsBackend } from '../../runtime/tfjs-backend';
import type { EpochLog } from '../fit';
import { fit } from '../fit';
import { classifierToFiles } from '../save';
import { buildHead, headLoss, type HeadKind } from '../transfer/heads';
import { KnnClassifier, type KnnState } from '../transfer/knn';
import { HAND_FEATURE_DIM, type HandLandmarks, handFeatures } from './hand-features';
import { base64ToBytes, bytesToBase64 } from './base64';

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
 * Options of {@link GestureClassifier.train}.
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

function checkExamples(features: readonly ArrayLike<number>[], classIds: readonly number[], labels: readonly string[]): void {
  if (!Array.isArray(labels) || labels.length < 2 || labels.some((l) => typeof l !== 'string')) {
    throw new VisionError('INVALID_OPTION', 'labels must list at least two gesture names (strings), one per class id');
  }
  if (features.length !== classIds.length) throw new VisionError('INVALID_INPUT', `${features.length} feature rows but ${classIds.length} class ids`);
  const counts = labels.map(() => 0);
  classIds.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= labels.length) throw new VisionError('INVALID_INPUT', `class id ${String(id)} of example ${i}; allowed: 0–${labels.length - 1}`);
    if (features[i]?.length !== HAND_FEATURE_DIM) throw new VisionError('INVALID_INPUT', `example ${i} has ${String(features[i]?.length)} features; hand features have ${HAND_FEATURE_DIM}`);
    counts[id]++;
  });
  const short = labels.filter((_, id) => counts[id] < 2);
  if (short.length > 0) throw new VisionError('INVALID_INPUT', `every gesture needs at least 2 examples; too few for ${short.map((l) => `'${l}'`).join(', ')}`);
}

const toMatrix = (rows: readonly ArrayLike<number>[]): tf.Tensor2D => tf.tensor2d(rows.flatMap((r) => Array.from(r)), [rows.length, HAND_FEATURE_DIM]);

/**
 * Classifies hand gestures from 21 hand landmarks: the hand is turned into pose features that
 * do not depend on where the hand is, how big, how rotated or which hand it is
 * ({@link handFeatures}), and one of the training toolkit's heads (k-NN, softmax, SVM, MLP)
 * scores them. Train it on your own labelled hands, save it as JSON, or start from the built-in
 * five gestures (`loadBuiltInGestures`).
 *
 * @example
 * ```ts
 * const gestures = await GestureClassifier.train(samples.map((s) => ({ hand: s.hand, label: s.name })), { head: 'knn' });
 * const { label, score } = await gestures.classify(result.hands[0]);
 * const saved = await gestures.toJSON();
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
  ) {}

  /** Trains on labelled hands; the labels are the distinct `label`s in order of first appearance. */
  static async train(samples: readonly { hand: HandLandmarks; label: string }[], options: GestureTrainOptions = {}): Promise<GestureClassifier> {
    if (!Array.isArray(samples)) throw new VisionError('INVALID_INPUT', 'train needs an array of { hand, label } samples');
    const labels = [...new Set(samples.map((s) => s.label))];
    return GestureClassifier.fromFeatures(samples.map((s) => handFeatures(s.hand)), samples.map((s) => labels.indexOf(s.label)), labels, options);
  }

  /** Trains on precomputed {@link handFeatures} rows and their class ids (what the training worker holds). */
  static async fromFeatures(features: readonly ArrayLike<number>[], classIds: readonly number[], labels: readonly string[], options: GestureTrainOptions = {}): Promise<GestureClassifier> {
    checkExamples(features, classIds, labels);
    await ensureTfjsBackend();
    const kind = options.head ?? 'mlp';
    const x = toMatrix(features);
    try {
      if (kind === 'knn') {
        const knn = new KnnClassifier({ k: options.k ?? 5, numClasses: labels.length, normalize: false });
        await knn.fit(x, classIds);
        return new GestureClassifier([...labels], kind, knn);
      }
      const model = buildHead(kind, { inputDim: HAND_FEATURE_DIM, numClasses: labels.length, hidden: options.hidden ?? 32, dropout: 0, seed: options.seed, normalizeFeatures: false });
      try {
        await fit(model, { x, labels: classIds }, {
          epochs: options.epochs ?? 40,
          batchSize: options.batchSize ?? 16,
          optimizer: { name: 'adam', learningRate: options.learningRate ?? 0.01 },
          loss: headLoss(kind),
          seed: options.seed,
          signal: options.signal,
          onEpochEnd: options.onEpochEnd,
        });
      } catch (error) {
        model.dispose();
        throw error;
      }
      return new GestureClassifier([...labels], kind, model);
    } finally {
      x.dispose();
    }
  }

  /** Rebuilds a classifier from {@link GestureClassifier.toJSON}'s data. */
  static async fromJSON(saved: SavedGestureClassifier): Promise<GestureClassifier> {
    if (saved?.format !== 'visionpipe-gestures' || saved.version !== 1) throw new VisionError('MODEL_FORMAT', "not a saved gesture classifier (format 'visionpipe-gestures', version 1)");
    if (saved.featureDim !== HAND_FEATURE_DIM) throw new VisionError('MODEL_FORMAT', `the saved classifier takes ${saved.featureDim} features; this version computes ${HAND_FEATURE_DIM}`);
    await ensureTfjsBackend();
    if (saved.head === 'knn' && saved.knn) return new GestureClassifier(saved.labels, 'knn', await KnnClassifier.fromJSON(saved.knn));
    if (saved.head !== 'knn' && saved.model) {
      const { json, weights } = saved.model;
      const bytes = base64ToBytes(weights);
      const model = await tf.loadLayersModel(tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      }));
      return new GestureClassifier(saved.labels, saved.head, model);
    }
    throw new VisionError('MODEL_FORMAT', `the saved '${String(saved.head)}' gesture classifier has no ${saved.head === 'knn' ? 'knn state' : 'model'}`);
  }

  private live(): tf.LayersModel | KnnClassifier {
    if (this.disposed) throw new VisionError('DISPOSED', 'this gesture classifier was disposed');
    return this.scorer;
  }

  /** Scores feature rows: `[N, labels]` row-major, each row summing to 1. */
  async scoreFeatures(features: readonly ArrayLike<number>[]): Promise<Float32Array> {
    const scorer = this.live();
    features.forEach((row, i) => {
      if (row?.length !== HAND_FEATURE_DIM) throw new VisionError('INVALID_INPUT', `row ${i} has ${String(row?.length)} features; hand features have ${HAND_FEATURE_DIM}`);
    });
    if (features.length === 0) return new Float32Array(0);
    await ensureTfjsBackend();
    const x = toMatrix(features);
    try {
      if (scorer instanceof KnnClassifier) return await scorer.predictScores(x);
      const probabilities = tf.tidy(() => tf.softmax(scorer.predict(x) as tf.Tensor2D));
      const data = (await probabilities.data()) as Float32Array;
      probabilities.dispose();
      return data;
    } finally {
      x.dispose();
    }
  }

  /** Classifies many hands at once (one result per hand, in order). */
  async classifyMany(hands: readonly HandLandmarks[]): Promise<GestureResult[]> {
    const scores = await this.scoreFeatures(hands.map((hand) => handFeatures(hand)));
    const n = this.labels.length;
    return hands.map((_, i) => {
      const row = scores.subarray(i * n, (i + 1) * n);
      let best = 0;
      for (let c = 1; c < n; c++) if (row[c] > row[best]) best = c;
      return { label: this.labels[best], score: row[best], scores: Object.fromEntries(this.labels.map((label, c) => [label, row[c]])) };
    });
  }

  /** Classifies one hand: its best label, that label's score, and all labels' scores. */
  async classify(hand: HandLandmarks): Promise<GestureResult> {
    const [result] = await this.classifyMany([hand]);
    return result;
  }

  /** The classifier as plain JSON-serialisable data (for {@link GestureClassifier.fromJSON}). */
  async toJSON(): Promise<SavedGestureClassifier> {
    const scorer = this.live();
    const base = { format: 'visionpipe-gestures' as const, version: 1 as const, featureDim: HAND_FEATURE_DIM, labels: [...this.labels], head: this.head };
    if (scorer instanceof KnnClassifier) return { ...base, knn: await scorer.toJSON() };
    const files = await classifierToFiles(scorer);
    return { ...base, model: { json: files.json, weights: bytesToBase64(files.weights) } };
  }

  /** Frees the head's tensors. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scorer.dispose();
  }
}
