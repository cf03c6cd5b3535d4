import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { accuracy } from '../../core/accuracy';
import { shownValue } from '../../core/shown-value';
import { knownOptions, optionNames } from '../../core/known-options';
import { checkClassLabels, checkFinite, checkNumber, checkObject, checkOptionalNumber, checkTensor } from '../checks';

/** Distance of a {@link KnnClassifier}. @example `const d: KnnDistance = 'l2';` */
export type KnnDistance = 'l1' | 'l2';

/**
 * A k-NN classifier in plain data (serialisable, transferable): what {@link KnnClassifier.toJSON} returns.
 *
 * @example
 * ```ts
 * localStorage.setItem('knn', JSON.stringify(knn.toJSON()));
 * ```
 */
export interface KnnState {
  k: number;
  distance: KnnDistance;
  normalize: boolean;
  dim: number;
  numClasses: number;
  embeddings: number[];
  labels: number[];
}

/**
 * What {@link KnnClassifier.predictWithScores} answers: each query's predicted class and its
 * vote shares `[N, numClasses]` row-major (votes / k).
 *
 * @example
 * ```ts
 * const { predicted, scores }: KnnVotes = await knn.predictWithScores(features);
 * ```
 */
export interface KnnVotes {
  predicted: Int32Array;
  scores: Float32Array;
}

/**
 * Options of {@link KnnClassifier}: k (default 5), the distance (default `l2`), a fixed class
 * count, and whether features are L2-normalised first (default true).
 *
 * @example
 * ```ts
 * const options: KnnOptions = { k: 7, distance: 'l1', normalize: false };
 * ```
 */
export interface KnnOptions {
  k?: number;
  distance?: KnnDistance;
  numClasses?: number;
  normalize?: boolean;
}

const KNN_OPTION_NAMES = /* @__PURE__ */ optionNames<KnnOptions>()(['k', 'distance', 'numClasses', 'normalize']);

/** Throws `INVALID_INPUT` unless `state` is a {@link KnnState} whose sizes agree. */
function checkState(state: KnnState): void {
  checkObject(state, 'k-NN state', 'INVALID_INPUT');
  checkNumber(state.dim, 'dim', 'positive integer', 'INVALID_INPUT');
  if (!Array.isArray(state.labels) || !Array.isArray(state.embeddings) || state.embeddings.length !== state.labels.length * state.dim) {
    throw new VisionError('INVALID_INPUT', `the k-NN state's sizes do not match: it needs labels and embeddings arrays with labels × dim (${state.dim}) embeddings`);
  }
  const bad = (state.embeddings as unknown[]).findIndex((v) => typeof v !== 'number');
  if (bad >= 0) throw new VisionError('INVALID_INPUT', `the k-NN state's embeddings have ${shownValue(state.embeddings[bad])} at index ${bad}; every value must be a number`);
  checkNumber(state.numClasses, "the k-NN state's numClasses", 'positive integer', 'INVALID_INPUT');
  checkClassLabels(state.labels, 'labels', state.labels.length);
  const over = state.labels.findIndex((l) => l >= state.numClasses);
  if (over >= 0) {
    throw new VisionError('INVALID_INPUT', `the k-NN state's labels[${over}] is ${state.labels[over]}, but its numClasses is ${state.numClasses}; every label must be a class index from 0 to ${state.numClasses - 1}`);
  }
}

/**
 * k-nearest-neighbours on feature vectors: L1 or L2 distance, majority vote (ties go to the
 * nearer neighbours); `chooseK` picks k on validation data. Distances run as tfjs ops.
 *
 * @example
 * ```ts
 * const knn = new KnnClassifier({ distance: 'l2' });
 * await knn.fit(trainFeatures, trainLabels);
 * await knn.chooseK(valFeatures, valLabels, [1, 3, 5, 7]);
 * const predicted = await knn.predict(testFeatures);
 * ```
 */
export class KnnClassifier {
  k: number;
  readonly distance: KnnDistance;
  private memory: tf.Tensor2D | null = null;
  private labels = new Int32Array(0);
  private classes = 0;
  /** The class count given to the constructor (0: follow the labels of the stored examples). */
  private readonly fixedClasses: number;

  /** Whether features are scaled to unit L2 length before distances (cosine-like; default true). */
  readonly normalize: boolean;

  constructor(options: KnnOptions = {}) {
    checkObject(options, 'k-NN options');
    knownOptions(options, 'k-NN options', KNN_OPTION_NAMES);
    if (options.normalize !== undefined && typeof options.normalize !== 'boolean') throw new VisionError('INVALID_OPTION', `normalize is ${shownValue(options.normalize)}; it must be true or false`);
    checkOptionalNumber(options.k, 'k', 'positive integer');
    checkOptionalNumber(options.numClasses, 'numClasses', 'non-negative integer');
    this.k = options.k ?? 5;
    this.normalize = options.normalize ?? true;
    this.distance = options.distance ?? 'l2';
    this.fixedClasses = options.numClasses ?? 0;
    this.classes = this.fixedClasses;
    if (this.distance !== 'l1' && this.distance !== 'l2') throw new VisionError('INVALID_OPTION', `distance '${String(this.distance)}'; allowed: l1, l2`);
  }

  /**
   * Number of classes: as given to the constructor, else the largest label of the examples it
   * holds + 1 (refitting with fewer classes lowers it; 0 once disposed). Scores have this many
   * columns, and {@link KnnClassifier.toJSON} saves it.
   */
  get numClasses(): number {
    return this.classes;
  }

  /**
   * Stores the training features `[N, D]` (copied) and labels, replacing any stored before.
   * With `numClasses` given to the constructor every label must be below it (`INVALID_INPUT`
   * otherwise); without, {@link KnnClassifier.numClasses} becomes the largest label + 1.
   */
  async fit(x: tf.Tensor2D, labels: ArrayLike<number>): Promise<void> {
    checkTensor(x, 'x', 2);
    checkClassLabels(labels, 'labels', x.shape[0], this.fixedClasses > 0 ? this.fixedClasses : undefined);
    if (x.shape[0] === 0) throw new VisionError('INVALID_INPUT', 'the k-NN classifier needs at least one example to fit');
    await checkFinite(x, 'x');
    this.memory?.dispose();
    this.memory = this.prepare(x);
    this.labels = Int32Array.from(labels);
    this.classes = this.fixedClasses > 0 ? this.fixedClasses : this.labels.reduce((m, l) => Math.max(m, l + 1), 0);
    await Promise.resolve();
  }

  /** Features as float32 (int32 ones too), L2-normalised when the classifier normalises. */
  private prepare(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const values = tf.cast(x, 'float32');
      return this.normalize ? (tf.div(values, tf.maximum(tf.norm(values, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D) : values;
    });
  }

  /** Indices of the `k` nearest stored examples of each query, nearest first. */
  private async neighbours(x: tf.Tensor2D, k: number): Promise<Int32Array> {
    const memory = this.memory;
    if (!memory) throw new VisionError('INVALID_OPTION', 'the k-NN classifier has no examples; call fit first');
    checkTensor(x, 'x', 2);
    await checkFinite(x, 'x');
    if (x.shape[1] !== memory.shape[1]) throw new VisionError('INVALID_INPUT', `features have ${x.shape[1]} values; the classifier holds ${memory.shape[1]}`);
    const kk = Math.min(k, memory.shape[0]);
    // L2 ranks by ‖m − c‖² − 2 (q − c)·(m − c), with c the mean of the stored examples: the same
    // order as ‖q − m‖², without the float32 cancellation of a large offset the features share
    const l2 = this.distance === 'l2' ? tf.tidy(() => {
      const centre = tf.mean(memory, 0, true);
      const centred = tf.sub(memory, centre);
      return { centre, centred, norms: tf.expandDims(tf.sum(tf.square(centred), 1), 0) };
    }) : null;
    const chunks: Int32Array[] = [];
    try {
      for (let start = 0; start < x.shape[0]; start += 64) {
        const idx = tf.tidy(() => {
          const q = this.prepare(tf.slice(x, start, Math.min(64, x.shape[0] - start)));
          const d = l2
            ? tf.sub(l2.norms, tf.mul(2, tf.matMul(tf.sub(q, l2.centre), l2.centred, false, true)))
            : tf.sum(tf.abs(tf.sub(tf.expandDims(q, 1), tf.expandDims(memory, 0))), 2);
          return tf.topk(tf.neg(d), kk).indices;
        });
        chunks.push((await idx.data()) as Int32Array);
        idx.dispose();
      }
    } finally {
      if (l2) tf.dispose([l2.centre, l2.centred, l2.norms]);
    }
    const out = new Int32Array(chunks.reduce((a, c) => a + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  /**
   * Majority vote of the first `k` of each query's neighbours (`stride` per query, nearest
   * first): scores are vote counts / k; a tie goes to the tied class whose nearest member ranks first.
   */
  private vote(neighbours: Int32Array, stride: number, k: number): KnnVotes {
    const n = neighbours.length / stride;
    const classes = this.classes;
    const scores = new Float32Array(n * classes);
    const predicted = new Int32Array(n);
    const counts = new Int32Array(classes);
    const firstRank = new Int32Array(classes);
    for (let i = 0; i < n; i++) {
      counts.fill(0);
      let best = -1;
      for (let j = 0; j < k; j++) {
        const c = this.labels[neighbours[i * stride + j]];
        if (counts[c]++ === 0) firstRank[c] = j;
        if (best < 0 || counts[c] > counts[best] || (counts[c] === counts[best] && firstRank[c] < firstRank[best])) best = c;
      }
      for (let c = 0; c < classes; c++) scores[i * classes + c] = counts[c] / k;
      predicted[i] = best;
    }
    return { scores, predicted };
  }

  /** Class scores `[N, numClasses]` (vote shares: votes / k, summing to 1) as row-major plain data. */
  async predictScores(x: tf.Tensor2D): Promise<Float32Array> {
    return (await this.predictWithScores(x)).scores;
  }

  /** The predicted class of each query: the majority of its k nearest examples (ties go to the nearer ones). */
  async predict(x: tf.Tensor2D): Promise<Int32Array> {
    return (await this.predictWithScores(x)).predicted;
  }

  /**
   * {@link KnnClassifier.predict} and {@link KnnClassifier.predictScores} from one neighbour
   * search. The predicted class can differ from the first highest score: a tie of votes goes to
   * the class whose nearest member is nearer.
   *
   * @example
   * ```ts
   * const { predicted, scores } = await knn.predictWithScores(features);
   * ```
   */
  async predictWithScores(x: tf.Tensor2D): Promise<KnnVotes> {
    const k = Math.min(this.k, this.labels.length);
    return this.vote(await this.neighbours(x, k), k, k);
  }

  /** Tries each candidate k on validation data, keeps the most accurate (smallest on ties), and returns each k's accuracy. */
  async chooseK(x: tf.Tensor2D, labels: ArrayLike<number>, candidates: readonly number[] = [1, 3, 5, 7, 9, 15]): Promise<Map<number, number>> {
    if (!Array.isArray(candidates) || candidates.length === 0 || candidates.some((k) => !Number.isInteger(k) || k < 1)) throw new VisionError('INVALID_OPTION', `candidates is ${shownValue(candidates)}; it must be a non-empty array of positive integers`);
    checkTensor(x, 'x', 2);
    checkClassLabels(labels, 'labels', x.shape[0]);
    const maxK = Math.min(Math.max(...candidates), this.labels.length);
    const neighbours = await this.neighbours(x, maxK);
    const scores = new Map<number, number>();
    for (const k of [...candidates].sort((a, b) => a - b)) {
      const kk = Math.min(k, maxK);
      scores.set(k, accuracy(this.vote(neighbours, maxK, kk).predicted, labels));
    }
    let bestK = Math.min(...candidates);
    for (const [k, acc] of scores) if (acc > (scores.get(bestK) ?? -1)) bestK = k;
    this.k = bestK;
    return scores;
  }

  /** The classifier as plain data. */
  async toJSON(): Promise<KnnState> {
    if (!this.memory) throw new VisionError('INVALID_OPTION', 'the k-NN classifier has no examples; call fit first');
    return { k: this.k, distance: this.distance, normalize: this.normalize, dim: this.memory.shape[1], numClasses: this.classes, embeddings: Array.from(await this.memory.data()), labels: Array.from(this.labels) };
  }

  /**
   * Rebuilds a classifier from {@link KnnClassifier.toJSON}'s data, with its saved `numClasses`;
   * `INVALID_INPUT` when the sizes disagree or a label is not below `numClasses`.
   */
  static async fromJSON(state: KnnState): Promise<KnnClassifier> {
    checkState(state);
    const knn = new KnnClassifier({ k: state.k, distance: state.distance, numClasses: state.numClasses, normalize: state.normalize });
    const x = tf.tensor2d(state.embeddings, [state.labels.length, state.dim]);
    try {
      await knn.fit(x, state.labels);
    } finally {
      x.dispose();
    }
    return knn;
  }

  /** Frees the stored features and forgets the examples (a later `fit` starts afresh). */
  dispose(): void {
    this.memory?.dispose();
    this.memory = null;
    this.labels = new Int32Array(0);
    this.classes = this.fixedClasses;
  }
}
