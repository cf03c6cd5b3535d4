/**
 * A compact anchor-free (YOLO-style) detector with an optional prototype mask head, held as
 * tf.Variables. Convolutions are written as patch gathers + matMul so that they train on every
 * tfjs backend (the wasm backend has no convolution gradients; this trains there 10× faster
 * than the plain cpu backend). {@link detectorToLayersModel} turns it into a standard layers
 * model with YOLOv8's output layout.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { seededRandom } from '../random';

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
  /** [B, (S/4)², M] prototypes. */
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

interface LayerDef {
  name: string;
  kind: 'down' | 'conv3' | 'conv1';
  cin: number;
  cout: number;
}

/**
 * The layers of a config, in order (names are shared with the exported layers model).
 *
 * @example
 * ```ts
 * const layers = detectorLayers({ inputSize: 64, numClasses: 3 });
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
    layers.push({ name: 'proto', kind: 'conv1', cin: w1, cout: m });
  }
  return layers;
}

function taps(kind: LayerDef['kind']): number {
  return kind === 'conv3' ? 9 : kind === 'down' ? 4 : 1;
}

/** Class prior of the class head's bias (YOLO's prior: few cells hold objects). */
const CLASS_PRIOR_BIAS = -4.6;

function checkConfig(config: DetectorConfig): void {
  const { inputSize, labels } = config;
  if (!(Number.isInteger(inputSize) && inputSize >= 32 && inputSize % 32 === 0)) {
    throw new VisionError('INVALID_OPTION', `inputSize is ${inputSize}; it must be a positive multiple of 32`);
  }
  if (!Array.isArray(labels) || labels.length === 0) throw new VisionError('INVALID_OPTION', 'a detector needs at least one label');
  const m = config.numPrototypes ?? 0;
  if (!(Number.isInteger(m) && m >= 0 && m !== inputSize / 4)) {
    throw new VisionError('INVALID_OPTION', `numPrototypes is ${m}; it must be a non-negative integer other than inputSize/4 (${inputSize / 4}), which would make the prototype layout ambiguous`);
  }
}

/** 3×3 'same' convolution as 9 shifted slices + matMul; rows ordered (dy, dx, cin) = HWIO. */
function conv3(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const p = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  const slices: tf.Tensor4D[] = [];
  for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) slices.push(tf.slice(p, [0, dy, dx, 0], [n, h, wd, c]));
  const cols = tf.concat(slices, 3).reshape([n * h * wd, 9 * c]);
  return tf.add(tf.matMul(cols, w), b).reshape([n, h, wd, w.shape[1]]);
}

/** 2×2 stride-2 convolution (space-to-depth + matMul); rows ordered (dy, dx, cin) = HWIO. */
function down(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const cols = x.reshape([n, h / 2, 2, wd / 2, 2, c]).transpose([0, 1, 3, 2, 4, 5]).reshape([(n * h * wd) / 4, 4 * c]);
  return tf.add(tf.matMul(cols, w), b).reshape([n, h / 2, wd / 2, w.shape[1]]);
}

function conv1(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  return tf.add(tf.matMul(x.reshape([n * h * wd, c]), w), b).reshape([n, h, wd, w.shape[1]]);
}

/** Nearest-neighbour ×2 upsampling (= UpSampling2D). */
function up2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return x.reshape([n * h, w, 1, c]).tile([1, 1, 2, 1]).reshape([n * h, 1, 2 * w * c]).tile([1, 2, 1]).reshape([n, 2 * h, 2 * w, c]);
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
 * YOLO-seg style mask prototypes at stride 4 with per-cell coefficients. Train it with
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
  /** Weights by layer: `${name}/kernel` ([taps·cin, cout]) and `${name}/bias`. */
  readonly params: Map<string, tf.Variable>;
  private readonly anchors: tf.Tensor2D;

  constructor(config: DetectorConfig, options: { seed?: number; weights?: ReadonlyMap<string, tf.Tensor> } = {}) {
    checkConfig(config);
    this.config = { ...config, labels: [...config.labels], widths: config.widths ?? [16, 32, 64], numPrototypes: config.numPrototypes ?? 0 };
    this.params = new Map();
    const rng = seededRandom(options.seed ?? 7);
    for (const layer of detectorLayers(this.config)) {
      const fanIn = taps(layer.kind) * layer.cin;
      for (const part of ['kernel', 'bias'] as const) {
        const key = `${layer.name}/${part}`;
        const shape = part === 'kernel' ? [fanIn, layer.cout] : [layer.cout];
        const given = options.weights?.get(key);
        let init: tf.Tensor;
        if (given) {
          if (given.size !== shape.reduce((a, b) => a * b, 1)) throw new VisionError('INVALID_INPUT', `weight ${key} has ${given.size} values; expected [${shape.join(', ')}]`);
          init = given.reshape(shape);
        } else if (part === 'kernel') {
          const scale = Math.sqrt((layer.kind === 'conv1' ? 1 : 2) / fanIn) * (layer.kind === 'conv1' ? 0.5 : 1);
          init = tf.tensor(Float32Array.from({ length: fanIn * layer.cout }, () => gauss(rng) * scale), shape);
        } else {
          init = tf.fill(shape, layer.name === 'cls' ? CLASS_PRIOR_BIAS : 0);
        }
        this.params.set(key, tf.variable(init, true));
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

  /**
   * Raw outputs for a batch `[B, S, S, 3]` of 0–1 RGB images (call inside `tf.tidy`).
   *
   * @example
   * ```ts
   * const { boxes } = tf.tidy(() => detector.forward(batch));
   * ```
   */
  forward(x: tf.Tensor4D): DetectorForward {
    const relu = (t: tf.Tensor4D) => tf.relu(t);
    let h = relu(down(x, ...this.w('stem')));
    h = relu(conv3(h, ...this.w('c1')));
    h = relu(down(h, ...this.w('d1')));
    const p4 = relu(conv3(h, ...this.w('c2')));
    h = relu(down(p4, ...this.w('d2')));
    h = relu(conv3(h, ...this.w('c3')));
    const p8 = relu(conv3(h, ...this.w('c4')));
    const [b, g] = [x.shape[0], p8.shape[1]];
    const n = g * g;
    const clsLogits = conv1(relu(conv3(p8, ...this.w('head_cls'))), ...this.w('cls')).reshape([b, n, -1]) as tf.Tensor3D;
    const hb = relu(conv3(p8, ...this.w('head_box')));
    const ltrb = tf.softplus(conv1(hb, ...this.w('box'))).mul(DETECTOR_STRIDE).reshape([b, n, 4]) as tf.Tensor3D;
    const [l, t, r, bt] = tf.split(ltrb, 4, 2);
    const [ax, ay] = tf.split(this.anchors, 2, 1);
    const boxes = tf.concat([tf.sub(ax, l), tf.sub(ay, t), tf.add(ax, r), tf.add(ay, bt)], 2) as tf.Tensor3D;
    if ((this.config.numPrototypes ?? 0) === 0) return { clsLogits, boxes };
    const coefficients = conv1(hb, ...this.w('coef')).reshape([b, n, -1]) as tf.Tensor3D;
    const merged = tf.concat([up2(p8), p4], 3);
    const protos = conv1(relu(conv3(merged, ...this.w('proto_conv'))), ...this.w('proto'));
    const prototypes = protos.reshape([b, protos.shape[1] * protos.shape[2], -1]) as tf.Tensor3D;
    return { clsLogits, boxes, coefficients, prototypes };
  }

  /** All weights as plain tensors (copies the caller owns), by `${layer}/${kernel|bias}`. @example `const weights = detector.snapshot();` */
  snapshot(): Map<string, tf.Tensor> {
    return new Map([...this.params].map(([k, v]) => [k, v.clone()]));
  }

  /** Frees the weights. @example `detector.dispose();` */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
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
