/**
 * A compact anchor-free (YOLO-style) detector with an optional prototype mask head, held as
 * tf.Variables: batch-normalised convolutions whose gradients are forward convolutions (see
 * trainable-conv.ts), so it trains on every tfjs backend, wasm included.
 * {@link detectorToLayersModel} turns it into a standard layers model with YOLOv8's output
 * layout.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { knownOptions, optionNames } from '../../core/known-options';
import { shownData, shownValue } from '../../core/shown-value';
import { checkObject, checkOptionalNumber } from '../checks';
import { checkClassNameList } from '../class-names';
import { seededRandom } from '../random';
import { NORM_EPSILON, type NormState, batchNorm, foldNorm } from './batch-norm';
import { trainableConv } from './trainable-conv';

/**
 * Shape of a {@link TrainableDetector}.
 *
 * @example
 * ```ts
 * const config: DetectorConfig = { inputSize: 64, labels: ['circle', 'square', 'triangle'], numPrototypes: 8 };
 * ```
 */
export interface DetectorConfig {
  /** Square input side; a multiple of 32 (YOLO cards require it). */
  inputSize: number;
  labels: readonly string[];
  /** Channels at strides 2, 4 and 8. Default [16, 32, 64]. */
  widths?: readonly [number, number, number];
  /** Mask prototypes (0: no mask head). Default 0. */
  numPrototypes?: number;
}

/** The raw training-time outputs of {@link TrainableDetector.forward}; N = (inputSize/8)². @example `const { clsLogits, boxes } = detector.forward(x);` */
export interface DetectorForward {
  /** [B, N, C] class logits. */
  clsLogits: tf.Tensor3D;
  /** [B, N, 4] boxes x1, y1, x2, y2 in input pixels. */
  boxes: tf.Tensor3D;
  /** [B, N, M] mask coefficients (M = numPrototypes). */
  coefficients?: tf.Tensor3D;
  /** [B, (S/2)², M] prototypes. */
  prototypes?: tf.Tensor3D;
}

/**
 * Stride of the detection grid.
 *
 * @example
 * ```ts
 * const cells = (inputSize / DETECTOR_STRIDE) ** 2;
 * ```
 */
export const DETECTOR_STRIDE = 8;

/**
 * Stride of the mask prototypes (finer than YOLO-seg's 4: the scenes' objects are small).
 *
 * @example
 * ```ts
 * const protoSide = inputSize / PROTO_STRIDE;
 * ```
 */
export const PROTO_STRIDE = 2;

interface LayerDef {
  name: string;
  kind: 'down' | 'conv3' | 'conv1';
  cin: number;
  cout: number;
}

/** Whether a layer is batch-normalised (all but the 1×1 output convolutions). */
function normalised(layer: LayerDef): boolean {
  return layer.kind !== 'conv1';
}

/**
 * The layers of a config, in order (names are shared with the exported layers model).
 *
 * @example
 * ```ts
 * const layers = detectorLayers({ inputSize: 64, labels: ['cat', 'dog', 'bird'] });
 * ```
 */
export function detectorLayers(config: DetectorConfig): LayerDef[] {
  const [w0, w1, w2] = config.widths ?? [16, 32, 64];
  const c = config.labels.length;
  const m = config.numPrototypes ?? 0;
  const layers: LayerDef[] = [
    { name: 'stem', kind: 'down', cin: 3, cout: w0 },
    { name: 'c1', kind: 'conv3', cin: w0, cout: w0 },
    { name: 'd1', kind: 'down', cin: w0, cout: w1 },
    { name: 'c2', kind: 'conv3', cin: w1, cout: w1 },
    { name: 'd2', kind: 'down', cin: w1, cout: w2 },
    { name: 'c3', kind: 'conv3', cin: w2, cout: w2 },
    { name: 'c4', kind: 'conv3', cin: w2, cout: w2 },
    { name: 'head_cls', kind: 'conv3', cin: w2, cout: w2 },
    { name: 'cls', kind: 'conv1', cin: w2, cout: c },
    { name: 'head_box', kind: 'conv3', cin: w2, cout: w2 },
    { name: 'box', kind: 'conv1', cin: w2, cout: 4 },
  ];
  if (m > 0) {
    layers.push({ name: 'coef', kind: 'conv1', cin: w2, cout: m });
    layers.push({ name: 'proto_conv', kind: 'conv3', cin: w2 + w1, cout: w1 });
    layers.push({ name: 'proto', kind: 'conv3', cin: w1 + w0, cout: m });
  }
  return layers;
}

function taps(kind: LayerDef['kind']): number {
  return kind === 'conv3' ? 9 : kind === 'down' ? 4 : 1;
}

/** Class prior of the class head's bias (YOLO's prior: few cells hold objects). */
const CLASS_PRIOR_BIAS = -4.6;

const CONFIG_NAMES = /* @__PURE__ */ optionNames<DetectorConfig>()(['inputSize', 'labels', 'widths', 'numPrototypes']);

/** A detector's labels: class names (non-empty strings, each once), at least one. */
function checkLabels(labels: unknown): void {
  checkClassNameList(labels);
  if (labels.length === 0) throw new VisionError('INVALID_OPTION', 'a detector needs at least one label');
}

function checkConfig(config: DetectorConfig): void {
  checkObject(config, 'detector config');
  knownOptions(config, 'detector config', CONFIG_NAMES);
  const { inputSize, labels, widths } = config;
  if (!(Number.isInteger(inputSize) && inputSize >= 32 && inputSize % 32 === 0)) {
    throw new VisionError('INVALID_OPTION', `inputSize is ${shownValue(inputSize)}; it must be a positive multiple of 32`);
  }
  checkLabels(labels);
  if (widths !== undefined && !(Array.isArray(widths) && widths.length === 3 && widths.every((w) => Number.isInteger(w) && w > 0))) {
    throw new VisionError('INVALID_OPTION', `widths is ${shownData(widths)}; it must be three positive integers (channels at strides 2, 4 and 8), e.g. [16, 32, 64]`);
  }
  const m = config.numPrototypes ?? 0;
  if (!(Number.isInteger(m) && m >= 0 && m !== inputSize / PROTO_STRIDE)) {
    throw new VisionError('INVALID_OPTION', `numPrototypes is ${m}; it must be a non-negative integer other than inputSize/${PROTO_STRIDE} (${inputSize / PROTO_STRIDE}), which would make the prototype layout ambiguous`);
  }
}

function conv(x: tf.Tensor4D, [kernel, bias]: [tf.Tensor2D, tf.Tensor1D], kind: LayerDef['kind']): tf.Tensor4D {
  const k = kind === 'conv3' ? 3 : kind === 'down' ? 2 : 1;
  return trainableConv(x, kernel.reshape([k, k, x.shape[3], kernel.shape[1]]), bias, kind === 'down' ? 'down' : 'same');
}

/** Nearest-neighbour ×2 upsampling (= UpSampling2D). */
function up2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]);
}

/**
 * Cell centres of the detection grid, [N, 2] (x, y) in input pixels, row-major.
 *
 * @example
 * ```ts
 * const centres = gridCentres(64); // x0, y0, x1, y1, … in input pixels
 * ```
 */
export function gridCentres(inputSize: number): Float32Array {
  const g = inputSize / DETECTOR_STRIDE;
  const out = new Float32Array(g * g * 2);
  for (let i = 0; i < g * g; i++) {
    out[i * 2] = ((i % g) + 0.5) * DETECTOR_STRIDE;
    out[i * 2 + 1] = (Math.floor(i / g) + 0.5) * DETECTOR_STRIDE;
  }
  return out;
}

/**
 * A trainable compact anchor-free detector: backbone at strides 2–8, a decoupled head (class
 * logits; box side distances `softplus(·) × 8` from each cell centre) and optionally YOLACT /
 * YOLO-seg style mask prototypes at stride 2 with per-cell coefficients. Train it with
 * `trainDetector`, export it with `detectorToLayersModel` and run it in
 * `pipeline('object-detection', …)` with a `yoloModel` card. Call {@link dispose} when done.
 *
 * @example
 * ```ts
 * const detector = new TrainableDetector({ inputSize: 64, labels: ['circle', 'square'], numPrototypes: 8 });
 * await trainDetector(detector, scenes, { epochs: 10 });
 * const model = detectorToLayersModel(detector);
 * ```
 */
export class TrainableDetector {
  readonly config: Readonly<DetectorConfig>;
  /** Trainable weights by layer: `${name}/kernel` ([taps·cin, cout]), `${name}/bias`, and for normalised layers `${name}/gamma`, `${name}/beta`. */
  readonly params: Map<string, tf.Variable>;
  /** Running batch-norm statistics: `${name}/mean`, `${name}/variance`. */
  readonly stats: Map<string, tf.Variable>;
  private readonly anchors: tf.Tensor2D;

  /** `weights`: some or all of the keys of {@link params} and {@link stats} (e.g. a {@link snapshot}); the others start fresh. */
  constructor(config: DetectorConfig, options: { seed?: number; weights?: ReadonlyMap<string, tf.Tensor> } = {}) {
    checkConfig(config);
    checkObject(options, 'TrainableDetector options');
    knownOptions(options, 'TrainableDetector options', ['seed', 'weights']);
    checkOptionalNumber(options.seed, 'seed', 'integer');
    if (options.weights !== undefined && !(options.weights instanceof Map)) throw new VisionError('INVALID_INPUT', `weights are ${shownValue(options.weights)}; they must be a Map of tensors by '<layer>/<part>' (a snapshot())`);
    this.config = { ...config, labels: [...config.labels], widths: config.widths ?? [16, 32, 64], numPrototypes: config.numPrototypes ?? 0 };
    this.params = new Map();
    this.stats = new Map();
    const rng = seededRandom(options.seed ?? 7);
    const plan = detectorLayers(this.config).map((layer) => {
      const fanIn = taps(layer.kind) * layer.cin;
      const parts: ['kernel' | 'bias' | 'gamma' | 'beta' | 'mean' | 'variance', number][] = [['kernel', 0], ['bias', layer.name === 'cls' ? CLASS_PRIOR_BIAS : 0]];
      if (normalised(layer)) parts.push(['gamma', 1], ['beta', 0], ['mean', 0], ['variance', 1 - NORM_EPSILON]);
      return { layer, fanIn, parts };
    });
    // given weights that do not fit are refused before any variable is made
    for (const { layer, fanIn, parts } of plan) {
      for (const [part] of parts) {
        const key = `${layer.name}/${part}`;
        const given = options.weights?.get(key);
        const shape = part === 'kernel' ? [fanIn, layer.cout] : [layer.cout];
        if (given === undefined) continue;
        if (!(given instanceof tf.Tensor) || given.isDisposed) throw new VisionError('INVALID_INPUT', `weight ${key} is ${given instanceof tf.Tensor ? 'a disposed tensor' : shownValue(given)}; it must be a tensor`);
        if (given.size !== shape.reduce((a, b) => a * b, 1)) throw new VisionError('INVALID_INPUT', `weight ${key} has ${given.size} values; expected [${shape.join(', ')}]`);
      }
    }
    for (const { layer, fanIn, parts } of plan) {
      for (const [part, fill] of parts) {
        const key = `${layer.name}/${part}`;
        const shape = part === 'kernel' ? [fanIn, layer.cout] : [layer.cout];
        const given = options.weights?.get(key);
        let init: tf.Tensor;
        if (given) {
          init = given.reshape(shape);
        } else if (part === 'kernel') {
          const scale = Math.sqrt((layer.kind === 'conv1' ? 1 : 2) / fanIn) * (layer.kind === 'conv1' ? 0.5 : 1);
          init = tf.tensor(Float32Array.from({ length: fanIn * layer.cout }, () => gauss(rng) * scale), shape);
        } else {
          init = tf.fill(shape, fill);
        }
        const running = part === 'mean' || part === 'variance';
        (running ? this.stats : this.params).set(key, tf.variable(init, !running));
        if (init !== given) init.dispose();
      }
    }
    this.anchors = tf.tensor2d(gridCentres(config.inputSize), [(config.inputSize / DETECTOR_STRIDE) ** 2, 2]);
  }

  private w(name: string): [tf.Tensor2D, tf.Tensor1D] {
    const kernel = this.params.get(`${name}/kernel`);
    const bias = this.params.get(`${name}/bias`);
    if (!kernel || !bias) throw new VisionError('DISPOSED', `detector layer ${name} is missing (disposed?)`);
    return [kernel as tf.Tensor2D, bias as tf.Tensor1D];
  }

  private norm(name: string): NormState | undefined {
    const [gamma, beta, mean, variance] = [this.params.get(`${name}/gamma`), this.params.get(`${name}/beta`), this.stats.get(`${name}/mean`), this.stats.get(`${name}/variance`)];
    return gamma && beta && mean && variance ? { gamma: gamma as tf.Tensor1D, beta: beta as tf.Tensor1D, mean, variance } : undefined;
  }

  /**
   * The kernel `[taps·cin, cout]` and bias of layer `name` as one plain convolution (batch
   * norm folded in with its running statistics); new tensors the caller owns.
   *
   * @example
   * ```ts
   * const [kernel, bias] = detector.layerWeights('c1');
   * ```
   */
  layerWeights(name: string): [tf.Tensor2D, tf.Tensor1D] {
    const [kernel, bias] = this.w(name);
    const state = this.norm(name);
    return state ? foldNorm(kernel, bias, state) : [kernel.clone(), bias.clone()];
  }

  /**
   * Raw outputs for a batch `[B, S, S, 3]` of 0–1 RGB images (call inside `tf.tidy`).
   *
   * @example
   * ```ts
   * const { boxes } = tf.tidy(() => detector.forward(batch));
   * ```
   */
  forward(x: tf.Tensor4D, options: { training?: boolean } = {}): DetectorForward {
    const size = this.config.inputSize;
    const shape = x instanceof tf.Tensor ? x.shape : undefined;
    if (!(shape && shape.length === 4 && shape[0]! >= 1 && shape[1] === size && shape[2] === size && shape[3] === 3)) {
      const got = shape ? `a tensor of shape [${shape.join(', ')}]` : shownData(x);
      throw new VisionError('INVALID_INPUT', `forward needs a batch [B, ${size}, ${size}, 3] of 0–1 RGB images (B ≥ 1, the detector's inputSize ${size}); got ${got}`);
    }
    const layer = (name: string, input: tf.Tensor4D, kind: LayerDef['kind']) => {
      const y = conv(input, this.w(name), kind);
      const state = this.norm(name);
      return state ? batchNorm(y, state, options.training === true) : y;
    };
    const relu = (name: string, input: tf.Tensor4D, kind: LayerDef['kind'] = 'conv3') => tf.relu(layer(name, input, kind));
    const p2 = relu('c1', relu('stem', x, 'down'));
    const p4 = relu('c2', relu('d1', p2, 'down'));
    let h: tf.Tensor4D;
    h = relu('c3', relu('d2', p4, 'down'));
    const p8 = relu('c4', h);
    const [b, g] = [x.shape[0], p8.shape[1]];
    const n = g * g;
    const clsLogits = layer('cls', relu('head_cls', p8), 'conv1').reshape([b, n, -1]) as tf.Tensor3D;
    const hb = relu('head_box', p8);
    const ltrb = tf.softplus(layer('box', hb, 'conv1')).mul(DETECTOR_STRIDE).reshape([b, n, 4]) as tf.Tensor3D;
    const [l, t, r, bt] = tf.split(ltrb, 4, 2);
    const [ax, ay] = tf.split(this.anchors, 2, 1);
    const boxes = tf.concat([tf.sub(ax, l), tf.sub(ay, t), tf.add(ax, r), tf.add(ay, bt)], 2) as tf.Tensor3D;
    if ((this.config.numPrototypes ?? 0) === 0) return { clsLogits, boxes };
    const coefficients = layer('coef', hb, 'conv1').reshape([b, n, -1]) as tf.Tensor3D;
    const protos = layer('proto', tf.concat([up2(relu('proto_conv', tf.concat([up2(p8), p4], 3))), p2], 3), 'conv3');
    const prototypes = protos.reshape([b, protos.shape[1] * protos.shape[2], -1]) as tf.Tensor3D;
    return { clsLogits, boxes, coefficients, prototypes };
  }

  /** All weights and statistics as plain tensors (copies the caller owns), by `${layer}/${part}`. @example `const weights = detector.snapshot();` */
  snapshot(): Map<string, tf.Tensor> {
    return new Map([...this.params, ...this.stats].map(([k, v]) => [k, v.clone()]));
  }

  /** Frees the weights. @example `detector.dispose();` */
  dispose(): void {
    for (const v of [...this.params.values(), ...this.stats.values()]) v.dispose();
    this.params.clear();
    this.stats.clear();
    this.anchors.dispose();
  }
}

function gauss(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * A copy of `detector` whose class head predicts `labels` instead: classes whose names are
 * in both keep their weights, new ones start fresh (the backbone, box and mask heads are
 * copied). Fine-tune it on data with the new classes, e.g. `trainDetector(…, { train: 'head' })`.
 *
 * @example
 * ```ts
 * const extended = withLabels(detector, [...detector.config.labels, 'cross']);
 * ```
 */
export function withLabels(detector: TrainableDetector, labels: readonly string[]): TrainableDetector {
  if (!(detector instanceof TrainableDetector)) throw new VisionError('INVALID_INPUT', `withLabels takes a TrainableDetector; got ${shownValue(detector)}`);
  if (detector.params.size === 0) throw new VisionError('DISPOSED', 'this detector was disposed');
  checkLabels(labels);
  const weights = detector.snapshot();
  const old = detector.config.labels;
  const [kernel, bias] = [weights.get('cls/kernel')!, weights.get('cls/bias')!];
  const fresh = new TrainableDetector({ ...detector.config, labels }, { seed: 11 });
  const [k0, b0] = [fresh.params.get('cls/kernel')!, fresh.params.get('cls/bias')!];
  const [kOld, bOld, kNew, bNew] = [kernel.arraySync() as number[][], bias.arraySync() as number[], k0.arraySync() as number[][], b0.arraySync() as number[]];
  labels.forEach((label, j) => {
    const i = old.indexOf(label);
    if (i < 0) return;
    for (let r = 0; r < kNew.length; r++) kNew[r][j] = kOld[r][i];
    bNew[j] = bOld[i];
  });
  tf.dispose([kernel, bias]);
  weights.set('cls/kernel', tf.tensor2d(kNew));
  weights.set('cls/bias', tf.tensor1d(bNew));
  fresh.dispose();
  const out = new TrainableDetector({ ...detector.config, labels }, { weights });
  tf.dispose([...weights.values()]);
  return out;
}
